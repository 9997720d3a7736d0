#include "model/state.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "model/internal/state_meta_parser.h"

namespace terrane::model {
namespace {

namespace json = boost::json;

// Shaped like a terraform 1.11.4 state. "mode" also appears inside attributes and nested
// blocks, and one resource lists its own "mode" after its instances.
constexpr std::string_view kState = R"({
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 7,
  "lineage": "3f1a7c2e-5b9d-4e8f-a1c2-b3d4e5f60718",
  "outputs": {
    "bucket": {"value": "my-bucket", "type": "string"},
    "mode": {"value": "managed", "type": "string"}
  },
  "resources": [
    {
      "mode": "data",
      "type": "aws_caller_identity",
      "name": "current",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [
        {"schema_version": 0, "attributes": {"account_id": "123456789012", "mode": "managed"},
         "sensitive_attributes": []}
      ]
    },
    {
      "mode": "managed",
      "type": "aws_s3_bucket",
      "name": "b",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [
        {"index_key": 0, "schema_version": 0,
         "attributes": {"bucket": "b0", "id": "b0", "mode": "data",
                        "lifecycle_rule": [{"mode": "managed", "noncurrent": {"mode": "data"}}]},
         "sensitive_attributes": [], "identity_schema_version": 0,
         "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ=="},
        {"index_key": 1, "schema_version": 0, "attributes": {"bucket": "b1", "id": "b1"},
         "sensitive_attributes": []}
      ]
    },
    {
      "module": "module.net",
      "mode": "managed",
      "type": "aws_efs_file_system",
      "name": "fs",
      "provider": "module.net.provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{"attributes": {"throughput_mode": "bursting", "mode": "x"}}]
    },
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "t",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [{"attributes": {"id": "9d3f", "input": {"mode": "data"}}}]
    },
    {"type": "random_id", "name": "r", "instances": [{"attributes": {"mode": "data"}}],
     "mode": "managed"},
    {"mode": "data", "type": "aws_region", "name": "here", "instances": []}
  ],
  "check_results": null
}
)";

absl::StatusOr<StateMeta> ParseInChunks(std::string_view body, size_t chunk) {
  internal::StateMetaParser parser;
  for (size_t i = 0; i < body.size(); i += chunk) {
    absl::Status status = parser.Write(body.substr(i, chunk));
    if (!status.ok()) return status;
  }
  return parser.Finish();
}

std::string MetaError(std::string_view body) {
  auto meta = ParseStateMeta(body);
  EXPECT_FALSE(meta.ok()) << body;
  if (meta.ok()) return "";
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(meta.status().message());
}

TEST(ParseStateMetaTest, TerraformState) {
  auto meta = ParseStateMeta(kState);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->serial, 7);
  EXPECT_EQ(meta->lineage, "3f1a7c2e-5b9d-4e8f-a1c2-b3d4e5f60718");
  EXPECT_EQ(meta->managed_resources, 4);
}

TEST(ParseStateMetaTest, SameResultForEveryChunking) {
  for (size_t chunk = 1; chunk <= 97; ++chunk) {
    auto meta = ParseInChunks(kState, chunk);
    ASSERT_TRUE(meta.ok()) << chunk << ": " << meta.status();
    EXPECT_EQ(meta->serial, 7) << chunk;
    EXPECT_EQ(meta->lineage, "3f1a7c2e-5b9d-4e8f-a1c2-b3d4e5f60718") << chunk;
    EXPECT_EQ(meta->managed_resources, 4) << chunk;
  }
}

TEST(ParseStateMetaTest, EscapedKeysAndStrings) {
  auto meta = ParseStateMeta(
      R"({"s\u0065rial":3,"line\u0061ge":"a\"b\u00e9","resources":[{"m\u006fde":"man\u0061ged"}]})");
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->serial, 3);
  EXPECT_EQ(meta->lineage, "a\"b\xc3\xa9");
  EXPECT_EQ(meta->managed_resources, 1);
}

TEST(ParseStateMetaTest, LongEscapedStringsArriveInParts) {
  // Escapes make Boost buffer strings and hand them over in several parts.
  std::string escaped;
  for (int i = 0; i < 3000; ++i) escaped += "\\u0041";
  const std::string body = R"({"serial":1,"lineage":"L","resources":[{")" + escaped +
                           R"(":"x","mode":"managed","attributes":{"v":")" + escaped +
                           R"("}}, {"mode":")" + escaped + R"("}]})";
  for (size_t chunk : {body.size(), size_t{7}, size_t{4096}}) {
    auto meta = ParseInChunks(body, chunk);
    ASSERT_TRUE(meta.ok()) << meta.status();
    EXPECT_EQ(meta->managed_resources, 1);
  }
  std::string lineage;
  for (int i = 0; i < 1024; ++i) lineage += "\\u0041";
  auto meta = ParseStateMeta(R"({"serial":1,"lineage":")" + lineage + "\"}");
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->lineage, std::string(1024, 'A'));
  EXPECT_EQ(MetaError(R"({"serial":1,"lineage":")" + lineage + "B\"}"),
            "state is not a terraform state: field 'lineage' is longer than 1024 bytes");
}

