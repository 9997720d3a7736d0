#include "cli/internal/workspace_flags.h"

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

TEST(ApplyWorkspaceFlagsTest, FlagsOverrideAndAddVariables) {
  json::object body = json::parse(R"({"name":"old","repository_branch":"main",
      "terraform_variables":{"a":{"key":"a","value":"1","value_type":"string"}},
      "environment_variables":{"E":{"key":"E","value":"x","value_type":"string"}}})")
                          .get_object();
  WorkspaceFlags f;
  f.name = "new";
  f.sha = "abc123";
  f.path = "";
  f.vars = {"b=two=2"};
  f.secret_vars = {"pw=org.db_password"};
  f.unset = {"E"};
  f.tags = {"team:platform", "prod"};
  ASSERT_TRUE(ApplyWorkspaceFlags(f, body).ok());
  EXPECT_EQ(json::value(body), json::parse(R"({"name":"new","repository_path":"",
      "repository_sha":"abc123",
      "terraform_variables":{"a":{"key":"a","value":"1","value_type":"string"},
                             "b":{"key":"b","value":"two=2","value_type":"string"},
                             "pw":{"key":"pw","value":"org.db_password","value_type":"secret"}},
      "environment_variables":{},"tags":{"team":"platform","prod":""}})"));
}

// Regression: adding the second map to an empty body moved the first, and the variables written
// through a stale reference were lost.
TEST(ApplyWorkspaceFlagsTest, VariablesSurviveOnAnEmptyBody) {
  json::object body;
  WorkspaceFlags f;
  f.vars = {"greeting=hello"};
  f.env = {"TF_LOG=info"};
  f.tags = {"team:platform"};
  ASSERT_TRUE(ApplyWorkspaceFlags(f, body).ok());
  EXPECT_EQ(json::value(body), json::parse(R"({
      "terraform_variables":{"greeting":{"key":"greeting","value":"hello","value_type":"string"}},
      "environment_variables":{"TF_LOG":{"key":"TF_LOG","value":"info","value_type":"string"}},
      "tags":{"team":"platform"}})"));
}

TEST(ApplyWorkspaceFlagsTest, MalformedItemsAreRefused) {
  json::object body;
  WorkspaceFlags f;
  f.vars = {"novalue"};
  EXPECT_FALSE(ApplyWorkspaceFlags(f, body).ok());
  WorkspaceFlags two;
  two.branch = "main";
  two.commit = "v1";
  EXPECT_FALSE(ApplyWorkspaceFlags(two, body).ok());
  WorkspaceFlags unset;
  unset.unset = {"ghost"};
  EXPECT_FALSE(ApplyWorkspaceFlags(unset, body).ok());
}

}  // namespace
}  // namespace terrane::cli::internal
