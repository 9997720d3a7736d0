// The commands a run executes (git, terraform) and how: arguments, environment, output into the
// run log, cancellation and time limits. Used by the executor's one thread per run.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "model/run.h"
#include "runner/process.h"
#include "runner/run_log.h"

namespace terrane::runner {

// Asks an executing run to stop; set by API calls, read by the run's thread.
struct RunControl {
  std::atomic<bool> cancel{false};
};

// How a command ended.
struct CommandResult {
  int exit_code = 0;
  bool cancelled = false;  // stopped because RunControl::cancel was set
  bool timed_out = false;  // stopped because it ran longer than its limit
};

struct CommandLimits {
  std::chrono::seconds timeout{7200};
  // After SIGINT (terraform's graceful stop), how long before the group gets SIGKILL.
  std::chrono::seconds grace{20};
};

// Runs `spec` to its end, copying its output into `log`. On cancel or timeout it interrupts the
// process group (SIGINT), then kills it after the grace period. Internal when it cannot start.
absl::StatusOr<CommandResult> RunCommand(ProcessLauncher& launcher, const ProcessSpec& spec,
                                         RunLog& log, const RunControl& control,
                                         const CommandLimits& limits);

// Runs `spec` and returns its whole stdout without logging it (terraform show -json); stderr
// is discarded, so warnings cannot corrupt what is parsed.
absl::StatusOr<std::string> CaptureCommand(ProcessLauncher& launcher, const ProcessSpec& spec,
                                           const RunControl& control,
                                           const CommandLimits& limits, int* exit_code);

// Where a workspace's configuration comes from (iacm-api.md §3.1 repository fields).
struct GitSource {
  std::string repository;
  std::string ref;   // what to check out: origin/<branch>, a tag, or a commit sha
  std::string path;  // the module's directory inside the repository, "" = root
};

// Reads the source from a workspace's settings. FailedPrecondition saying what to set when the
// repository or the revision is missing, or the path escapes the repository.
absl::StatusOr<GitSource> SourceFromSettings(const boost::json::object& settings);

// The directory of the module `path` inside the checkout `checkout`, with symbolic links
// resolved. FailedPrecondition when it is not a directory, or when it resolves to a place
// outside the checkout (a symlink in the repository must not make a run work elsewhere).
absl::StatusOr<std::string> ResolveModuleDir(const std::string& checkout, const std::string& path);

// Writes `content` to a new file `path`, first removing whatever the checkout put there. Never
// follows a symbolic link, so a link in the repository cannot redirect the write.
absl::Status WriteNewFile(const std::string& path, std::string_view content);

// The git commands that check out `source` into the empty directory `dir`, in order.
std::vector<std::vector<std::string>> GitCheckoutArgs(const GitSource& source,
                                                      const std::string& dir);

// terraform arguments of a run's steps.
std::vector<std::string> InitArgs();
std::vector<std::string> PlanArgs(const model::Run& run, const std::string& plan_file);
std::vector<std::string> ApplyArgs(const std::string& plan_file);

// Checks `<binary> version -json` output against a workspace's provisioner_version: "" and
// "latest" take any version; "1.11" takes 1.11.x; "1.11.4" only itself. FailedPrecondition
// naming both versions otherwise.
absl::Status CheckProvisionerVersion(std::string_view wanted, std::string_view version_json,
                                     std::string_view provisioner);

// The file a run writes next to the configuration: an `_override.tf` file adds or replaces the
// backend block, pointing it at the workspace's Terrane state.
inline constexpr std::string_view kBackendOverrideFile = "terrane_backend_override.tf";

// True when a root-module .tf file in `dir` (other than kBackendOverrideFile) declares a backend
// or cloud block: the run then honours it instead of using the workspace's Terrane state.
bool DeclaresOwnBackend(const std::string& dir);

}  // namespace terrane::runner
