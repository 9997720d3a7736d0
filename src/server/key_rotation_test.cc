#include "server/key_rotation.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/master_key_ring.h"
#include "gtest/gtest.h"
#include "server/data_dir.h"
#include "server/master_key.h"
#include "service/secrets.h"

namespace terrane::server {
namespace {

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/terrane-key-rotation-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = OpenDataDir(dir_).value();
    ASSERT_TRUE(store_->CreateAccount("acct", 1).ok());
    loaded_ = LoadMasterKey({.data_dir = dir_}).value();
    ring_ = MasterKeyRing::Create({loaded_.key}, store_->InitSealingKeyId(loaded_.key.Id()).value(),
                                  [this] { return ReadKeyFiles(path()); })
                .value();
    for (int i = 0; i < 250; ++i) {  // more than one batch
      model::Secret s;
      s.key = {.account = "acct", .identifier = "s" + std::to_string(i)};
      s.name = s.key.identifier;
      ASSERT_TRUE(service::CreateSecret(*store_, *ring_, s, "value-" + std::to_string(i)).ok());
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path() const { return dir_ + "/" + kMasterKeyFile; }
  std::string Resolve(MasterKeyRing& ring, int i) {
    model::WorkspaceKey ws{.account = "acct", .org = "o", .project = "p", .identifier = "w"};
    auto resolved =
        service::ResolveSecretReferences(*store_, ring, ws, {"account.s" + std::to_string(i)});
    return resolved.ok() ? resolved->begin()->second : std::string(resolved.status().message());
  }

  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  LoadedMasterKey loaded_{.key = MasterKey::Generate()};
  std::unique_ptr<MasterKeyRing> ring_;
};

TEST_F(KeyRotationTest, ReencryptsEverySecretAndRetiresTheOldKey) {
  const std::string old_id = loaded_.key.Id();
  absl::StatusOr<RotationResult> rotated = RotateMasterKey(*store_, path());
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->old_id, old_id);
  EXPECT_NE(rotated->new_id, old_id);
  EXPECT_EQ(rotated->reencrypted, 250);
  EXPECT_FALSE(rotated->resumed);
  EXPECT_FALSE(std::filesystem::exists(path() + kNextKeySuffix));
  struct stat st {};
  ASSERT_EQ(::stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  MasterKey now = LoadMasterKey({.data_dir = dir_}).value().key;
  EXPECT_EQ(now.Id(), rotated->new_id);
  EXPECT_EQ(store_->GetSealingKeyId().value(), rotated->new_id);
  EXPECT_TRUE(store_->ListSecretsSealedWithOtherKey(now.Id(), 10).value().empty());
  // The old key opens nothing; the running ring (which held only the old key) reloads.
  MasterKeyRing old_only(loaded_.key);
  EXPECT_NE(Resolve(old_only, 7), "value-7");
  EXPECT_EQ(Resolve(*ring_, 7), "value-7");
  // And the running ring's next write is sealed with the new key.
  model::Secret s;
  s.key = {.account = "acct", .identifier = "after"};
  s.name = "after";
  ASSERT_TRUE(service::CreateSecret(*store_, *ring_, s, "late").ok());
  EXPECT_EQ(SealedKeyId(store_->GetSecret(s.key).value().ciphertext), now.Id());
}

// A crash after the new key file was written and the database switched, before any secret was
// re-encrypted: both files are on disk, everything is readable, and running again finishes.
TEST_F(KeyRotationTest, AnInterruptedRotationStaysReadableAndResumes) {
  MasterKey next = MasterKey::Generate();
  ASSERT_TRUE(CreateKeyFile(path() + kNextKeySuffix, next).value());
  ASSERT_TRUE(store_->SetSealingKeyId(next.Id()).ok());
  // A restarted server loads both files and accepts the database's sealing key.
  LoadedMasterKey restarted = LoadMasterKey({.data_dir = dir_}).value();
  ASSERT_TRUE(restarted.next.has_value());
  auto ring = MasterKeyRing::Create({restarted.key, *restarted.next}, next.Id(), nullptr).value();
  EXPECT_EQ(Resolve(*ring, 3), "value-3");

  absl::StatusOr<RotationResult> rotated = RotateMasterKey(*store_, path());
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_TRUE(rotated->resumed);
  EXPECT_EQ(rotated->new_id, next.Id());
  EXPECT_EQ(rotated->reencrypted, 250);
  EXPECT_EQ(Resolve(*ring_, 249), "value-249");
  // Rotating again makes yet another key.
  absl::StatusOr<RotationResult> again = RotateMasterKey(*store_, path());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->old_id, next.Id());
  EXPECT_EQ(Resolve(*ring_, 0), "value-0");
}

TEST_F(KeyRotationTest, TheWrongKeyFileIsRefusedAndChangesNothing) {
  std::string other = dir_ + "/other.key";
  ASSERT_TRUE(CreateKeyFile(other, MasterKey::Generate()).value());
  absl::StatusOr<RotationResult> rotated = RotateMasterKey(*store_, other);
  EXPECT_EQ(rotated.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetSealingKeyId().value(), loaded_.key.Id());
  EXPECT_EQ(RotateMasterKey(*store_, dir_ + "/missing.key").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace terrane::server
