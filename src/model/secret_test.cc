#include "model/secret.h"

#include <string>

#include "absl/status/status.h"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

namespace terrane::model {
namespace {

const SecretKey kProjectScope{.account = "acct", .org = "eng", .project = "web"};
const SecretKey kOrgScope{.account = "acct", .org = "eng"};
const SecretKey kAccountScope{.account = "acct"};

std::string CreateError(std::string_view body, const SecretKey& scope = kProjectScope) {
  absl::StatusOr<SecretWrite> parsed = ParseSecretCreate(body, scope);
  EXPECT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(ParseSecretCreateTest, FullBody) {
  absl::StatusOr<SecretWrite> w = ParseSecretCreate(
      R"({"secret":{"identifier":"db_pass","name":"DB password","description":"prod",
          "tags":{"team":"data"},"org":"eng","project":"web",
          "spec":{"type":"SecretText","value_type":"Inline","value":"s3cr3t\nline"}}})",
      kProjectScope);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->secret.key.account, "acct");
  EXPECT_EQ(w->secret.key.org, "eng");
  EXPECT_EQ(w->secret.key.project, "web");
  EXPECT_EQ(w->secret.key.identifier, "db_pass");
  EXPECT_EQ(w->secret.name, "DB password");
  EXPECT_EQ(w->secret.description, "prod");
  EXPECT_EQ(w->secret.tags.at("team"), "data");
  EXPECT_EQ(w->secret.type, "SecretText");
  EXPECT_EQ(w->secret.value_type, "Inline");
  EXPECT_EQ(w->value, "s3cr3t\nline");
}

TEST(ParseSecretCreateTest, MinimalBodyAndEmptyValue) {
  absl::StatusOr<SecretWrite> w = ParseSecretCreate(
      R"({"secret":{"identifier":"t","name":"t","tags":["a:b","bare"],
          "spec":{"type":"SecretText","value_type":"Inline","value":""}}})",
      kAccountScope);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->secret.description, "");
  EXPECT_EQ(w->secret.tags.at("a"), "b");
  EXPECT_EQ(w->secret.tags.at("bare"), "");
  EXPECT_EQ(w->value, "");
}

TEST(ParseSecretCreateTest, ErrorsNameTheField) {
  const std::string spec = R"("spec":{"type":"SecretText","value_type":"Inline","value":"v"})";
  EXPECT_EQ(CreateError("{}"), "field 'secret' is required");
  EXPECT_EQ(CreateError(R"({"secret":[]})"), "field 'secret' must be an object, got an array");
  EXPECT_EQ(CreateError(R"({"secret":{"name":"n",)" + spec + "}}"),
            "field 'secret.identifier' is required");
  EXPECT_NE(CreateError(R"({"secret":{"identifier":"my-secret","name":"n",)" + spec + "}}")
                .find("secret identifier 'my-secret' must match"),
            std::string::npos);
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x",)" + spec + "}}"),
            "field 'secret.name' is required");
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":7,)" + spec + "}}"),
            "field 'secret.name' must be a string, got a number");
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":"n"}})"),
            "field 'secret.spec' is required");
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":"n","spec":"v"}})"),
            "field 'secret.spec' must be an object, got a string");
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":"n","spec":{"value":"v",
                           "value_type":"Inline"}}})"),
            "field 'secret.spec.type' is required");
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":"n","spec":{"value":"v",
                           "type":"SecretText"}}})"),
            "field 'secret.spec.value_type' is required");
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":"n",
                           "spec":{"type":"SecretText","value_type":"Inline"}}})"),
            "field 'secret.spec.value' is required");
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":"n","tags":5,)" + spec + "}}"),
            "field 'secret.tags' must be an object of strings or an array of strings, got a "
            "number");
}

TEST(ParseSecretCreateTest, OnlyInlineTextSecretsAreSupported) {
  EXPECT_NE(CreateError(R"({"secret":{"identifier":"x","name":"n",
                           "spec":{"type":"SecretFile","value_type":"Inline","value":"v"}}})")
                .find("field 'secret.spec.type' must be \"SecretText\", got 'SecretFile'"),
            std::string::npos);
  EXPECT_NE(CreateError(R"({"secret":{"identifier":"x","name":"n",
                           "spec":{"type":"SecretText","value_type":"Reference","value":"v"}}})")
                .find("field 'secret.spec.value_type' must be \"Inline\", got 'Reference'"),
            std::string::npos);
}

TEST(ParseSecretCreateTest, ValueIsNeverQuotedInErrors) {
  std::string big(kMaxSecretValueBytes + 1, 'Z');
  std::string message =
      CreateError(R"({"secret":{"identifier":"x","name":"n","spec":{"type":"SecretText",)"
                  R"("value_type":"Inline","value":")" +
                  big + "\"}}}");
  EXPECT_EQ(message, "field 'secret.spec.value' has 65537 bytes; at most 65536 are accepted");
  message = CreateError(R"({"secret":{"identifier":"x","name":"n","spec":{"type":"SecretText",)"
                        R"("value_type":"Inline","value":["hidden-in-array"]}}})");
  EXPECT_EQ(message, "field 'secret.spec.value' must be a string, got an array");
}

