// Store conformance: secrets at account, org and project scope, and what happens to them when
// their org or project is deleted.
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/crypto.h"
#include "model/secret.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using absl::StatusCode;

model::SecretKey AccountSecret(std::string_view id) {
  return {.account = std::string(kAccount), .identifier = std::string(id)};
}
model::SecretKey OrgSecret(std::string_view id) {
  return {
      .account = std::string(kAccount), .org = std::string(kOrg), .identifier = std::string(id)};
}
model::SecretKey ProjectSecret(std::string_view id, std::string_view project = kProject) {
  return {.account = std::string(kAccount),
          .org = std::string(kOrg),
          .project = std::string(project),
          .identifier = std::string(id)};
}

model::Secret MakeSecret(model::SecretKey key, std::string_view name = "", int64_t now = 100) {
  model::Secret s;
  s.name = name.empty() ? key.identifier : std::string(name);
  s.key = std::move(key);
  s.description = "description of " + s.name;
  s.tags = {{"team", "platform"}, {"bare", ""}};
  s.created = now;
  s.updated = now;
  return s;
}

// Bytes that a text column would mangle: NULs and high bytes.
std::string Cipher(std::string_view tag) {
  return std::string("\x01\0\xff", 3) + std::string(tag) + std::string(28, '\0');
}

void ExpectSameMetadata(const model::Secret& got, const model::Secret& want) {
  EXPECT_EQ(got.key.account, want.key.account);
  EXPECT_EQ(got.key.org, want.key.org);
  EXPECT_EQ(got.key.project, want.key.project);
  EXPECT_EQ(got.key.identifier, want.key.identifier);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.tags, want.tags);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.value_type, want.value_type);
  EXPECT_EQ(got.created, want.created);
  EXPECT_EQ(got.updated, want.updated);
}

TEST_P(StoreTest, SecretsWithOneIdentifierCoexistAtEveryScope) {
  const model::Secret at_account = MakeSecret(AccountSecret("tok"), "account token", 1);
  const model::Secret at_org = MakeSecret(OrgSecret("tok"), "org token", 2);
  const model::Secret at_project = MakeSecret(ProjectSecret("tok"), "project token", 3);
  ASSERT_OK(store().CreateSecret(at_account, Cipher("a")));
  ASSERT_OK(store().CreateSecret(at_org, Cipher("o")));
  ASSERT_OK(store().CreateSecret(at_project, Cipher("p")));

  for (const auto& [want, cipher] :
       {std::pair{at_account, Cipher("a")}, std::pair{at_org, Cipher("o")},
        std::pair{at_project, Cipher("p")}}) {
    SCOPED_TRACE(want.name);
    ASSERT_OK_AND_ASSIGN(StoredSecret got, store().GetSecret(want.key));
    ExpectSameMetadata(got.secret, want);
    EXPECT_EQ(got.ciphertext, cipher);
  }
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM secrets"), 3);
}

TEST_P(StoreTest, ListSecretsShowsExactlyOneScopeInIdentifierOrder) {
  SeedProject(kAccount, kOrg, "other");
  SeedProject("acct2", kOrg, kProject);
  for (const char* id : {"zeta", "alpha", "mid"}) {
    ASSERT_OK(store().CreateSecret(MakeSecret(ProjectSecret(id)), Cipher(id)));
  }
  ASSERT_OK(store().CreateSecret(MakeSecret(ProjectSecret("elsewhere", "other")), Cipher("e")));
  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("org_level")), Cipher("o")));
  ASSERT_OK(store().CreateSecret(MakeSecret(AccountSecret("acct_level")), Cipher("a")));
  model::Secret foreign = MakeSecret(ProjectSecret("foreign"));
  foreign.key.account = "acct2";
  ASSERT_OK(store().CreateSecret(foreign, Cipher("f")));

  auto ids = [](const std::vector<model::Secret>& secrets) {
    std::vector<std::string> out;
    for (const model::Secret& s : secrets) out.push_back(s.key.identifier);
    return out;
  };
  ASSERT_OK_AND_ASSIGN(std::vector<model::Secret> project,
                       store().ListSecrets(kAccount, kOrg, kProject));
  EXPECT_EQ(ids(project), (std::vector<std::string>{"alpha", "mid", "zeta"}));
  EXPECT_EQ(project[0].key.project, kProject);
  EXPECT_EQ(project[0].name, "alpha");
  ASSERT_OK_AND_ASSIGN(std::vector<model::Secret> org, store().ListSecrets(kAccount, kOrg, ""));
  EXPECT_EQ(ids(org), (std::vector<std::string>{"org_level"}));
  EXPECT_EQ(org[0].key.project, "");
  ASSERT_OK_AND_ASSIGN(std::vector<model::Secret> account, store().ListSecrets(kAccount, "", ""));
  EXPECT_EQ(ids(account), (std::vector<std::string>{"acct_level"}));
  ASSERT_OK_AND_ASSIGN(std::vector<model::Secret> other,
                       store().ListSecrets(kAccount, kOrg, "other"));
  EXPECT_EQ(ids(other), (std::vector<std::string>{"elsewhere"}));
}

