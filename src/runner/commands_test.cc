#include "runner/commands.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "runner/process.h"

namespace terrane::runner {
namespace {

boost::json::object Settings(std::string_view json) { return boost::json::parse(json).as_object(); }

TEST(SourceFromSettingsTest, MapsEachRevisionKind) {
  auto branch = SourceFromSettings(Settings(R"({"repository":"/r","repository_branch":"main"})"));
  ASSERT_TRUE(branch.ok());
  EXPECT_EQ(branch->ref, "origin/main");
  auto tag = SourceFromSettings(Settings(R"({"repository":"/r","repository_commit":"v1"})"));
  EXPECT_EQ(tag->ref, "tags/v1");
  auto sha = SourceFromSettings(
      Settings(R"({"repository":"/r","repository_sha":"abc123","repository_path":"/infra/net"})"));
  EXPECT_EQ(sha->ref, "abc123");
  EXPECT_EQ(sha->path, "infra/net");
}

TEST(SourceFromSettingsTest, RefusesWhatCannotRun) {
  EXPECT_EQ(SourceFromSettings(Settings(R"({"repository_branch":"main"})")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SourceFromSettings(Settings(R"({"repository":"/r"})")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(SourceFromSettings(Settings(
                   R"({"repository":"/r","repository_branch":"m","repository_path":"../x"})"))
                   .ok());
  EXPECT_FALSE(
      SourceFromSettings(Settings(R"({"repository":"--upload-pack=x","repository_branch":"m"})"))
          .ok());
}

// A scratch directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "terrane-cmd-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ResolveModuleDirTest, StaysInsideTheCheckout) {
  namespace fs = std::filesystem;
  ScratchDir tmp;
  const std::string src = tmp.path() + "/src";
  fs::create_directories(src + "/infra/net");
  fs::create_directories(tmp.path() + "/outside");
  fs::create_directory_symlink("infra/net", src + "/alias");
  fs::create_directory_symlink(tmp.path() + "/outside", src + "/escape");
  fs::create_directory_symlink("..", src + "/up");

  auto root = ResolveModuleDir(src, "");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, fs::canonical(src).string());
  auto net = ResolveModuleDir(src, "infra/net");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(*net, fs::canonical(src + "/infra/net").string());
  auto alias = ResolveModuleDir(src, "alias");  // a link that stays inside is fine
  ASSERT_TRUE(alias.ok()) << alias.status();
  EXPECT_EQ(*alias, *net);

  for (const char* bad : {"escape", "up", "escape/.", "alias/../../up"}) {
    auto r = ResolveModuleDir(src, bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << bad;
  }
  EXPECT_NE(ResolveModuleDir(src, "escape").status().message().find("outside the repository"),
            std::string_view::npos);
  auto missing = ResolveModuleDir(src, "nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("not a directory"), std::string_view::npos);
}

TEST(WriteNewFileTest, ReplacesALinkInsteadOfWritingThroughIt) {
  namespace fs = std::filesystem;
  ScratchDir tmp;
  const std::string victim = tmp.path() + "/victim";
  { std::ofstream(victim) << "precious"; }
  const std::string link = tmp.path() + "/terrane_backend_override.tf";
  fs::create_symlink(victim, link);
  ASSERT_TRUE(WriteNewFile(link, "terraform {}\n").ok());
  EXPECT_EQ(ReadAll(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(link));
  EXPECT_EQ(ReadAll(link), "terraform {}\n");
  ASSERT_TRUE(WriteNewFile(link, "again").ok());  // an existing regular file is replaced
  EXPECT_EQ(ReadAll(link), "again");
}

TEST(PlanArgsTest, AddsModeTargetsAndReplacements) {
  model::Run run{.operation = model::RunOperation::kDestroy, .targets = {"terraform_data.a"}};
  std::vector<std::string> args = PlanArgs(run, "p.tfplan");
  EXPECT_EQ(args, (std::vector<std::string>{"plan", "-input=false", "-no-color",
                                            "-detailed-exitcode", "-out=p.tfplan", "-destroy",
                                            "-target=terraform_data.a"}));
  model::Run drift{.operation = model::RunOperation::kDrift};
  EXPECT_EQ(PlanArgs(drift, "p").back(), "-refresh-only");
}

TEST(DeclaresOwnBackendTest, FindsBackendAndCloudBlocksButNotTerranesOwnOverride) {
  std::string dir = ::testing::TempDir() + "/own_backend_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  auto write = [&dir](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
  };
  write("main.tf", "resource \"terraform_data\" \"a\" {}\n");
  write(std::string(kBackendOverrideFile), "terraform {\n  backend \"http\" {}\n}\n");
  write("notes.txt", "backend \"s3\" {\n");
  EXPECT_FALSE(DeclaresOwnBackend(dir));
  write("backend.tf", "terraform {\n    backend \"s3\" {\n    bucket = \"b\"\n  }\n}\n");
  EXPECT_TRUE(DeclaresOwnBackend(dir));
  std::filesystem::remove(dir + "/backend.tf");
  write("cloud.tf", "terraform {\n  cloud {\n    organization = \"o\"\n  }\n}\n");
  EXPECT_TRUE(DeclaresOwnBackend(dir));
  std::filesystem::remove_all(dir);
}

TEST(CheckProvisionerVersionTest, MatchesWholeComponents) {
  constexpr std::string_view kOut = R"({"terraform_version":"1.11.4","platform":"linux_amd64"})";
  EXPECT_TRUE(CheckProvisionerVersion("", kOut, "terraform").ok());
  EXPECT_TRUE(CheckProvisionerVersion("latest", kOut, "terraform").ok());
  EXPECT_TRUE(CheckProvisionerVersion("1.11", kOut, "terraform").ok());
  EXPECT_TRUE(CheckProvisionerVersion("1.11.4", kOut, "terraform").ok());
  absl::Status wrong = CheckProvisionerVersion("1.1", kOut, "terraform");
  EXPECT_EQ(wrong.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong.message().find("terraform 1.1 but this server runs terraform 1.11.4"),
            std::string::npos)
      << wrong;
  EXPECT_FALSE(CheckProvisionerVersion("1.5.7", "not json", "terraform").ok());
}

// terraform prints CLI-config warnings on stderr even for `show -json`; a run parses that output.
TEST(CaptureCommandTest, ReturnsStdoutWithoutTheWarningsOfStderr) {
  PosixProcessLauncher launcher;
  const char* path = std::getenv("PATH");
  absl::StatusOr<std::string> sh = FindExecutable("sh", path != nullptr ? path : "/usr/bin:/bin");
  ASSERT_TRUE(sh.ok()) << sh.status();
  ProcessSpec spec{.executable = *sh,
                   .args = {"-c", "echo 'Warning: no CLI config' >&2; echo '{\"a\":1}'; exit 4"},
                   .cwd = "/tmp"};
  RunControl control;
  int code = 0;
  absl::StatusOr<std::string> out = CaptureCommand(launcher, spec, control, {}, &code);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "{\"a\":1}\n");
  EXPECT_EQ(code, 4);
}

}  // namespace
}  // namespace terrane::runner
