#include "common/crypto.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "common/random.h"

namespace terrane {
namespace {

TEST(CryptoTest, Md5OfEmptyBodyMatchesTerraformForceUnlockHeader) {
  EXPECT_EQ(Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(CryptoTest, Sha256Hex) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, Base64RoundTripAndPadding) {
  EXPECT_EQ(Base64Encode("alice:p@ss:w0rd/\xc3\xa9"), "YWxpY2U6cEBzczp3MHJkL8Op");
  EXPECT_EQ(Base64Decode("YWxpY2U6cEBzczp3MHJkL8Op").value(), "alice:p@ss:w0rd/\xc3\xa9");
  EXPECT_EQ(Base64Decode("YQ==").value(), "a");
  EXPECT_EQ(Base64Decode("YWI=").value(), "ab");
  EXPECT_FALSE(Base64Decode("YQ=").has_value());
  EXPECT_FALSE(Base64Decode("!!!!").has_value());
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(RandomTest, UuidShape) {
  std::string u = RandomUuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(RandomUuid(), u);
  EXPECT_EQ(RandomHex(16).size(), 32u);
}

MasterKey KeyOf(char fill) { return MasterKey::FromBytes(std::string(32, fill)).value(); }

TEST(SealTest, RoundTripAddsVersionNonceAndTag) {
  MasterKey key = KeyOf('k');
  absl::StatusOr<std::string> sealed = Seal(key, "hunter2", "acct/org/proj/db_password");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->size(), 1 + 8 + 12 + 7 + 16);
  EXPECT_EQ(static_cast<unsigned char>((*sealed)[0]), kSealVersion);
  EXPECT_EQ(HexEncode(sealed->substr(1, 8)), key.Id());
  EXPECT_EQ(SealedKeyId(*sealed), key.Id());
  EXPECT_EQ(sealed->find("hunter2"), std::string::npos);
  absl::StatusOr<std::string> opened = Open(key, *sealed, "acct/org/proj/db_password");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "hunter2");
}

TEST(SealTest, EveryCallUsesAFreshNonce) {
  MasterKey key = KeyOf('k');
  std::string a = Seal(key, "same", "aad").value();
  std::string b = Seal(key, "same", "aad").value();
  EXPECT_NE(a.substr(9, 12), b.substr(9, 12));
  EXPECT_NE(a, b);
}

TEST(SealTest, EmptyPlaintextRoundTrips) {
  MasterKey key = KeyOf('k');
  std::string sealed = Seal(key, "", "aad").value();
  EXPECT_EQ(sealed.size(), kSealOverhead);
  absl::StatusOr<std::string> opened = Open(key, sealed, "aad");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "");
}

TEST(SealTest, BinaryPlaintextAndAadRoundTrip) {
  MasterKey key = MasterKey::Generate();
  // Sized by the literal itself: a hand-counted length once read past the literal's end.
  using std::string_literals::operator""s;
  const std::string plaintext = "\0\x01\xff line\nnext"s;
  const std::string aad = "a\0b"s;
  ASSERT_EQ(plaintext.size(), 13u);
  ASSERT_EQ(aad.size(), 3u);
  absl::StatusOr<std::string> opened = Open(key, Seal(key, plaintext, aad).value(), aad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, plaintext);
}

// Flipping one bit anywhere (version, nonce, ciphertext, tag) must fail to open.
TEST(SealTest, TamperingWithAnyPartFails) {
  MasterKey key = KeyOf('k');
  const std::string sealed = Seal(key, "top secret value", "aad").value();
  struct Part {
    const char* name;
    size_t offset;
  };
  const Part parts[] = {{"version", 0},
                        {"key id start", 1},
                        {"key id end", 8},
                        {"nonce start", 9},
                        {"nonce end", 20},
                        {"ciphertext start", 21},
                        {"ciphertext end", sealed.size() - 17},
                        {"tag start", sealed.size() - 16},
                        {"tag end", sealed.size() - 1}};
  for (const Part& part : parts) {
    SCOPED_TRACE(part.name);
    std::string bad = sealed;
    bad[part.offset] = static_cast<char>(bad[part.offset] ^ 0x01);
    absl::StatusOr<std::string> opened = Open(key, bad, "aad");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << opened.status();
  }
}

TEST(SealTest, TruncatedOrExtendedInputFails) {
  MasterKey key = KeyOf('k');
  const std::string sealed = Seal(key, "value", "aad").value();
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{13}, size_t{21}, kSealOverhead - 1, sealed.size() - 1}) {
    SCOPED_TRACE(n);
    absl::StatusOr<std::string> opened = Open(key, sealed.substr(0, n), "aad");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  }
  EXPECT_EQ(Open(key, sealed + "x", "aad").status().code(), absl::StatusCode::kDataLoss);
}