TEST_P(StoreTest, SecretErrorsNameTheScope) {
  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("tok")), Cipher("1")));
  EXPECT_STATUS(store().CreateSecret(MakeSecret(OrgSecret("tok")), Cipher("2")),
                StatusCode::kAlreadyExists, "secret 'tok' already exists in org 'org'");
  EXPECT_STATUS(store().GetSecret(ProjectSecret("tok")), StatusCode::kNotFound,
                "secret 'tok' not found in project 'proj' of org 'org'");
  EXPECT_STATUS(store().GetSecret(AccountSecret("tok")), StatusCode::kNotFound,
                "secret 'tok' not found in account 'acct'");

  model::Secret lost = MakeSecret(ProjectSecret("x", "nope"));
  EXPECT_STATUS(store().CreateSecret(lost, Cipher("x")), StatusCode::kNotFound,
                "project 'nope' not found in org 'org'");
  lost.key.org = "zzz";
  EXPECT_STATUS(store().CreateSecret(lost, Cipher("x")), StatusCode::kNotFound,
                "org 'zzz' not found");
  lost = MakeSecret(AccountSecret("x"));
  lost.key.account = "nobody";
  EXPECT_STATUS(store().CreateSecret(lost, Cipher("x")), StatusCode::kNotFound,
                "account 'nobody' not found");
  EXPECT_STATUS(store().ListSecrets(kAccount, kOrg, "nope"), StatusCode::kNotFound,
                "project 'nope' not found");
  EXPECT_STATUS(store().UpdateSecret(MakeSecret(OrgSecret("absent")), std::nullopt),
                StatusCode::kNotFound, "secret 'absent' not found in org 'org'");
  EXPECT_STATUS(store().DeleteSecret(OrgSecret("absent")), StatusCode::kNotFound,
                "secret 'absent' not found in org 'org'");
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM secrets"), 1);
}

TEST_P(StoreTest, UpdateSecretKeepsCreatedAndOptionallyTheValue) {
  ASSERT_OK(store().CreateSecret(MakeSecret(ProjectSecret("db"), "DB", 100), Cipher("v1")));
  model::Secret edit = MakeSecret(ProjectSecret("db"), "DB renamed", 999);
  edit.description = "";
  edit.tags = {{"k", "v"}};
  edit.updated = 200;
  ASSERT_OK_AND_ASSIGN(model::Secret updated, store().UpdateSecret(edit, std::nullopt));
  EXPECT_EQ(updated.created, 100);
  EXPECT_EQ(updated.updated, 200);
  ASSERT_OK_AND_ASSIGN(StoredSecret got, store().GetSecret(ProjectSecret("db")));
  ExpectSameMetadata(got.secret, updated);
  EXPECT_EQ(got.secret.name, "DB renamed");
  EXPECT_EQ(got.secret.description, "");
  EXPECT_EQ(got.ciphertext, Cipher("v1"));

  edit.updated = 300;
  const std::string v2 = Cipher("v2");
  ASSERT_OK(store().UpdateSecret(edit, std::optional<std::string_view>(v2)));
  ASSERT_OK_AND_ASSIGN(got, store().GetSecret(ProjectSecret("db")));
  EXPECT_EQ(got.ciphertext, v2);
  EXPECT_EQ(got.secret.created, 100);
  EXPECT_EQ(got.secret.updated, 300);
}

TEST_P(StoreTest, DeleteSecretReturnsItAndFreesTheIdentifier) {
  const model::Secret s = MakeSecret(AccountSecret("tok"), "T", 5);
  ASSERT_OK(store().CreateSecret(s, Cipher("1")));
  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("tok")), Cipher("2")));
  ASSERT_OK_AND_ASSIGN(model::Secret deleted, store().DeleteSecret(AccountSecret("tok")));
  ExpectSameMetadata(deleted, s);
  EXPECT_STATUS(store().GetSecret(AccountSecret("tok")), StatusCode::kNotFound, "'tok'");
  ASSERT_OK(store().GetSecret(OrgSecret("tok")));
  ASSERT_OK(store().CreateSecret(s, Cipher("3")));
  ASSERT_OK_AND_ASSIGN(StoredSecret again, store().GetSecret(AccountSecret("tok")));
  EXPECT_EQ(again.ciphertext, Cipher("3"));
}

