#include "service/secrets.h"

#include <sqlite3.h>

#include <string>

#include "service/test_store.h"

namespace terrane::service {
namespace {

class SecretServiceTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    ASSERT_TRUE(CreateSecret(*store_, key_, Named({.account = "default", .identifier = "shared"}),
                             "account-value")
                    .ok());
    ASSERT_TRUE(CreateSecret(*store_, key_,
                             Named({.account = "default", .org = "o", .identifier = "shared"}),
                             "org-value")
                    .ok());
    ASSERT_TRUE(
        CreateSecret(
            *store_, key_,
            Named({.account = "default", .org = "o", .project = "p", .identifier = "shared"}),
            "project-value")
            .ok());
  }

  static model::Secret Named(model::SecretKey key) {
    model::Secret s;
    s.name = key.identifier;
    s.key = std::move(key);
    return s;
  }

  static model::WorkspaceSpec SpecWith(model::VariableMap tf, model::VariableMap env = {}) {
    model::WorkspaceSpec spec{.name = "w", .provisioner = "terraform"};
    spec.terraform_variables = std::move(tf);
    spec.environment_variables = std::move(env);
    return spec;
  }
  static model::VariableMap Vars(std::string key, std::string value, std::string type) {
    return {{key, model::Variable{.key = key, .value = value, .value_type = type}}};
  }

  MasterKeyRing key_{MasterKey::Generate()};
  const model::WorkspaceKey ws_{
      .account = "default", .org = "o", .project = "p", .identifier = "w"};
};

