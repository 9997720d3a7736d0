#include "common/master_key_ring.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace terrane {
namespace {

MasterKey KeyOf(char fill) { return MasterKey::FromBytes(std::string(32, fill)).value(); }

// The "files on disk" a loader reads, changed by the test as a rotation would.
struct Disk {
  std::vector<MasterKey> keys;
  int loads = 0;
};

MasterKeyRing::Loader LoaderOf(Disk& disk) {
  return [&disk]() -> absl::StatusOr<std::vector<MasterKey>> {
    ++disk.loads;
    return disk.keys;
  };
}

TEST(MasterKeyRingTest, SealsWithTheSealingKeyAndOpensByKeyId) {
  MasterKey a = KeyOf('a'), b = KeyOf('b');
  auto ring = MasterKeyRing::Create({a, b}, b.Id(), nullptr).value();
  EXPECT_EQ(ring->SealingId(), b.Id());
  std::string sealed = ring->Seal("v", "aad").value();
  EXPECT_EQ(SealedKeyId(sealed), b.Id());
  EXPECT_EQ(ring->Open(Seal(a, "old", "aad").value(), "aad").value(), "old");
  EXPECT_EQ(ring->Open(sealed, "aad").value(), "v");
}

TEST(MasterKeyRingTest, CreateRefusesAnUnknownSealingId) {
  EXPECT_EQ(MasterKeyRing::Create({KeyOf('a')}, KeyOf('b').Id(), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MasterKeyRingTest, AnUnknownKeyIdReloadsFromTheSource) {
  MasterKey a = KeyOf('a'), b = KeyOf('b');
  Disk disk{.keys = {a}};
  auto ring = MasterKeyRing::Create({a}, a.Id(), LoaderOf(disk)).value();
  EXPECT_EQ(ring->Open(Seal(a, "x", "aad").value(), "aad").value(), "x");
  EXPECT_EQ(disk.loads, 0);  // a held key never reloads
  // Another process starts a rotation: b appears on disk and values get sealed with it.
  disk.keys = {a, b};
  EXPECT_EQ(ring->Open(Seal(b, "y", "aad").value(), "aad").value(), "y");
  EXPECT_EQ(disk.loads, 1);
  EXPECT_EQ(ring->SealingId(), a.Id());  // sealing changes only when the database says so
}

TEST(MasterKeyRingTest, AKeyNowhereToBeFoundIsDataLossAfterBoundedReloads) {
  MasterKey a = KeyOf('a');
  Disk disk{.keys = {a}};
  auto ring = MasterKeyRing::Create({a}, a.Id(), LoaderOf(disk)).value();
  absl::StatusOr<std::string> opened = ring->Open(Seal(KeyOf('z'), "x", "aad").value(), "aad");
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_LE(disk.loads, 3);
}

TEST(MasterKeyRingTest, UseSealingKeySwitchesAndDropsKeysNoLongerOnDisk) {
  MasterKey a = KeyOf('a'), b = KeyOf('b');
  Disk disk{.keys = {a, b}};
  auto ring = MasterKeyRing::Create({a}, a.Id(), LoaderOf(disk)).value();
  ASSERT_TRUE(ring->UseSealingKey(b.Id()).ok());
  EXPECT_EQ(ring->SealingId(), b.Id());
  EXPECT_EQ(SealedKeyId(ring->Seal("v", "aad").value()), b.Id());
  // The rotation finishes: only b is left on disk; the next switch forgets a.
  disk.keys = {b};
  ASSERT_TRUE(ring->UseSealingKey(b.Id()).ok());
  EXPECT_EQ(ring->Open(Seal(a, "old", "aad").value(), "aad").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(MasterKeyRingTest, UseSealingKeyWithoutTheKeyChangesNothing) {
  MasterKey a = KeyOf('a');
  Disk disk{.keys = {a}};
  auto ring = MasterKeyRing::Create({a}, a.Id(), LoaderOf(disk)).value();
  absl::Status status = ring->UseSealingKey(KeyOf('c').Id());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ring->SealingId(), a.Id());
  MasterKeyRing single(a);
  EXPECT_EQ(single.UseSealingKey(KeyOf('c').Id()).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(single.UseSealingKey(a.Id()).ok());
}

TEST(MasterKeyRingTest, VersionOneValuesOpenWithAnyHeldKey) {
  // Made by an independent AES-GCM implementation: key 32 x "k", aad "aad", "legacy!".
  const std::string v1 = Base64Decode("AQABAgMEBQYHCAkKCwa4k09nqadhl+KiYEsZhL/GoYGoEoMu").value();
  auto ring = MasterKeyRing::Create({KeyOf('k'), KeyOf('n')}, KeyOf('n').Id(), nullptr).value();
  EXPECT_EQ(ring->Open(v1, "aad").value(), "legacy!");
}

}  // namespace
}  // namespace terrane