// Harness deletes a project's or org's entities with it; workspaces still refuse the delete.
TEST_P(StoreTest, DeletingAProjectOrOrgDeletesItsSecretsOnly) {
  SeedProject(kAccount, "org2", "p2");
  ASSERT_OK(store().CreateSecret(MakeSecret(ProjectSecret("p_tok")), Cipher("p")));
  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("o_tok")), Cipher("o")));
  ASSERT_OK(store().CreateSecret(MakeSecret(AccountSecret("a_tok")), Cipher("a")));
  model::Secret elsewhere = MakeSecret(ProjectSecret("p_tok"));
  elsewhere.key.org = "org2";
  elsewhere.key.project = "p2";
  ASSERT_OK(store().CreateSecret(elsewhere, Cipher("e")));

  CreateWorkspace("ws");
  EXPECT_STATUS(store().DeleteProject(kAccount, kOrg, kProject), StatusCode::kFailedPrecondition,
                "workspace");
  ASSERT_OK(store().GetSecret(ProjectSecret("p_tok")));
  ASSERT_OK(store().DeleteWorkspace(Key("ws")));

  ASSERT_OK(store().DeleteProject(kAccount, kOrg, kProject));
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM secrets"), 3);
  ASSERT_OK(store().GetSecret(OrgSecret("o_tok")));
  ASSERT_OK(store().DeleteOrg(kAccount, kOrg));
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM secrets"), 2);
  ASSERT_OK(store().GetSecret(AccountSecret("a_tok")));
  ASSERT_OK(store().GetSecret(elsewhere.key));

  // Re-created scopes start empty.
  SeedProject(kAccount, kOrg, kProject);
  ASSERT_OK_AND_ASSIGN(std::vector<model::Secret> none,
                       store().ListSecrets(kAccount, kOrg, kProject));
  EXPECT_TRUE(none.empty());
  EXPECT_STATUS(store().GetSecret(OrgSecret("o_tok")), StatusCode::kNotFound, "'o_tok'");
}

// The decrypt-after-restart property: a sealed value written by one store opens, with the same
// key and binding, after the database is reopened by another.
TEST_P(StoreTest, SealedValueSurvivesReopenAndOnlyOpensWhereItWasStored) {
  const MasterKey key = MasterKey::Generate();
  const std::string aad = "acct/org/proj/db";
  ASSERT_OK_AND_ASSIGN(std::string sealed, Seal(key, "p@ss\nword", aad));
  ASSERT_OK(store().CreateSecret(MakeSecret(ProjectSecret("db")), sealed));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> reopened, backend().OpenStore());
  ASSERT_OK_AND_ASSIGN(StoredSecret got, reopened->GetSecret(ProjectSecret("db")));
  EXPECT_EQ(got.ciphertext, sealed);
  ASSERT_OK_AND_ASSIGN(std::string plaintext, Open(key, got.ciphertext, aad));
  EXPECT_EQ(plaintext, "p@ss\nword");
  EXPECT_EQ(Open(key, got.ciphertext, "acct/org/other/db").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Open(MasterKey::Generate(), got.ciphertext, aad).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM secrets WHERE instr(ciphertext, "
                               "CAST('p@ss' AS BLOB)) > 0"),
            0);
}

// ---- master key rotation ----

