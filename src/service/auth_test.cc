#include "service/auth.h"

#include <atomic>

#include "absl/strings/str_split.h"
#include "service/access_admin.h"
#include "service/authz.h"
#include "service/test_store.h"

namespace terrane::service {
namespace {

class ManualClock final : public Clock {
 public:
  // Clock
  int64_t NowMillis() override { return now.load(); }
  std::atomic<int64_t> now{1000};
};

class AuthTest : public StoreFixture {
 protected:
  absl::StatusOr<IssuedKey> Issue(std::string_view account, std::string_view role,
                                  int64_t expires = 0) {
    return IssueKeyWithRole(*store_,
                            KeyWithRole{.account = std::string(account),
                                        .principal = "ci",
                                        .key_name = "ci",
                                        .role = std::string(role),
                                        .expires = expires},
                            5);
  }
  ManualClock clock_;
};

TEST_F(AuthTest, IssuedKeyVerifiesForItsAccountOnly) {
  ASSERT_TRUE(store_->CreateAccount("other", 1).ok());
  absl::StatusOr<IssuedKey> key = Issue("default", "viewer");
  ASSERT_TRUE(key.ok()) << key.status();
  Authenticator auth(*store_, clock_);

  absl::StatusOr<Principal> p = auth.VerifyForAccount(key->secret, "default");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->account, "default");
  EXPECT_EQ(p->display_name, "api_key:ci");
  EXPECT_EQ(p->principal, "ci");
  ASSERT_NE(p->grants, nullptr);
  ASSERT_EQ(p->grants->size(), 1u);
  EXPECT_EQ(p->grants->front().permissions, model::FindBuiltinRole("viewer")->permissions);
  EXPECT_EQ(auth.VerifyForAccount(key->secret, "other").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, KeyWithoutNameIsNamedAfterItsPrincipal) {
  // A key made without a name (`terrane admin create-api-key --role viewer`) must not show in
  // the audit trail as anyone else, e.g. as `api_key:admin`.
  absl::StatusOr<IssuedKey> key = IssueKeyWithRole(
      *store_, KeyWithRole{.account = "default", .principal = "sa_viewer", .role = "viewer"}, 5);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->key.name, "sa_viewer");
  Authenticator auth(*store_, clock_);
  absl::StatusOr<Principal> p = auth.VerifyForAccount(key->secret, "default");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->display_name, "api_key:sa_viewer");
}

TEST_F(AuthTest, KeySecretIsNotStored) {
  absl::StatusOr<IssuedKey> key = Issue("default", "viewer");
  ASSERT_TRUE(key.ok());
  std::vector<std::string> parts = absl::StrSplit(key->secret, '.');
  ASSERT_EQ(parts.size(), 3u);
  absl::StatusOr<model::ApiKey> stored = store_->GetApiKey(parts[1]);
  ASSERT_TRUE(stored.ok());
  EXPECT_NE(stored->secret_sha256, parts[2]);
  EXPECT_EQ(stored->secret_sha256.size(), 64u);
  EXPECT_EQ(stored->principal, "ci");
}