TEST(ParseStateMetaTest, OpenTofuEncryptedEnvelope) {
  auto meta = ParseStateMeta(
      R"({"serial":12,"lineage":"9a8b","meta":{"key_provider.pbkdf2.k":"eyJzYWx0Ijoi"},)"
      R"("encrypted_data":"U2FsdGVkX1+vupppZksvRf5pq5g5XjFRlipRkwB0K1Y=","encryption_version":"v0"})");
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->serial, 12);
  EXPECT_EQ(meta->lineage, "9a8b");
  EXPECT_EQ(meta->managed_resources, 0);
}

TEST(ParseStateMetaTest, SerialForms) {
  EXPECT_EQ(ParseStateMeta(R"({"serial":0,"lineage":""})")->serial, 0);
  EXPECT_EQ(ParseStateMeta(R"({"serial":2.0,"lineage":""})")->serial, 2);
  EXPECT_EQ(ParseStateMeta(R"({"serial":1e2,"lineage":""})")->serial, 100);
  EXPECT_EQ(ParseStateMeta(R"({"serial":9223372036854775807,"lineage":""})")->serial,
            9223372036854775807);
  EXPECT_EQ(ParseStateMeta(R"({"serial":1,"serial":5,"lineage":"a","lineage":"b"})")->serial, 5);
  EXPECT_EQ(ParseStateMeta(R"({"serial":1,"lineage":"a","lineage":"b"})")->lineage, "b");
}

TEST(ParseStateMetaTest, Errors) {
  const std::string bad_serial =
      "state is not a terraform state: field 'serial' must be a non-negative integer";
  EXPECT_EQ(MetaError(""), "state is not valid JSON: incomplete JSON");
  EXPECT_EQ(MetaError("   "), "state is not valid JSON: incomplete JSON");
  EXPECT_EQ(MetaError("nope").rfind("state is not valid JSON: ", 0), 0u);
  EXPECT_EQ(MetaError(R"({"serial":1,"lineage":"x")"), "state is not valid JSON: incomplete JSON");
  EXPECT_EQ(MetaError(R"({"serial":1,"lineage":"x"} x)"),
            "state is not valid JSON: unexpected data after the top-level object at byte 27");
  EXPECT_EQ(MetaError(R"({"serial":1,"lineage":"x"}{})").rfind("state is not valid JSON: ", 0), 0u);
  EXPECT_EQ(MetaError("[]"),
            "state is not a terraform state: state must be a JSON object, got an array");
  EXPECT_EQ(MetaError("7"),
            "state is not a terraform state: state must be a JSON object, got a number");
  EXPECT_EQ(MetaError("null"),
            "state is not a terraform state: state must be a JSON object, got null");
  EXPECT_EQ(MetaError(R"({"lineage":"x"})"),
            "state is not a terraform state: field 'serial' is missing");
  EXPECT_EQ(MetaError(R"({"serial":1})"),
            "state is not a terraform state: field 'lineage' is missing");
  EXPECT_EQ(MetaError(R"({"serial":-1,"lineage":"x"})"), bad_serial);
  EXPECT_EQ(MetaError(R"({"serial":1.5,"lineage":"x"})"), bad_serial);
  EXPECT_EQ(MetaError(R"({"serial":"1","lineage":"x"})"), bad_serial + ", got a string");
  EXPECT_EQ(MetaError(R"({"serial":null,"lineage":"x"})"), bad_serial + ", got null");
  EXPECT_EQ(MetaError(R"({"serial":{},"lineage":"x"})"), bad_serial + ", got an object");
  EXPECT_EQ(MetaError(R"({"serial":18446744073709551615,"lineage":"x"})"),
            "state is not a terraform state: field 'serial' is too large");
  EXPECT_EQ(MetaError(R"({"serial":1,"lineage":7})"),
            "state is not a terraform state: field 'lineage' must be a string, got a number");
  EXPECT_EQ(MetaError(R"({"serial":1,"lineage":"x","resources":{}})"),
            "state is not a terraform state: field 'resources' must be an array, got an object");
  EXPECT_EQ(MetaError("{\"serial\":1,\"lineage\":\"\xff\"}").rfind("state is not valid JSON", 0),
            0u);
}

TEST(ParseStateMetaTest, TrailingWhitespaceIsFine) {
  EXPECT_TRUE(ParseStateMeta("\n {\"serial\":1,\"lineage\":\"x\"} \r\n\t").ok());
  auto meta = ParseInChunks("{\"serial\":1,\"lineage\":\"x\"}   ", 1);
  EXPECT_TRUE(meta.ok()) << meta.status();
  EXPECT_FALSE(ParseInChunks("{\"serial\":1,\"lineage\":\"x\"}  x", 1).ok());
}

