#include "common/crypto.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace terrane
