#include "model/tenancy.h"

#include <string>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace terrane::model {
namespace {

namespace json = boost::json;

TEST(ValidatePlatformIdentifierTest, EdgeCases) {
  EXPECT_TRUE(ValidatePlatformIdentifier("a", "org identifier").ok());
  EXPECT_TRUE(ValidatePlatformIdentifier("_a$b9", "org identifier").ok());
  EXPECT_TRUE(ValidatePlatformIdentifier(std::string(128, 'x'), "org identifier").ok());
  EXPECT_FALSE(ValidatePlatformIdentifier(std::string(129, 'x'), "org identifier").ok());
  EXPECT_FALSE(ValidatePlatformIdentifier("", "org identifier").ok());
  EXPECT_FALSE(ValidatePlatformIdentifier("9a", "org identifier").ok());
  EXPECT_FALSE(ValidatePlatformIdentifier("$a", "org identifier").ok());
  EXPECT_FALSE(ValidatePlatformIdentifier("a b", "org identifier").ok());
  EXPECT_EQ(ValidatePlatformIdentifier("my-org", "org identifier").message(),
            "org identifier 'my-org' must match ^[A-Za-z_][A-Za-z0-9_$]*$ (1-128 characters)");
}

TEST(ValidatePlatformIdentifierTest, ReservedWords) {
  for (const char* word :
       {"or",     "and",  "eq",       "ne",        "lt",   "gt",      "le",     "ge",
        "div",    "mod",  "not",      "null",      "true", "false",   "new",    "var",
        "return", "step", "parallel", "stepGroup", "org",  "account", "status", "liteEngineTask"}) {
    EXPECT_EQ(ValidatePlatformIdentifier(word, "project identifier").message(),
              std::string("project identifier '") + word +
                  "' is a reserved word; choose another identifier");
  }
  // Reserved words are case-sensitive.
  EXPECT_TRUE(ValidatePlatformIdentifier("Org", "x").ok());
  EXPECT_TRUE(ValidatePlatformIdentifier("stepgroup", "x").ok());
  EXPECT_TRUE(ValidatePlatformIdentifier("orga", "x").ok());
}

TEST(ParseOrgCreateTest, Valid) {
  auto org = ParseOrgCreate(
      R"({"org":{"identifier":"eng","name":"Engineering ✓","description":"d","tags":{"a":"b"}}})");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->identifier, "eng");
  EXPECT_EQ(org->name, "Engineering ✓");
  EXPECT_EQ(org->description, "d");
  EXPECT_EQ(org->tags.at("a"), "b");
  auto minimal = ParseOrgCreate(R"({"org":{"identifier":"eng","name":"E","description":null}})");
  ASSERT_TRUE(minimal.ok()) << minimal.status();
  EXPECT_EQ(minimal->description, "");
  EXPECT_TRUE(minimal->tags.empty());
}

TEST(ParseOrgCreateTest, Errors) {
  auto message = [](std::string_view body) {
    return std::string(ParseOrgCreate(body).status().message());
  };
  EXPECT_EQ(message("{}"), "field 'org' is required");
  EXPECT_EQ(message(R"({"org":[]})"), "field 'org' must be an object, got an array");
  EXPECT_EQ(message(R"({"org":{"name":"n"}})"), "field 'org.identifier' is required");
  EXPECT_EQ(message(R"({"org":{"identifier":1,"name":"n"}})"),
            "field 'org.identifier' must be a string, got a number");
  EXPECT_EQ(message(R"({"org":{"identifier":"a-b","name":"n"}})"),
            "org identifier 'a-b' must match ^[A-Za-z_][A-Za-z0-9_$]*$ (1-128 characters)");
  EXPECT_EQ(message(R"({"org":{"identifier":"status","name":"n"}})"),
            "org identifier 'status' is a reserved word; choose another identifier");
  EXPECT_EQ(message(R"({"org":{"identifier":"a"}})"), "field 'org.name' is required");
  EXPECT_EQ(message(R"({"org":{"identifier":"a","name":""}})"),
            "field 'org.name' must have 1-128 characters, got 0");
  EXPECT_EQ(message(R"({"org":{"identifier":"a","name":")" + std::string(129, 'n') + "\"}}"),
            "field 'org.name' must have 1-128 characters, got 129");
  EXPECT_TRUE(
      ParseOrgCreate(R"({"org":{"identifier":"a","name":")" + std::string(128, 'n') + "\"}}").ok());
  EXPECT_EQ(message(R"({"org":{"identifier":"a","name":"n","description":5}})"),
            "field 'org.description' must be a string, got a number");
  EXPECT_EQ(message(R"({"org":{"identifier":"a","name":"n","tags":{"k":false}}})"),
            "field 'org.tags.k' must be a string, got a boolean");
  EXPECT_EQ(message("nope").rfind("request body is not valid JSON: ", 0), 0u);
}

TEST(ParseProjectCreateTest, Valid) {
  auto project = ParseProjectCreate(
      R"({"project":{"identifier":"web","name":"Web","org":"eng","tags":{"t":""}}})", "eng");
  ASSERT_TRUE(project.ok()) << project.status();
  EXPECT_EQ(project->org, "eng");
  EXPECT_EQ(project->identifier, "web");
  EXPECT_EQ(project->tags.at("t"), "");
  EXPECT_TRUE(ParseProjectCreate(R"({"project":{"identifier":"web","name":"Web"}})", "eng").ok());
}

TEST(ParseProjectCreateTest, Errors) {
  EXPECT_EQ(ParseProjectCreate(R"({"org":{}})", "eng").status().message(),
            "field 'project' is required");
  EXPECT_EQ(ParseProjectCreate(R"({"project":{"identifier":"web","name":"W","org":"ops"}})", "eng")
                .status()
                .message(),
            "field 'project.org' ('ops') must equal the org in the path ('eng')");
  EXPECT_EQ(ParseProjectCreate(R"({"project":{"identifier":"web","name":"W","org":1}})", "eng")
                .status()
                .message(),
            "field 'project.org' must be a string, got a number");
  EXPECT_EQ(ParseProjectCreate(R"({"project":{"identifier":"new","name":"W"}})", "eng")
                .status()
                .message(),
            "project identifier 'new' is a reserved word; choose another identifier");
}

TEST(TenancyToJsonTest, Shapes) {
  Org org{.account = "acc",
          .identifier = "eng",
          .name = "E",
          .description = "d",
          .tags = {{"a", "b"}},
          .created = 1,
          .updated = 2};
  EXPECT_EQ(json::value(OrgToJson(org)),
            json::parse(R"({"org":{"identifier":"eng","name":"E","description":"d",
                                   "tags":{"a":"b"}},"created":1,"updated":2})"));
  Project project;
  project.account = "acc";
  project.org = "eng";
  project.identifier = "web";
  project.name = "W";
  project.created = 3;
  project.updated = 4;
  EXPECT_EQ(json::value(ProjectToJson(project)),
            json::parse(R"({"project":{"identifier":"web","org":"eng","name":"W",
                                       "description":"","tags":{}},"created":3,"updated":4})"));
}

}  // namespace
}  // namespace terrane::model
