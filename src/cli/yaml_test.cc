#include "cli/internal/yaml.h"

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

TEST(YamlTest, WorkspaceFile) {
  absl::StatusOr<json::value> v = ParseYaml(R"(---
# a workspace
identifier: app
name: "App # one"
repository: /tmp/infra
repository_branch: main
repository_path: ''
cost_estimation_enabled: false
budget: 12
tags:
  team: platform
terraform_variables:
  greeting:
    key: greeting
    value: 'it''s hi'
    value_type: string
environment_variables: {}
variable_sets: [a, "b"]
sparse_checkout:
- modules
- app
)");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, json::parse(R"({"identifier":"app","name":"App # one","repository":"/tmp/infra",
    "repository_branch":"main","repository_path":"","cost_estimation_enabled":false,"budget":12,
    "tags":{"team":"platform"},
    "terraform_variables":{"greeting":{"key":"greeting","value":"it's hi","value_type":"string"}},
    "environment_variables":{},"variable_sets":["a","b"],"sparse_checkout":["modules","app"]})"));
}

TEST(YamlTest, SequenceOfMappings) {
  absl::StatusOr<json::value> v = ParseYaml("items:\n  - key: a\n    value: 1\n  - key: b\n");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, json::parse(R"({"items":[{"key":"a","value":1},{"key":"b"}]})"));
}

TEST(YamlTest, RefusesWhatItDoesNotSupportNamingTheLine) {
  absl::StatusOr<json::value> v = ParseYaml("a: 1\nb: &anchor x\n");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("line 2"), std::string::npos) << v.status();
  EXPECT_FALSE(ParseYaml("a: 1\n  b: 2\n").ok());
  EXPECT_FALSE(ParseYaml("a: 1\na: 2\n").ok());
  EXPECT_FALSE(ParseYaml("a:\n\tb: 1\n").ok());
  EXPECT_FALSE(ParseYaml("just text\n").ok());
}

}  // namespace
}  // namespace terrane::cli::internal
