#include "runner/commands.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "common/strings.h"
#include "common/status_macros.h"

namespace terrane::runner {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollInterval{200};
// Largest `terraform show -json` output kept for a run.
constexpr size_t kMaxCapture = size_t{256} << 20;

std::string Setting(const boost::json::object& settings, std::string_view key) {
  const boost::json::value* v = settings.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Drives `process` to its end; `sink` receives each piece of output.
template <typename Sink>
absl::StatusOr<CommandResult> Drive(Process& process, const RunControl& control,
                                    const CommandLimits& limits, Sink sink) {
  CommandResult result;
  const auto deadline = SteadyClock::now() + limits.timeout;
  std::optional<SteadyClock::time_point> kill_at;
  while (true) {
    std::string chunk;
    TERRANE_ASSIGN_OR_RETURN(bool open, process.ReadOutput(chunk, kPollInterval));
    if (!chunk.empty()) TERRANE_RETURN_IF_ERROR(sink(chunk));
    if (!open) break;
    const auto now = SteadyClock::now();
    if (!kill_at.has_value() && (control.cancel.load() || now > deadline)) {
      result.cancelled = control.cancel.load();
      result.timed_out = !result.cancelled;
      process.SignalGroup(SIGINT);
      kill_at = now + limits.grace;
    } else if (kill_at.has_value() && now > *kill_at) {
      process.SignalGroup(SIGKILL);
      kill_at = now + std::chrono::hours(24);  // signalled once
    }
  }
  result.exit_code = process.Wait();
  // A child that outlived terraform and closed its output would otherwise linger.
  process.SignalGroup(SIGKILL);
  return result;
}

}  // namespace

absl::StatusOr<CommandResult> RunCommand(ProcessLauncher& launcher, const ProcessSpec& spec,
                                         RunLog& log, const RunControl& control,
                                         const CommandLimits& limits) {
  TERRANE_ASSIGN_OR_RETURN(std::unique_ptr<Process> process, launcher.Start(spec));
  absl::StatusOr<CommandResult> result =
      Drive(*process, control, limits, [&log](const std::string& chunk) {
        log.Write(chunk);
        return absl::OkStatus();
      });
  log.Flush();
  return result;
}

absl::StatusOr<std::string> CaptureCommand(ProcessLauncher& launcher, const ProcessSpec& spec,
                                           const RunControl& control,
                                           const CommandLimits& limits, int* exit_code) {
  ProcessSpec stdout_only = spec;
  stdout_only.discard_stderr = true;
  TERRANE_ASSIGN_OR_RETURN(std::unique_ptr<Process> process, launcher.Start(stdout_only));
  std::string out;
  TERRANE_ASSIGN_OR_RETURN(
      CommandResult result, Drive(*process, control, limits, [&out, &spec](const std::string& chunk) {
        if (out.size() + chunk.size() > kMaxCapture) {
          return absl::ResourceExhaustedError(
              Cat("the output of ", spec.executable, " exceeds ", kMaxCapture, " bytes"));
        }
        out += chunk;
        return absl::OkStatus();
      }));
  *exit_code = result.exit_code;
  return out;
}

absl::StatusOr<GitSource> SourceFromSettings(const boost::json::object& settings) {
  GitSource source{.repository = Setting(settings, "repository"),
                   .path = Setting(settings, "repository_path")};
  if (source.repository.empty()) {
    return absl::FailedPreconditionError(
        "the workspace has no repository: set 'repository' (a git URL or path) and one of "
        "'repository_branch', 'repository_commit' (a tag) or 'repository_sha' (`terrane workspace "
        "update ID --repository URL --branch NAME`, or PUT the workspace), then start the run "
        "again");
  }
  std::string branch = Setting(settings, "repository_branch");
  std::string tag = Setting(settings, "repository_commit");
  std::string sha = Setting(settings, "repository_sha");
  if (!branch.empty()) {
    source.ref = Cat("origin/", branch);
  } else if (!tag.empty()) {
    source.ref = Cat("tags/", tag);
  } else if (!sha.empty()) {
    source.ref = sha;
  } else {
    return absl::FailedPreconditionError(
        "the workspace names no revision: set one of 'repository_branch', 'repository_commit' "
        "(a tag) or 'repository_sha', then start the run again");
  }
  if (source.ref.front() == '-' || source.repository.front() == '-') {
    return absl::FailedPreconditionError("the repository and its revision must not start with '-'");
  }
  std::filesystem::path path(source.path);
  for (const auto& part : path) {
    if (part == "..") {
      return absl::FailedPreconditionError(
          "'repository_path' must stay inside the repository (no '..')");
    }
  }
  while (!source.path.empty() && source.path.front() == '/') source.path.erase(0, 1);
  return source;
}

absl::StatusOr<std::string> ResolveModuleDir(const std::string& checkout, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = fs::canonical(checkout, ec);
  if (ec) return absl::InternalError(Cat("cannot resolve the checkout ", checkout, ": ", ec.message()));
  if (path.empty()) return root.string();
  fs::path dir = fs::canonical(root / path, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    return absl::FailedPreconditionError(
        Cat("'repository_path' names '", path, "', which is not a directory in the repository"));
  }
  auto [root_end, dir_it] = std::mismatch(root.begin(), root.end(), dir.begin(), dir.end());
  if (root_end != root.end()) {
    return absl::FailedPreconditionError(
        Cat("'repository_path' names '", path,
            "', which leads outside the repository through a symbolic link"));
  }
  return dir.string();
}

absl::Status WriteNewFile(const std::string& path, std::string_view content) {
  std::error_code ec;
  std::filesystem::remove(path, ec);  // removes a link itself, never its target
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(Cat("cannot create ", path, ": ", std::strerror(errno)));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      close(fd);
      return absl::InternalError(Cat("cannot write ", path, ": ", std::strerror(err)));
    }
    written += static_cast<size_t>(n);
  }
  if (close(fd) != 0) return absl::InternalError(Cat("cannot write ", path, ": ", std::strerror(errno)));
  return absl::OkStatus();
}

