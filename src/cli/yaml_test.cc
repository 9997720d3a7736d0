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
repository_commit: "1.0"
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
    "repository_branch":"main","repository_path":"","repository_commit":"1.0",
    "cost_estimation_enabled":false,"budget":12,"tags":{"team":"platform"},
    "terraform_variables":{"greeting":{"key":"greeting","value":"it's hi","value_type":"string"}},
    "environment_variables":{},"variable_sets":["a","b"],"sparse_checkout":["modules","app"]})"));
}

TEST(YamlTest, SequenceOfMappingsAndMultiLineScalars) {
  absl::StatusOr<json::value> v =
      ParseYaml("items:\n  - key: a\n    value: 1\n  - key: b\ntext: |\n  one\n  two\n");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, json::parse(R"({"items":[{"key":"a","value":1},{"key":"b"}],"text":"one\ntwo\n"})"));
}

TEST(YamlTest, RefusesMalformedInputNamingTheLine) {
  absl::StatusOr<json::value> v = ParseYaml("a: 1\nb: [x\n");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("YAML line"), std::string::npos) << v.status();
  absl::StatusOr<json::value> dup = ParseYaml("a: 1\na: 2\n");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("line 2: duplicate key 'a'"), std::string::npos)
      << dup.status();
  EXPECT_FALSE(ParseYaml("a: 1\n  b: 2\n").ok());
  EXPECT_FALSE(ParseYaml("a: 1\n---\nb: 2\n").ok());
  EXPECT_FALSE(ParseYaml("? [a]\n: 1\n").ok());
}

}  // namespace
}  // namespace terrane::cli::internal
