#include "service/auth.h"

#include "absl/strings/str_split.h"
#include "service/test_store.h"

namespace terrane::service {
namespace {

using AuthTest = StoreFixture;

TEST_F(AuthTest, IssuedKeyVerifiesForItsAccountOnly) {
  ASSERT_TRUE(store_->CreateAccount("other", 1).ok());
  absl::StatusOr<std::string> key = IssueApiKey(*store_, "default", "ci", 5);
  ASSERT_TRUE(key.ok()) << key.status();
  Authenticator auth(*store_);

  absl::StatusOr<Principal> p = auth.VerifyForAccount(*key, "default");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->account, "default");
  EXPECT_EQ(p->display_name, "api_key:ci");
  EXPECT_EQ(auth.VerifyForAccount(*key, "other").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, KeySecretIsNotStored) {
  absl::StatusOr<std::string> key = IssueApiKey(*store_, "default", "ci", 5);
  ASSERT_TRUE(key.ok());
  std::vector<std::string> parts = absl::StrSplit(*key, '.');
  ASSERT_EQ(parts.size(), 3u);
  absl::StatusOr<model::ApiKey> stored = store_->GetApiKey(parts[1]);
  ASSERT_TRUE(stored.ok());
  EXPECT_NE(stored->secret_sha256, parts[2]);
  EXPECT_EQ(stored->secret_sha256.size(), 64u);
}

TEST_F(AuthTest, RejectsMissingMalformedAndWrongKeys) {
  absl::StatusOr<std::string> key = IssueApiKey(*store_, "default", "ci", 5);
  ASSERT_TRUE(key.ok());
  Authenticator auth(*store_);
  std::string wrong_secret = key->substr(0, key->size() - 1) + (key->back() == 'a' ? "b" : "a");
  for (const std::string& bad :
       {std::string(), std::string("nonsense"), std::string("tk.x.y"), wrong_secret,
        "tk.0000000000000000." + key->substr(key->rfind('.') + 1)}) {
    EXPECT_EQ(auth.Verify(bad).status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
}

TEST_F(AuthTest, UnknownAccountCannotGetKeys) {
  EXPECT_EQ(IssueApiKey(*store_, "nobody", "x", 1).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace terrane::service
