#include "runner/process.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>

#include "gtest/gtest.h"

namespace terrane::runner {
namespace {

std::string Path() { return std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"; }

std::string ReadAll(Process& p) {
  std::string out;
  while (true) {
    absl::StatusOr<bool> open = p.ReadOutput(out, std::chrono::milliseconds(1000));
    EXPECT_TRUE(open.ok());
    if (!open.ok() || !*open) break;
  }
  return out;
}

TEST(ProcessTest, MergesOutputAndReportsExitCodeInItsWorkingDirectory) {
  PosixProcessLauncher launcher;
  absl::StatusOr<std::string> sh = FindExecutable("sh", Path());
  ASSERT_TRUE(sh.ok()) << sh.status();
  ProcessSpec spec{.executable = *sh,
                   .args = {"-c", "echo out; echo err >&2; echo \"$ONLY\"; pwd; exit 3"},
                   .env = {"ONLY=given"},
                   .cwd = "/tmp"};
  absl::StatusOr<std::unique_ptr<Process>> p = launcher.Start(spec);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(ReadAll(**p), "out\nerr\ngiven\n/tmp\n");
  EXPECT_EQ((*p)->Wait(), 3);
}

TEST(ProcessTest, DiscardedStderrStaysOutOfTheOutput) {
  PosixProcessLauncher launcher;
  absl::StatusOr<std::string> sh = FindExecutable("sh", Path());
  ASSERT_TRUE(sh.ok()) << sh.status();
  ProcessSpec spec{.executable = *sh,
                   .args = {"-c", "echo warning >&2; echo '{}'"},
                   .cwd = "/tmp",
                   .discard_stderr = true};
  absl::StatusOr<std::unique_ptr<Process>> p = launcher.Start(spec);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(ReadAll(**p), "{}\n");
  EXPECT_EQ((*p)->Wait(), 0);
}

TEST(ProcessTest, SignalReachesTheWholeGroup) {
  PosixProcessLauncher launcher;
  absl::StatusOr<std::string> sh = FindExecutable("sh", Path());
  ASSERT_TRUE(sh.ok());
  // The child shell starts a grandchild sleep; killing the group ends both, closing the pipe.
  ProcessSpec spec{.executable = *sh, .args = {"-c", "sleep 600 & wait"}, .env = {}, .cwd = "/"};
  absl::StatusOr<std::unique_ptr<Process>> p = launcher.Start(spec);
  ASSERT_TRUE(p.ok());
  (*p)->SignalGroup(SIGTERM);
  auto start = std::chrono::steady_clock::now();
  ReadAll(**p);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ((*p)->Wait(), 128 + SIGTERM);
}

TEST(ProcessTest, StartFailsClearlyForAMissingDirectory) {
  PosixProcessLauncher launcher;
  ProcessSpec spec{.executable = "/bin/true", .args = {}, .env = {}, .cwd = "/nonexistent/dir"};
  absl::StatusOr<std::unique_ptr<Process>> p = launcher.Start(spec);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("/nonexistent/dir"), std::string::npos);
}

TEST(FindExecutableTest, SearchesThePathAndNamesWhatIsMissing) {
  EXPECT_TRUE(FindExecutable("sh", "/nonexistent:/bin:/usr/bin").ok());
  absl::StatusOr<std::string> missing = FindExecutable("no-such-binary-x", "/bin");
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no-such-binary-x"), std::string::npos);
}

}  // namespace
}  // namespace terrane::runner
