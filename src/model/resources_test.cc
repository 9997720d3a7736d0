#include <string>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "model/state.h"

namespace terrane::model {
namespace {

namespace json = boost::json;

constexpr std::string_view kSecret = "hunter2-TOPSECRET";

// A terraform 1.11.4-shaped state whose secrets all contain kSecret.
constexpr std::string_view kState = R"j({
  "version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "abc",
  "outputs": {
    "endpoint": {"value": "db.example.com", "type": "string"},
    "password": {"value": "hunter2-TOPSECRET", "type": "string", "sensitive": true},
    "conn": {"value": {"user": "u", "pass": "hunter2-TOPSECRET"},
             "type": ["object", {"user": "string", "pass": "string"}], "sensitive": true}
  },
  "resources": [
    {
      "mode": "managed", "type": "aws_db_instance", "name": "db",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{
        "schema_version": 2,
        "attributes": {"id": "db-1", "password": "hunter2-TOPSECRET", "port": 5432,
                       "tags": {"env": "prod", "token": "hunter2-TOPSECRET"},
                       "blocks": [{"kms": "hunter2-TOPSECRET", "size": 8}, {"kms": "k2"}]},
        "sensitive_attributes": [
          [{"type": "get_attr", "value": "password"}],
          [{"type": "get_attr", "value": "tags"},
           {"type": "index", "value": {"value": "token", "type": "string"}}],
          [{"type": "get_attr", "value": "blocks"},
           {"type": "index", "value": {"value": 0, "type": "number"}},
           {"type": "get_attr", "value": "kms"}],
          [{"type": "get_attr", "value": "missing"}]
        ]
      }]
    },
    {
      "module": "module.app[\"blue\"]", "mode": "managed", "type": "random_password",
      "name": "p", "provider": "module.app.provider[\"registry.terraform.io/hashicorp/random\"]",
      "instances": [
        {"index_key": "a\"b", "attributes": {"id": "none", "result": "hunter2-TOPSECRET"},
         "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]},
        {"index_key": 1, "attributes": {"result": "hunter2-TOPSECRET", "length": 16},
         "sensitive_attributes": "garbage"},
        {"index_key": 2, "attributes": {"set": [{"v": "hunter2-TOPSECRET"}], "other": 1},
         "sensitive_attributes": [[{"type": "get_attr", "value": "set"},
                                   {"type": "index", "value": {"value": {"v": "x"},
                                                               "type": ["object", {}]}}]]},
        {"index_key": 3, "attributes": {"x": "hunter2-TOPSECRET"},
         "sensitive_attributes": [[{"type": "weird", "value": "x"}]]},
        {"index_key": 4, "attributes": {"x": {"y": "hunter2-TOPSECRET"}},
         "sensitive_attributes": [[{"type": "get_attr", "value": "x"}, {"oops": 1}]]}
      ]
    },
    {
      "mode": "data", "type": "aws_iam_policy_document", "name": "doc",
      "provider": "provider.aws",
      "instances": [{"attributes": {"json": "{}", "id": 12}}]
    },
    {
      "mode": "managed", "type": "terraform_data", "name": "t",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [{"attributes_flat": {"id": "t-1"}}]
    }
  ]
})j";

json::object Extract(std::string_view body) {
  auto out = ExtractResources(body);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : json::object();
}

TEST(ExtractResourcesTest, NeverLeaksSecrets) {
  const json::object out = Extract(kState);
  const std::string text = json::serialize(out);
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
}

TEST(ExtractResourcesTest, Counts) {
  const json::object out = Extract(kState);
  EXPECT_EQ(out.at("total_resources"), 7);
  EXPECT_EQ(out.at("resources").as_array().size(), 7u);
  EXPECT_EQ(out.at("data_sources").as_array().size(), 1u);
  EXPECT_EQ(out.at("stack_outputs"), json::object());
}

TEST(ExtractResourcesTest, ManagedResourceItem) {
  const json::object out = Extract(kState);
  const json::value expected = json::parse(R"j({
    "provider": "aws",
    "provider_address": "provider[\"registry.terraform.io/hashicorp/aws\"]",
    "type": "aws_db_instance", "name": "db", "module": "", "mode": "resource",
    "attributes": {"id": "db-1", "password": "(sensitive)", "port": 5432,
                   "tags": {"env": "prod", "token": "(sensitive)"},
                   "blocks": [{"kms": "(sensitive)", "size": 8}, {"kms": "k2"}]},
    "drift_status": "unchanged", "drift_attributes": {},
    "path_id": "aws_db_instance.db", "resource_id": "db-1",
    "sensitive_attributes": ["password", "tags.token", "blocks.0.kms"],
    "createdAt": 0, "lastSyncedAt": 0})j");
  EXPECT_EQ(out.at("resources").as_array()[0], expected)
      << json::serialize(out.at("resources").as_array()[0]);
}

