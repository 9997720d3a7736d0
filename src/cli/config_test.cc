#include "cli/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"

namespace terrane::cli {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  auto held = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [held](const char* name) -> const char* {
    auto it = held->find(name);
    return it == held->end() ? nullptr : it->second.c_str();
  };
}

TEST(ResolveSettingsTest, DefaultsWhenNothingIsSet) {
  Settings s = ResolveSettings({}, {}, {});
  EXPECT_EQ(s.address, "http://127.0.0.1:8080");
  EXPECT_EQ(s.api_key, "");
  EXPECT_EQ(s.account, "default");
  EXPECT_EQ(s.org, "default");
  EXPECT_EQ(s.project, "default");
}

TEST(ResolveSettingsTest, FlagsBeatEnvironmentWhichBeatsTheFile) {
  SettingsLayer file{.address = "http://file:1",
                     .api_key = "file-key",
                     .account = "file-acct",
                     .org = "file-org",
                     .project = "file-proj"};
  SettingsLayer env = SettingsFromEnv(FakeEnv({{"TERRANE_ADDR", "http://env:2"},
                                               {"TERRANE_API_KEY", "env-key"},
                                               {"TERRANE_ORG", "env-org"}}));
  SettingsLayer flags{.address = "http://flag:3", .project = "flag-proj"};
  Settings s = ResolveSettings(flags, env, file);
  EXPECT_EQ(s.address, "http://flag:3");
  EXPECT_EQ(s.api_key, "env-key");
  EXPECT_EQ(s.account, "file-acct");
  EXPECT_EQ(s.org, "env-org");
  EXPECT_EQ(s.project, "flag-proj");
}

TEST(ResolveSettingsTest, EmptyValuesDeferToTheNextSource) {
  SettingsLayer env = SettingsFromEnv(FakeEnv({{"TERRANE_API_KEY", ""}}));
  EXPECT_FALSE(env.api_key.has_value());
  Settings s = ResolveSettings(SettingsLayer{.api_key = ""}, env, SettingsLayer{.api_key = "k"});
  EXPECT_EQ(s.api_key, "k");
}

TEST(ConfigFilePathTest, XdgWinsOverHome) {
  EXPECT_EQ(ConfigFilePath(FakeEnv({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})),
            "/x/terrane/config.json");
  EXPECT_EQ(ConfigFilePath(FakeEnv({{"HOME", "/h"}})), "/h/.config/terrane/config.json");
  EXPECT_EQ(ConfigFilePath(FakeEnv({})), "");
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/terrane-cli-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string dir_;
};

TEST_F(ConfigFileTest, SavesWithMode0600AndLoadsBack) {
  std::string path = dir_ + "/a/b/config.json";
  ASSERT_TRUE(
      SaveConfigFile(path, SettingsLayer{.address = "http://h:9", .api_key = "secret"}).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  absl::StatusOr<SettingsLayer> back = LoadConfigFile(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->address, "http://h:9");
  EXPECT_EQ(back->api_key, "secret");
  EXPECT_FALSE(back->org.has_value());
}

TEST_F(ConfigFileTest, RewritingNarrowsAWiderMode) {
  std::string path = dir_ + "/config.json";
  std::ofstream(path) << "{}";
  chmod(path.c_str(), 0644);
  ASSERT_TRUE(SaveConfigFile(path, SettingsLayer{.api_key = "k"}).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ConfigFileTest, MissingFileIsEmptyAndMalformedNamesTheFile) {
  absl::StatusOr<SettingsLayer> none = LoadConfigFile(dir_ + "/nope.json");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->address.has_value());
  std::string path = dir_ + "/bad.json";
  std::ofstream(path) << "{\"org\": 3}";
  absl::StatusOr<SettingsLayer> bad = LoadConfigFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(path), std::string::npos);
  EXPECT_NE(bad.status().message().find("'org'"), std::string::npos);
}

TEST(ConfigFileModeWarningTest, WarnsWhenOthersMayReadTheKey) {
  // Regression: a config file made world-readable after login leaked its key without a word.
  std::string dir = ::testing::TempDir();
  std::string path = dir + "/terrane-mode-test.json";
  SettingsLayer with_key{.api_key = "k"};
  ASSERT_TRUE(SaveConfigFile(path, with_key).ok());
  EXPECT_EQ(ConfigFileModeWarning(path, with_key), "");
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(
      ConfigFileModeWarning(path, with_key),
      "warning: config file " + path +
          " holds an API key and is readable by group or others (mode 0644): run `chmod 600 " +
          path + "`");
  EXPECT_EQ(ConfigFileModeWarning(path, SettingsLayer{.address = "http://h:1"}), "");
  EXPECT_EQ(ConfigFileModeWarning(dir + "/missing.json", with_key), "");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace terrane::cli