TEST_P(StoreTest, SealingKeyIdIsSetOnceByInitAndThenRefusesOtherKeys) {
  const MasterKey a = MasterKey::Generate(), b = MasterKey::Generate();
  ASSERT_OK_AND_ASSIGN(std::string none, store().GetSealingKeyId());
  EXPECT_EQ(none, "");
  // Before any id is set, any sealed value is accepted.
  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("early")), Seal(b, "v", "x").value()));
  ASSERT_OK_AND_ASSIGN(std::string first, store().InitSealingKeyId(a.Id()));
  EXPECT_EQ(first, a.Id());
  ASSERT_OK_AND_ASSIGN(std::string again, store().InitSealingKeyId(b.Id()));
  EXPECT_EQ(again, a.Id());  // Init never replaces

  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("ok")), Seal(a, "v", "x").value()));
  EXPECT_STATUS(store().CreateSecret(MakeSecret(OrgSecret("stale")), Seal(b, "v", "x").value()),
                StatusCode::kAborted, b.Id());
  const std::string stale = Seal(b, "v2", "x").value();
  EXPECT_STATUS(
      store().UpdateSecret(MakeSecret(OrgSecret("ok")), std::optional<std::string_view>(stale)),
      StatusCode::kAborted, a.Id());
  // Metadata-only updates need no key.
  ASSERT_OK(store().UpdateSecret(MakeSecret(OrgSecret("early"), "renamed"), std::nullopt));
  EXPECT_STATUS(store().CreateSecret(MakeSecret(OrgSecret("junk")), "not sealed"),
                StatusCode::kInvalidArgument, "sealed");

  ASSERT_OK(store().SetSealingKeyId(b.Id()));
  ASSERT_OK_AND_ASSIGN(std::string now, store().GetSealingKeyId());
  EXPECT_EQ(now, b.Id());
  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("stale")), Seal(b, "v", "x").value()));
}

TEST_P(StoreTest, SecretsSealedWithOtherKeysAreListedAndSwappedOnlyIfUnchanged) {
  const MasterKey a = MasterKey::Generate(), b = MasterKey::Generate();
  ASSERT_OK(store().CreateSecret(MakeSecret(AccountSecret("acct")), Seal(a, "1", "x").value()));
  ASSERT_OK(store().CreateSecret(MakeSecret(OrgSecret("org")), Seal(a, "2", "x").value()));
  // Written before key ids existed (and before any sealing key id was recorded).
  ASSERT_OK(store().CreateSecret(MakeSecret(ProjectSecret("proj")), Cipher("legacy")));
  ASSERT_OK_AND_ASSIGN(std::string id, store().InitSealingKeyId(a.Id()));
  EXPECT_EQ(id, a.Id());
  ASSERT_OK(store().SetSealingKeyId(b.Id()));
  ASSERT_OK(store().CreateSecret(MakeSecret(ProjectSecret("new")), Seal(b, "4", "x").value()));

  ASSERT_OK_AND_ASSIGN(std::vector<StoredSecret> old,
                       store().ListSecretsSealedWithOtherKey(b.Id(), 10));
  ASSERT_EQ(old.size(), 3u);  // the legacy (version 1) value too; not the new one
  EXPECT_EQ(old[0].secret.key.org, "");
  EXPECT_EQ(old[1].secret.key.org, kOrg);
  EXPECT_EQ(old[1].secret.key.project, "");
  EXPECT_EQ(old[2].secret.key.project, kProject);
  EXPECT_EQ(old[2].ciphertext, Cipher("legacy"));
  ASSERT_OK_AND_ASSIGN(std::vector<StoredSecret> page,
                       store().ListSecretsSealedWithOtherKey(b.Id(), 2));
  EXPECT_EQ(page.size(), 2u);

  // A swap whose expected ciphertext is stale (updated meanwhile) is skipped.
  std::vector<CiphertextSwap> swaps;
  for (const StoredSecret& s : old) {
    swaps.push_back({.key = s.secret.key,
                     .expected = s.ciphertext,
                     .ciphertext = Seal(b, "re", "x").value()});
  }
  swaps[1].expected = Seal(a, "someone else's", "x").value();
  ASSERT_OK_AND_ASSIGN(int replaced, store().ReplaceSecretCiphertexts(swaps));
  EXPECT_EQ(replaced, 2);
  ASSERT_OK_AND_ASSIGN(std::vector<StoredSecret> left,
                       store().ListSecretsSealedWithOtherKey(b.Id(), 10));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].secret.key.identifier, "org");
  ASSERT_OK_AND_ASSIGN(StoredSecret acct, store().GetSecret(AccountSecret("acct")));
  EXPECT_EQ(acct.ciphertext, swaps[0].ciphertext);

  // New ciphertexts must be sealed with the sealing key; nothing is replaced otherwise.
  std::vector<CiphertextSwap> wrong = {{.key = left[0].secret.key,
                                        .expected = left[0].ciphertext,
                                        .ciphertext = Seal(a, "back", "x").value()}};
  EXPECT_STATUS(store().ReplaceSecretCiphertexts(wrong), StatusCode::kAborted, b.Id());
  ASSERT_OK_AND_ASSIGN(left, store().ListSecretsSealedWithOtherKey(b.Id(), 10));
  EXPECT_EQ(left.size(), 1u);
}

}  // namespace
}  // namespace terrane::storage::testing
