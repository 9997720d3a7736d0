#include "runner/commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

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

}  // namespace
}  // namespace terrane::runner