// The cache remembers the secret a request proved; a wrong secret for the same key id must still
// fail however the cache was filled (by a right secret, a wrong one, or both in turn).
TEST_F(AuthTest, ACachedKeyStillRefusesWrongSecrets) {
  absl::StatusOr<IssuedKey> issued = Issue("default", "viewer");
  ASSERT_TRUE(issued.ok()) << issued.status();
  const std::string good = issued->secret;
  std::string one_off = good;
  one_off.back() = one_off.back() == '0' ? '1' : '0';
  const std::string shorter = good.substr(0, good.size() - 2) + "0";
  Authenticator auth(*store_, clock_);

  // Filled by a wrong secret first: nothing proven yet.
  EXPECT_EQ(auth.Verify(one_off).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(auth.Verify(good).ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(auth.Verify(good).ok());
    EXPECT_EQ(auth.Verify(one_off).status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(auth.Verify(shorter).status().code(), absl::StatusCode::kUnauthenticated);
  }
  // An invalidation drops the proven secret with the entry; the key is checked afresh.
  auth.InvalidateAll();
  EXPECT_EQ(auth.Verify(one_off).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(auth.Verify(good).ok());
}

TEST_F(AuthTest, RejectsMissingMalformedAndWrongKeys) {
  absl::StatusOr<IssuedKey> issued = Issue("default", "viewer");
  ASSERT_TRUE(issued.ok());
  const std::string& key = issued->secret;
  Authenticator auth(*store_, clock_);
  std::string wrong_secret = key.substr(0, key.size() - 1) + (key.back() == 'a' ? "b" : "a");
  for (const std::string& bad :
       {std::string(), std::string("nonsense"), std::string("tk.x.y"), wrong_secret,
        "tk.0000000000000000." + key.substr(key.rfind('.') + 1)}) {
    EXPECT_EQ(auth.Verify(bad).status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
}

TEST_F(AuthTest, UnknownAccountCannotGetKeys) {
  EXPECT_EQ(Issue("nobody", "admin").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AuthTest, UnknownRoleIsRefusedBeforeAnythingIsCreated) {
  absl::StatusOr<IssuedKey> key = Issue("default", "superuser");
  EXPECT_EQ(key.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(key.status().message(), "role 'superuser' not found in account 'default'");
  EXPECT_EQ(store_->GetPrincipal("default", "ci").status().code(), absl::StatusCode::kNotFound);
}

// Regression: a revoked key must stop working at once on the server that revoked it, even
// though verified keys are cached.
TEST_F(AuthTest, RevokedKeyStopsAtOnceAfterInvalidation) {
  absl::StatusOr<IssuedKey> key = Issue("default", "admin");
  ASSERT_TRUE(key.ok());
  Authenticator auth(*store_, clock_);
  ASSERT_TRUE(auth.Verify(key->secret).ok());
  ASSERT_TRUE(store_->RevokeApiKey("default", key->key.id, 2000).ok());
  // Still cached: another process's revocation is seen within kCacheTtl.
  EXPECT_TRUE(auth.Verify(key->secret).ok());
  auth.InvalidateKey(key->key.id);
  absl::StatusOr<Principal> p = auth.Verify(key->secret);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(p.status().message(),
            "API key '" + key->key.id +
                "' has been revoked: ask an administrator for a new one (`terrane key create`)");
}

TEST_F(AuthTest, ExpiryIsCheckedOnEveryRequestFromTheCache) {
  absl::StatusOr<IssuedKey> key = Issue("default", "admin", /*expires=*/1500);
  ASSERT_TRUE(key.ok());
  Authenticator auth(*store_, clock_);
  ASSERT_TRUE(auth.Verify(key->secret).ok());
  clock_.now = 1499;
  EXPECT_TRUE(auth.Verify(key->secret).ok());
  clock_.now = 1500;
  EXPECT_EQ(auth.Verify(key->secret).status().message(),
            "API key '" + key->key.id +
                "' has expired: ask an administrator for a new one (`terrane key create`)");
}

TEST_F(AuthTest, BindingChangesAreSeenAfterInvalidateAll) {
  absl::StatusOr<IssuedKey> key = Issue("default", "viewer");
  ASSERT_TRUE(key.ok());
  Authenticator auth(*store_, clock_);
  Resource project{.scope = {"o", "p"}};
  absl::StatusOr<Principal> p = auth.Verify(key->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(Allows(*p, model::Permission::kWorkspaceEdit, project));
  ASSERT_TRUE(store_
                  ->CreateRoleBinding({.id = "b1",
                                       .account = "default",
                                       .principal = "ci",
                                       .role = "operator",
                                       .scope = {"o", "p"},
                                       .created = 6})
                  .ok());
  auth.InvalidateAll();
  p = auth.Verify(key->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(Allows(*p, model::Permission::kWorkspaceEdit, project));
  EXPECT_FALSE(Allows(*p, model::Permission::kWorkspaceEdit, {.scope = {"o", "other"}}));
}

}  // namespace
}  // namespace terrane::service
