#include "model/internal/json_util.h"

#include <string>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace terrane::model::internal {
namespace {

namespace json = boost::json;

TEST(QuoteTest, EscapesAndTruncates) {
  EXPECT_EQ(Quote("x y"), "'x y'");
  EXPECT_EQ(Quote("a\nb"), "'a\\nb'");
  EXPECT_EQ(Quote(std::string(100, 'a')), "'" + std::string(kMaxQuoted, 'a') + "...'");
}

TEST(ParseObjectTest, RejectsNonObjects) {
  EXPECT_EQ(ParseObject("[1]").status().message(),
            "request body must be a JSON object, got an array");
  EXPECT_EQ(ParseObject("  ").status().message(),
            "request body is empty; it must be a JSON object");
  const absl::Status bad = ParseObject("{\"a\":").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message().rfind("request body is not valid JSON: ", 0), 0u) << bad.message();
  EXPECT_NE(ParseObject("{} x").status().message().find("not valid JSON"), std::string::npos);
  EXPECT_TRUE(ParseObject(" {\"a\":1} ").ok());
}

TEST(ParseObjectTest, RejectsInvalidUtf8) { EXPECT_FALSE(ParseObject("{\"a\":\"\xff\"}").ok()); }

TEST(ParseObjectTest, RefusesDeepNesting) {
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_FALSE(ParseObject(deep).ok());
}

// Regression: 1e999 parsed as infinity was stored, and the workspace then answered 500 forever.
TEST(ParseObjectTest, RejectsNumbersTooLargeForADouble) {
  EXPECT_EQ(ParseObject(R"({"budget":1e999})").status().message(),
            "field 'budget' in request body is a number too large to store; use a smaller one");
  EXPECT_EQ(ParseObject(R"({"p":{"plan":[1,-1e400]}})").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ParseObject(R"({"p":{"plan":[1,-1e400]}})").status().message().find("'p.plan[1]'"),
            std::string::npos);
  EXPECT_FALSE(ParseObject("{\"n\":1" + std::string(400, '0') + "}").ok());
  EXPECT_TRUE(ParseObject(R"({"budget":1.7e308,"small":-1e-400})").ok());
}

TEST(ParseTagsTest, ObjectForm) {
  auto tags = ParseTags(json::parse(R"({"team":"platform","env":""})"), "tags");
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(tags->size(), 2u);
  EXPECT_EQ(tags->at("team"), "platform");
  EXPECT_EQ(tags->at("env"), "");
}

TEST(ParseTagsTest, ArrayForm) {
  auto tags = ParseTags(json::parse(R"(["team:platform","bare","url:http://x:1"])"), "tags");
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(tags->at("team"), "platform");
  EXPECT_EQ(tags->at("bare"), "");
  EXPECT_EQ(tags->at("url"), "http://x:1");
}

TEST(ParseTagsTest, WrongTypesNameTheField) {
  EXPECT_EQ(ParseTags(json::parse(R"({"a":1})"), "tags").status().message(),
            "field 'tags.a' must be a string, got a number");
  EXPECT_EQ(ParseTags(json::parse(R"(["a",true])"), "tags").status().message(),
            "field 'tags[1]' must be a string, got a boolean");
  EXPECT_EQ(ParseTags(json::parse(R"("a")"), "tags").status().message(),
            "field 'tags' must be an object of strings or an array of strings, got a string");
  EXPECT_EQ(ParseTags(json::parse(R"([":v"])"), "tags").status().message(),
            "field 'tags[0]' has an empty tag key: ':v'");
  EXPECT_EQ(ParseTags(json::parse(R"({"":"v"})"), "tags").status().message(),
            "field 'tags' has an empty key");
}

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("h\xc3\xa9llo"), 5u);      // é
  EXPECT_EQ(Utf8Length("\xf0\x9f\x98\x80"), 1u);  // emoji
}

TEST(FindTest, NullIsAbsent) {
  json::object obj = json::parse(R"({"a":null,"b":1})").as_object();
  EXPECT_EQ(Find(obj, "a"), nullptr);
  EXPECT_EQ(Find(obj, "c"), nullptr);
  ASSERT_NE(Find(obj, "b"), nullptr);
}

}  // namespace
}  // namespace terrane::model::internal