TEST_F(SecretServiceTest, ReferencesResolvePerScope) {
  auto resolved = ResolveSecretReferences(*store_, key_, ws_,
                                          {"shared", "org.shared", "account.shared", "shared"});
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(*resolved, (std::map<std::string, std::string>{{"shared", "project-value"},
                                                           {"org.shared", "org-value"},
                                                           {"account.shared", "account-value"}}));
  auto none = ResolveSecretReferences(*store_, key_, ws_, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(SecretServiceTest, ResolveNamesTheMissingOrMalformedReference) {
  auto missing = ResolveSecretReferences(*store_, key_, ws_, {"shared", "org.nope"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "secret reference 'org.nope' not found: secret 'nope' not found in org 'o'");
  auto malformed = ResolveSecretReferences(*store_, key_, ws_, {"team.x"});
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(malformed.status().message().find("secret reference 'team.x' is malformed"),
            absl::string_view::npos);
}

TEST_F(SecretServiceTest, WrongMasterKeyIsDataLossNamingTheReference) {
  MasterKeyRing other(MasterKey::Generate());
  auto resolved = ResolveSecretReferences(*store_, other, ws_, {"org.shared"});
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(resolved.status().message().find("secret reference 'org.shared': "),
            absl::string_view::npos);
}

// A sealed value copied into another secret's row (another scope or identifier) must not open.
TEST_F(SecretServiceTest, ARowCopiedElsewhereDoesNotDecrypt) {
  ASSERT_TRUE(CreateSecret(*store_, key_, Named({.account = "default", .identifier = "other"}),
                           "other-value")
                  .ok());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/terrane.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE "
                         "org_id IS NOT NULL AND project_id IS NOT NULL) WHERE identifier = "
                         "'other' OR (identifier = 'shared' AND project_id IS NULL)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  for (const char* ref : {"account.other", "org.shared", "account.shared"}) {
    SCOPED_TRACE(ref);
    EXPECT_EQ(ResolveSecretReferences(*store_, key_, ws_, {ref}).status().code(),
              absl::StatusCode::kDataLoss);
  }
  EXPECT_EQ(ResolveSecretReferences(*store_, key_, ws_, {"shared"})->at("shared"), "project-value");
}

TEST_F(SecretServiceTest, UpdateKeepsOrReplacesTheValue) {
  model::Secret s = Named({.account = "default", .org = "o", .identifier = "shared"});
  s.name = "renamed";
  ASSERT_TRUE(UpdateSecret(*store_, key_, s, std::nullopt).ok());
  EXPECT_EQ(ResolveSecretReferences(*store_, key_, ws_, {"org.shared"})->at("org.shared"),
            "org-value");
  ASSERT_TRUE(UpdateSecret(*store_, key_, s, std::string("rotated")).ok());
  EXPECT_EQ(ResolveSecretReferences(*store_, key_, ws_, {"org.shared"})->at("org.shared"),
            "rotated");
  EXPECT_EQ(store_->GetSecret(s.key)->secret.name, "renamed");
}

TEST_F(SecretServiceTest, BindingIsUnambiguous) {
  EXPECT_NE(SecretBinding({.account = "a", .org = "b", .identifier = "c"}),
            SecretBinding({.account = "a", .org = "", .project = "b", .identifier = "c"}));
  EXPECT_NE(SecretBinding({.account = "a|1:b", .identifier = "c"}),
            SecretBinding({.account = "a", .org = "b", .identifier = "c"}));
}

TEST_F(SecretServiceTest, ValidationAcceptsKnownReferencesAndPlainStrings) {
  EXPECT_TRUE(ValidateSecretReferences(
                  *store_, ws_,
                  SpecWith(Vars("a", "shared", "secret"), Vars("B", "account.shared", "secret")))
                  .ok());
  // A plain string that looks malformed as a reference is just a string.
  EXPECT_TRUE(
      ValidateSecretReferences(*store_, ws_, SpecWith(Vars("a", "not.a.ref", "string"))).ok());
}

TEST_F(SecretServiceTest, ValidationNamesTheVariableAndTheReference) {
  absl::Status unknown =
      ValidateSecretReferences(*store_, ws_, SpecWith({}, Vars("TOKEN", "org.missing", "secret")));
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.message(),
            "variable 'environment_variables.TOKEN' refers to secret 'org.missing', but org 'o' "
            "has no secret 'missing': create it first (POST /v1/orgs/o/secrets) or correct the "
            "reference");
  absl::Status malformed =
      ValidateSecretReferences(*store_, ws_, SpecWith(Vars("pw", "vault:x", "secret")));
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(malformed.message().find(
                "variable 'terraform_variables.pw': secret reference 'vault:x' is malformed"),
            absl::string_view::npos)
      << malformed;
}

TEST_F(SecretServiceTest, ValidationInAnUnknownProjectIsTheProjectsNotFound) {
  model::WorkspaceKey elsewhere = ws_;
  elsewhere.project = "nope";
  absl::Status status =
      ValidateSecretReferences(*store_, elsewhere, SpecWith(Vars("a", "shared", "secret")));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(status.message().find("project 'nope' not found"), absl::string_view::npos);
}

}  // namespace
}  // namespace terrane::service

namespace terrane::service {
namespace {

// A server still sealing with the old key learns of a rotation from the store and switches.
TEST_F(SecretServiceTest, AWriteAfterARotationSwitchesToTheNewKeyAndRetries) {
  const MasterKey old_key = MasterKey::Generate(), new_key = MasterKey::Generate();
  std::vector<MasterKey> on_disk = {old_key, new_key};
  auto ring = MasterKeyRing::Create(
                  {old_key}, old_key.Id(),
                  [&]() -> absl::StatusOr<std::vector<MasterKey>> { return on_disk; })
                  .value();
  ASSERT_TRUE(store_->SetSealingKeyId(new_key.Id()).ok());
  model::Secret s = Named({.account = "default", .identifier = "after"});
  ASSERT_TRUE(CreateSecret(*store_, *ring, s, "value").ok());
  EXPECT_EQ(ring->SealingId(), new_key.Id());
  auto stored = store_->GetSecret(s.key);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(SealedKeyId(stored->ciphertext), new_key.Id());
  // A server that cannot read the new key refuses the write instead of sealing with the old.
  MasterKeyRing stale(old_key);
  model::Secret t = Named({.account = "default", .identifier = "stale"});
  EXPECT_EQ(CreateSecret(*store_, stale, t, "value").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(UpdateSecret(*store_, stale, s, std::string("v2")).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::IsNotFound(store_->GetSecret(t.key).status()));
}

}  // namespace
}  // namespace terrane::service