TEST(ExtractResourcesTest, ModuleIndexAndMaskingFallbacks) {
  const json::object out = Extract(kState);
  const json::array& items = out.at("resources").as_array();
  EXPECT_EQ(items[1].at("provider"), "random");
  EXPECT_EQ(items[1].at("module"), "module.app[\"blue\"]");
  EXPECT_EQ(items[1].at("path_id"), "module.app[\"blue\"].random_password.p[\"a\\\"b\"]");
  EXPECT_EQ(items[1].at("resource_id"), "none");
  EXPECT_EQ(items[1].at("attributes"), json::parse(R"j({"id":"none","result":"(sensitive)"})j"));
  // Unreadable sensitive_attributes: every attribute is hidden.
  EXPECT_EQ(items[2].at("path_id"), "module.app[\"blue\"].random_password.p[1]");
  EXPECT_EQ(items[2].at("resource_id"), "module.app[\"blue\"].random_password.p[1]");
  EXPECT_EQ(items[2].at("attributes"),
            json::parse(R"j({"result":"(sensitive)","length":"(sensitive)"})j"));
  // A set element cannot be addressed: the whole set is hidden.
  EXPECT_EQ(items[3].at("attributes"), json::parse(R"j({"set":"(sensitive)","other":1})j"));
  EXPECT_EQ(items[3].at("sensitive_attributes"), json::parse(R"j(["set"])j"));
  // An unknown first step hides everything; a bad later step hides what it was under.
  EXPECT_EQ(items[4].at("attributes"), json::parse(R"j({"x":"(sensitive)"})j"));
  EXPECT_EQ(items[5].at("attributes"), json::parse(R"j({"x":"(sensitive)"})j"));
  EXPECT_EQ(items[6].at("provider"), "terraform");
  EXPECT_EQ(items[6].at("attributes"), json::parse(R"j({"id":"t-1"})j"));
  EXPECT_EQ(items[6].at("resource_id"), "t-1");
}

TEST(ExtractResourcesTest, DataSourceItem) {
  const json::object out = Extract(kState);
  const json::value& item = out.at("data_sources").as_array()[0];
  EXPECT_EQ(item.at("mode"), "data");
  EXPECT_EQ(item.at("provider"), "aws");
  EXPECT_EQ(item.at("provider_address"), "provider.aws");
  EXPECT_EQ(item.at("path_id"), "data.aws_iam_policy_document.doc");
  EXPECT_EQ(item.at("resource_id"), "data.aws_iam_policy_document.doc");  // id is not a string
  EXPECT_EQ(item.at("sensitive_attributes"), json::array());
}

TEST(ExtractResourcesTest, Outputs) {
  const json::value outputs = Extract(kState).at("outputs");
  EXPECT_EQ(outputs, json::parse(R"j([
    {"name":"endpoint","value":"db.example.com","sensitive":false,
     "expression":"<+outputs.endpoint>"},
    {"name":"password","value":null,"sensitive":true,"expression":"<+outputs.password>"},
    {"name":"conn","value":null,"sensitive":true,"expression":"<+outputs.conn>"}])j"));
}

TEST(ExtractResourcesTest, MalformedSensitiveFlagCountsAsSensitive) {
  const json::object out = Extract(
      R"j({"serial":1,"lineage":"x","outputs":{"o":{"value":"hunter2-TOPSECRET","sensitive":"yes"}}})j");
  EXPECT_EQ(json::serialize(out).find(kSecret), std::string::npos);
  EXPECT_EQ(out.at("outputs").as_array()[0].at("sensitive"), true);
}

TEST(ExtractResourcesTest, EncryptedEnvelope) {
  const json::object out = Extract(
      R"j({"serial":12,"lineage":"9a8b","meta":{},"encrypted_data":"U2Fs","encryption_version":"v0"})j");
  EXPECT_EQ(json::value(out), json::parse(R"j({"resources":[],"data_sources":[],"outputs":[],
                                              "stack_outputs":{},"total_resources":0})j"));
}

TEST(ExtractResourcesTest, ToleratesOddShapes) {
  const json::object out = Extract(R"j({"resources":[1,{"mode":"managed","instances":[2,{}]},
      {"mode":"other","instances":[{}]},{"mode":"managed","instances":{}}],"outputs":[]})j");
  EXPECT_EQ(out.at("total_resources"), 1);
  EXPECT_EQ(out.at("resources").as_array()[0].at("path_id"), ".");
}

TEST(ExtractResourcesTest, Errors) {
  EXPECT_EQ(ExtractResources("{").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExtractResources("[]").status().message(), "state must be a JSON object");
}

}  // namespace
}  // namespace terrane::model

namespace terrane::model {
namespace {

// Regression: a state holding 1e999 (parsed as infinity) made the view print `Infinity`,
// which is not JSON, so clients failed to read every resource.
TEST(ExtractResourcesTest, NumbersTooLargeForADoubleBecomeNull) {
  auto out = ExtractResources(R"j({"version": 4, "serial": 1, "lineage": "l",
    "outputs": {"big": {"value": 1e999, "type": "number"}},
    "resources": [{"mode": "managed", "type": "terraform_data", "name": "a",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [{"attributes": {"id": "x", "input": [-1e999, 2.5]}}]}]})j");
  ASSERT_TRUE(out.ok()) << out.status();
  const std::string text = boost::json::serialize(*out);
  EXPECT_EQ(text.find("Infinity"), std::string::npos) << text;
  boost::json::error_code ec;
  boost::json::value again = boost::json::parse(text, ec);
  ASSERT_FALSE(ec) << text;
  const auto& attrs = again.at("resources").at(0).at("attributes").as_object();
  EXPECT_TRUE(attrs.at("input").at(0).is_null());
  EXPECT_EQ(attrs.at("input").at(1).as_double(), 2.5);
  EXPECT_TRUE(again.at("outputs").at(0).at("value").is_null());
}

}  // namespace
}  // namespace terrane::model