std::vector<std::vector<std::string>> GitCheckoutArgs(const GitSource& source,
                                                      const std::string& dir) {
  return {
      {"clone", "--quiet", "--no-checkout", "--", source.repository, dir},
      {"-C", dir, "-c", "advice.detachedHead=false", "checkout", "--quiet", source.ref, "--"},
      {"-C", dir, "submodule", "update", "--init", "--recursive", "--quiet"},
  };
}

std::vector<std::string> InitArgs() { return {"init", "-input=false", "-no-color"}; }

std::vector<std::string> PlanArgs(const model::Run& run, const std::string& plan_file) {
  std::vector<std::string> args{"plan", "-input=false", "-no-color", "-detailed-exitcode",
                                Cat("-out=", plan_file)};
  if (run.operation == model::RunOperation::kDestroy) args.push_back("-destroy");
  if (run.operation == model::RunOperation::kDrift) args.push_back("-refresh-only");
  for (const std::string& t : run.targets) args.push_back(Cat("-target=", t));
  for (const std::string& r : run.replace) args.push_back(Cat("-replace=", r));
  return args;
}

std::vector<std::string> ApplyArgs(const std::string& plan_file) {
  return {"apply", "-input=false", "-no-color", "-auto-approve", plan_file};
}

absl::Status CheckProvisionerVersion(std::string_view wanted, std::string_view version_json,
                                     std::string_view provisioner) {
  if (wanted.empty() || wanted == "latest") return absl::OkStatus();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(version_json, ec);
  const boost::json::value* version =
      !ec && v.is_object() ? v.get_object().if_contains("terraform_version") : nullptr;
  if (version == nullptr || !version->is_string()) {
    return absl::FailedPreconditionError(
        Cat("cannot read the version of ", provisioner, " (", provisioner, " version -json)"));
  }
  std::string_view have = version->get_string();
  if (have == wanted || absl::StartsWith(AsAbsl(have), Cat(wanted, "."))) return absl::OkStatus();
  return absl::FailedPreconditionError(
      Cat("the workspace asks for ", provisioner, " ", wanted, " but this server runs ",
          provisioner, " ", have, ": set provisioner_version to match (or to latest), or point "
          "terrane serve --terraform-binary / --tofu-binary at that version"));
}

bool DeclaresOwnBackend(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!absl::EndsWith(name, ".tf") || name == kBackendOverrideFile) continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      absl::string_view t = absl::StripLeadingAsciiWhitespace(line);
      if (absl::StartsWith(t, "backend \"") || absl::StartsWith(t, "cloud {") ||
          absl::StartsWith(t, "cloud{")) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace terrane::runner
