#include "server/master_key.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace terrane::server {
namespace {

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/terrane-master-key-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content, mode_t mode = 0600) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }
  static mode_t Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 0777;
  }
  // Proves two keys are equal without looking at their bytes: one opens what the other sealed.
  static bool SameKey(const MasterKey& a, const MasterKey& b) {
    return Open(b, Seal(a, "probe", "aad").value(), "aad").ok();
  }
  static std::string Message(const absl::StatusOr<LoadedMasterKey>& loaded) {
    EXPECT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition) << loaded.status();
    return std::string(loaded.status().message());
  }

  std::string dir_;
  const std::string key_a_ = Base64Encode(std::string(32, 'a'));
  const std::string key_b_ = Base64Encode(std::string(32, 'b'));
  const std::string key_c_ = Base64Encode(std::string(32, 'c'));
};

TEST_F(MasterKeyTest, FirstStartCreatesAPrivateKeyFileAndReusesIt) {
  absl::StatusOr<LoadedMasterKey> first = LoadMasterKey({.data_dir = dir_});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  const std::string path = dir_ + "/master.key";
  EXPECT_EQ(first->origin, path);
  EXPECT_EQ(Mode(path), 0600u);
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(content.size(), 45u);  // 44 base64 characters and a newline
  EXPECT_EQ(content.back(), '\n');
  EXPECT_EQ(Base64Decode(content.substr(0, 44))->size(), 32u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1)
      << "no temporary file may be left behind";

  absl::StatusOr<LoadedMasterKey> second = LoadMasterKey({.data_dir = dir_});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_TRUE(SameKey(first->key, second->key));
}

TEST_F(MasterKeyTest, FileFlagWinsOverEnvironmentAndDataDir) {
  std::string flag = Write("flag.key", key_a_ + "\n");
  Write("master.key", key_c_);
  absl::StatusOr<LoadedMasterKey> loaded =
      LoadMasterKey({.key_file = flag, .env_value = key_b_, .data_dir = dir_});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->origin, "--master-key-file " + flag);
  EXPECT_TRUE(SameKey(loaded->key, MasterKey::FromBytes(std::string(32, 'a')).value()));
}

TEST_F(MasterKeyTest, EnvironmentWinsOverDataDirAndCreatesNoFile) {
  absl::StatusOr<LoadedMasterKey> loaded = LoadMasterKey({.env_value = key_b_, .data_dir = dir_});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->origin, "TERRANE_MASTER_KEY");
  EXPECT_FALSE(loaded->created);
  EXPECT_TRUE(SameKey(loaded->key, MasterKey::FromBytes(std::string(32, 'b')).value()));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/master.key"));
}

TEST_F(MasterKeyTest, MissingFlagFileIsRefusedNotCreated) {
  std::string message =
      Message(LoadMasterKey({.key_file = dir_ + "/absent.key", .data_dir = dir_}));
  EXPECT_NE(message.find("cannot read the master key file " + dir_ + "/absent.key"),
            std::string::npos)
      << message;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/absent.key"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/master.key"));
}

TEST_F(MasterKeyTest, GroupOrOtherPermissionsAreRefused) {
  for (mode_t mode : {0640, 0604, 0660, 0644, 0602}) {
    SCOPED_TRACE(mode);
    Write("master.key", key_a_, mode);
    std::string message = Message(LoadMasterKey({.data_dir = dir_}));
    EXPECT_NE(message.find("has mode 0" + std::to_string((mode >> 6) & 7) +
                           std::to_string((mode >> 3) & 7) + std::to_string(mode & 7)),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("chmod 600 " + dir_ + "/master.key"), std::string::npos) << message;
  }
  std::string flag = Write("flag.key", key_a_, 0644);
  EXPECT_NE(Message(LoadMasterKey({.key_file = flag, .data_dir = dir_})).find("chmod 600 " + flag),
            std::string::npos);
  // Owner-only modes are accepted, read-only included.
  Write("master.key", key_a_, 0400);
  EXPECT_TRUE(LoadMasterKey({.data_dir = dir_}).ok());
}

TEST_F(MasterKeyTest, WrongLengthOrEncodingIsRefusedWithoutQuotingTheKey) {
  const std::string short_key = Base64Encode(std::string(16, 's'));
  Write("master.key", short_key + "\n");
  std::string message = Message(LoadMasterKey({.data_dir = dir_}));
  EXPECT_NE(message.find("must be base64 of 32 bytes, got 16 bytes"), std::string::npos) << message;
  EXPECT_EQ(message.find(short_key), std::string::npos);

  Write("master.key", "not base64 at all!\n");
  EXPECT_NE(Message(LoadMasterKey({.data_dir = dir_})).find("is not standard base64"),
            std::string::npos);
  Write("master.key", "");
  EXPECT_NE(Message(LoadMasterKey({.data_dir = dir_})).find("got 0 bytes"), std::string::npos);
  Write("master.key", std::string(2000, 'A'));
  EXPECT_NE(Message(LoadMasterKey({.data_dir = dir_})).find("too large"), std::string::npos);
}

TEST_F(MasterKeyTest, BadEnvironmentValuesAreRefused) {
  const std::string long_key = Base64Encode(std::string(33, 'l'));
  std::string message = Message(LoadMasterKey({.env_value = long_key, .data_dir = dir_}));
  EXPECT_NE(message.find("$TERRANE_MASTER_KEY must be base64 of 32 bytes, got 33 bytes"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find(long_key), std::string::npos);
  EXPECT_NE(Message(LoadMasterKey({.env_value = "%%%%", .data_dir = dir_})).find("base64"),
            std::string::npos);
  EXPECT_NE(Message(LoadMasterKey({.env_value = "", .data_dir = dir_})).find("set but empty"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/master.key"));
}

}  // namespace
}  // namespace terrane::server