TEST(SealTest, WrongKeyFails) {
  const std::string sealed = Seal(KeyOf('k'), "value", "aad").value();
  absl::StatusOr<std::string> opened = Open(KeyOf('j'), sealed, "aad");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(opened.status().message().find("master key"), absl::string_view::npos);
}

TEST(SealTest, WrongKeyIsNamedByItsId) {
  const std::string sealed = Seal(KeyOf('k'), "value", "aad").value();
  absl::Status status = Open(KeyOf('j'), sealed, "aad").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find(KeyOf('k').Id()), absl::string_view::npos) << status;
}

// Values sealed before key ids existed (version 1: version || nonce || ciphertext || tag, only
// `aad` authenticated) still open. The bytes were made by an independent AES-GCM implementation
// (key 32 x "k", aad "aad").
TEST(SealTest, VersionOneValuesStillOpen) {
  MasterKey key = KeyOf('k');
  const std::string v1 = Base64Decode("AQABAgMEBQYHCAkKCwa4k09nqadhl+KiYEsZhL/GoYGoEoMu").value();
  EXPECT_EQ(SealedKeyId(v1), "");
  absl::StatusOr<std::string> opened = Open(key, v1, "aad");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "legacy!");
  EXPECT_FALSE(Open(KeyOf('j'), v1, "aad").ok());
}

TEST(SealTest, SealedKeyIdOfMalformedValues) {
  EXPECT_EQ(SealedKeyId(""), std::nullopt);
  EXPECT_EQ(SealedKeyId(std::string(1, '\x02') + "short"), std::nullopt);
  EXPECT_EQ(SealedKeyId(std::string(64, '\x07')), std::nullopt);
}

TEST(MasterKeyTest, IdIsStableHexAndDiffersPerKey) {
  EXPECT_EQ(KeyOf('k').Id(), KeyOf('k').Id());
  EXPECT_EQ(KeyOf('k').Id().size(), 16u);
  EXPECT_NE(KeyOf('k').Id(), KeyOf('j').Id());
  EXPECT_EQ(KeyOf('k').Id().find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(SealTest, WrongAadFails) {
  MasterKey key = KeyOf('k');
  const std::string sealed = Seal(key, "value", "acct/org/proj/a").value();
  for (const char* aad : {"acct/org/proj/b", "", "acct/org/proj/a "}) {
    SCOPED_TRACE(aad);
    EXPECT_EQ(Open(key, sealed, aad).status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(MasterKeyTest, RejectsWrongLengthWithoutEchoingBytes) {
  absl::StatusOr<MasterKey> key = MasterKey::FromBytes("short-key-bytes");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(key.status().message().find("got 15"), absl::string_view::npos);
  EXPECT_EQ(key.status().message().find("short-key-bytes"), absl::string_view::npos);
  EXPECT_FALSE(MasterKey::FromBytes(std::string(33, 'x')).ok());
}

TEST(MasterKeyTest, NeverPrintsItsBytes) {
  MasterKey key = KeyOf('Q');
  std::ostringstream os;
  os << key;
  EXPECT_EQ(os.str(), "MasterKey(***)");
  EXPECT_EQ(key.ToBase64(), Base64Encode(std::string(32, 'Q')));
}

TEST(MasterKeyTest, GeneratedKeysDiffer) {
  EXPECT_NE(MasterKey::Generate().ToBase64(), MasterKey::Generate().ToBase64());
  EXPECT_EQ(Base64Decode(MasterKey::Generate().ToBase64())->size(), MasterKey::kSize);
}

}  // namespace
}  // namespace terrane