TEST(ParseStateMetaTest, ResourcesNullOrRepeated) {
  EXPECT_EQ(ParseStateMeta(R"({"serial":1,"lineage":"x","resources":null})")->managed_resources, 0);
  EXPECT_EQ(ParseStateMeta(R"({"serial":1,"lineage":"x","resources":[{"mode":"managed"}],
                               "resources":[]})")
                ->managed_resources,
            0);
  EXPECT_EQ(ParseStateMeta(R"({"serial":1,"lineage":"x","resources":[{"mode":"managed"},
                               {"mode":"managed","mode":"data"},{"mode":1},[{"mode":"managed"}],
                               "managed",{"mode":"Managed"}]})")
                ->managed_resources,
            1);
}

TEST(ParseStateMetaTest, DepthLimit) {
  auto nested = [](int depth) {
    return R"({"serial":1,"lineage":"x","a":)" + std::string(depth, '[') + std::string(depth, ']') +
           "}";
  };
  EXPECT_TRUE(ParseStateMeta(nested(static_cast<int>(internal::kMaxStateDepth) - 1)).ok());
  EXPECT_FALSE(ParseStateMeta(nested(static_cast<int>(internal::kMaxStateDepth) + 1)).ok());
}

TEST(ParseStateMetaTest, ErrorIsSticky) {
  internal::StateMetaParser parser;
  EXPECT_FALSE(parser.Write("[").ok());
  EXPECT_FALSE(parser.Write("{").ok());
  EXPECT_FALSE(parser.Finish().ok());
}

StateMeta Meta(int64_t serial, std::string lineage) {
  StateMeta meta;
  meta.serial = serial;
  meta.lineage = std::move(lineage);
  return meta;
}

StateVersion Current() {
  return StateVersion{.id = "v1",
                      .serial = 5,
                      .lineage = "L",
                      .sha256 = "aaa",
                      .size = 10,
                      .managed_resources = 1,
                      .created = 100,
                      .created_by = "key1",
                      .rollback_source_id = ""};
}

TEST(CheckStateWriteTest, Table) {
  struct Case {
    bool has_current;
    int64_t serial;
    std::string lineage;
    std::string sha;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {false, 1, "L", "x", absl::StatusCode::kOk},
      {false, 0, "", "aaa", absl::StatusCode::kOk},
      {true, 5, "L", "aaa", absl::StatusCode::kAlreadyExists},
      {true, 3, "other", "aaa", absl::StatusCode::kAlreadyExists},  // same bytes win
      {true, 6, "L", "bbb", absl::StatusCode::kOk},
      {true, 600, "L", "bbb", absl::StatusCode::kOk},
      {true, 4, "L", "bbb", absl::StatusCode::kFailedPrecondition},
      {true, 0, "L", "bbb", absl::StatusCode::kFailedPrecondition},
      {true, 5, "L", "bbb", absl::StatusCode::kFailedPrecondition},
      {true, 1, "M", "bbb", absl::StatusCode::kOk},  // new lineage (init -migrate-state)
      {true, 5, "M", "bbb", absl::StatusCode::kOk},
  };
  for (const Case& c : cases) {
    const std::optional<StateVersion> current =
        c.has_current ? std::optional<StateVersion>(Current()) : std::nullopt;
    const absl::Status status = CheckStateWrite(current, Meta(c.serial, c.lineage), c.sha);
    EXPECT_EQ(status.code(), c.code)
        << c.serial << " " << c.lineage << " " << c.sha << ": " << status;
  }
}

TEST(CheckStateWriteTest, Messages) {
  EXPECT_EQ(CheckStateWrite(Current(), Meta(5, "L"), "aaa").message(),
            "identical state already stored");
  const std::string lower(CheckStateWrite(Current(), Meta(2, "L"), "bbb").message());
  EXPECT_EQ(lower.rfind("state serial 2 is lower than the current serial 5 of lineage 'L'; pull "
                        "the latest state (terraform state pull)",
                        0),
            0u)
      << lower;
  const std::string same(CheckStateWrite(Current(), Meta(5, "L"), "bbb").message());
  EXPECT_EQ(same.rfind("state serial 5 was already stored with different content", 0), 0u) << same;
}

TEST(StateVersionToJsonTest, Shape) {
  StateVersion v = Current();
  v.rollback_source_id = "v0";
  EXPECT_EQ(json::value(StateVersionToJson(v, "acc", "org", "proj", "ws")),
            json::parse(R"({"id":"v1","account":"acc","org":"org","project":"proj",
                "workspace":"ws","created":100,"data_type":"state_raw","provisioner_type":"tf",
                "serial":5,"lineage":"L","sha256":"aaa","checksum":"aaa","size":10,
                "resource_count":1,"created_by":"key1","rollback_source_id":"v0",
                "pipeline_id":"","stage_id":"","pipeline_execution_id":"",
                "pipeline_stage_id":""})"));
  EXPECT_EQ(StateVersionToJson(Current(), "a", "o", "p", "w").at("rollback_source_id"), "");
}

}  // namespace
}  // namespace terrane::model