// A run hands the value to terraform in its environment, where "abc\0def" arrives as "abc": the
// log masking, which looks for the whole value, would then let "abc" through.
TEST(ParseSecretCreateTest, RegressionValuesWithANulByteAreRefused) {
  const std::string body =
      R"({"secret":{"identifier":"x","name":"n","spec":{"type":"SecretText",)"
      R"("value_type":"Inline","value":"abc\u0000def"}}})";
  EXPECT_EQ(CreateError(body),
            "field 'secret.spec.value' contains a NUL byte (\\u0000), which a process "
            "environment cannot carry");
  absl::StatusOr<SecretWrite> update =
      ParseSecretUpdate(body, SecretKey{.account = "acct", .identifier = "x"});
  EXPECT_EQ(update.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseSecretCreateTest, BodyScopeMustMatchThePath) {
  const std::string spec = R"("spec":{"type":"SecretText","value_type":"Inline","value":"v"})";
  EXPECT_EQ(CreateError(R"({"secret":{"identifier":"x","name":"n","org":"ops",)" + spec + "}}"),
            "field 'secret.org' ('ops') must equal the org in the path ('eng')");
  EXPECT_NE(CreateError(R"({"secret":{"identifier":"x","name":"n","project":"p",)" + spec + "}}",
                        kOrgScope)
                .find("field 'secret.project' ('p') must be absent at this scope"),
            std::string::npos);
}

TEST(ParseSecretUpdateTest, ValueIsOptionalAndIdentifierImmutable) {
  SecretKey key = kOrgScope;
  key.identifier = "tok";
  absl::StatusOr<SecretWrite> w = ParseSecretUpdate(
      R"({"secret":{"name":"Token 2","spec":{"type":"SecretText","value_type":"Inline"}}})", key);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->secret.key.identifier, "tok");
  EXPECT_EQ(w->secret.name, "Token 2");
  EXPECT_FALSE(w->value.has_value());

  w = ParseSecretUpdate(R"({"secret":{"identifier":"tok","name":"n","spec":{"type":"SecretText",
                           "value_type":"Inline","value":"new"}}})",
                        key);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->value, "new");

  w = ParseSecretUpdate(R"({"secret":{"identifier":"other","name":"n","spec":{"type":"SecretText",
                           "value_type":"Inline"}}})",
                        key);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("field 'secret.identifier' ('other') must equal"),
            absl::string_view::npos);
}

TEST(SecretToJsonTest, ShapesPerScopeAndNeverCarriesAValue) {
  Secret s{.key = {.account = "acct", .org = "eng", .project = "web", .identifier = "db"},
           .name = "DB",
           .description = "d",
           .tags = {{"k", "v"}},
           .created = 10,
           .updated = 20};
  EXPECT_EQ(boost::json::serialize(SecretToJson(s)),
            R"({"secret":{"identifier":"db","name":"DB","description":"d","tags":{"k":"v"},)"
            R"("org":"eng","project":"web","spec":{"type":"SecretText","value_type":"Inline"}},)"
            R"("created":10,"updated":20})");
  s.key.project = "";
  EXPECT_EQ(boost::json::serialize(SecretToJson(s)),
            R"({"secret":{"identifier":"db","name":"DB","description":"d","tags":{"k":"v"},)"
            R"("org":"eng","spec":{"type":"SecretText","value_type":"Inline"}},)"
            R"("created":10,"updated":20})");
  s.key.org = "";
  EXPECT_EQ(boost::json::serialize(SecretToJson(s)),
            R"({"secret":{"identifier":"db","name":"DB","description":"d","tags":{"k":"v"},)"
            R"("spec":{"type":"SecretText","value_type":"Inline"}},"created":10,"updated":20})");
}

TEST(ParseSecretReferenceTest, ThreeScopes) {
  WorkspaceKey ws{.account = "acct", .org = "eng", .project = "web", .identifier = "net"};
  absl::StatusOr<SecretKey> key = ParseSecretReference("db_pass", ws);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->account, "acct");
  EXPECT_EQ(key->org, "eng");
  EXPECT_EQ(key->project, "web");
  EXPECT_EQ(key->identifier, "db_pass");

  key = ParseSecretReference("org.tok", ws);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->org, "eng");
  EXPECT_EQ(key->project, "");
  EXPECT_EQ(key->identifier, "tok");

  key = ParseSecretReference("account.tok", ws);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->org, "");
  EXPECT_EQ(key->project, "");
  EXPECT_EQ(key->identifier, "tok");
  EXPECT_EQ(DescribeSecretScope(*key), "account 'acct'");
}

TEST(ParseSecretReferenceTest, MalformedReferencesAreQuoted) {
  WorkspaceKey ws{.account = "acct", .org = "eng", .project = "web", .identifier = "net"};
  for (const char* ref : {"", "org.", "account.", "project.x", "a.b", "org.a.b", "9lives", "org",
                          "my-secret", "account.org", " x"}) {
    SCOPED_TRACE(ref);
    absl::StatusOr<SecretKey> key = ParseSecretReference(ref, ws);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(key.status().message().find(std::string("secret reference '") + ref + "'"),
              absl::string_view::npos)
        << key.status();
  }
}

}  // namespace
}  // namespace terrane::model
