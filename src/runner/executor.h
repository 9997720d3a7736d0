// RunExecutor: executes one claimed run through its steps (git checkout, terraform init, plan,
// approval, apply or destroy), records each step, its log and plan artifacts, and decides the
// workspace's status when the run ends. One call per run, on the worker thread that claimed it.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "model/run.h"
#include "runner/commands.h"
#include "runner/process.h"
#include "runner/run_log.h"
#include "service/auth.h"
#include "storage/store.h"

namespace terrane::runner {

// Resolves secret references (`NAME`, `org.NAME`, `account.NAME`) of a workspace's variables to
// their values. NotFound naming a missing reference.
using SecretResolver = std::function<absl::StatusOr<std::map<std::string, std::string>>(
    const model::WorkspaceKey&, const std::vector<std::string>&)>;

struct RunnerOptions {
  std::string work_root;   // each run works in work_root/<run id>, mode 0700
  std::string server_url;  // base URL of this server, for the injected state backend
  std::string path;        // PATH for finding and running git, terraform and tofu
  std::string terraform_binary = "terraform";
  std::string tofu_binary = "tofu";
  // Variables copied from the server's environment into every command's (proxies, CA files,
  // terraform's CLI configuration and plugin cache). Nothing else of the server's environment
  // reaches a run.
  std::vector<std::string> inherited_env = {"TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR",
                                            "HTTP_PROXY",         "HTTPS_PROXY",
                                            "NO_PROXY",           "http_proxy",
                                            "https_proxy",        "no_proxy",
                                            "SSL_CERT_FILE",      "SSL_CERT_DIR",
                                            "LANG",               "TZ"};
  CommandLimits limits;
  // A run waiting longer than this for approval fails (Harness allows up to 60 minutes).
  std::chrono::seconds approval_timeout{3600};
  size_t log_cap_bytes = size_t{64} << 20;
  int max_concurrent = 2;
};

class RunExecutor {
 public:
  RunExecutor(storage::Store& store, Clock& clock, ProcessLauncher& launcher,
              service::Authenticator& auth, LogHub& hub, SecretResolver secrets,
              const RunnerOptions& options);

  // Executes `run` (just claimed: status running) until it ends or waits for approval. Every
  // outcome is recorded in the store; nothing is returned. The working directory is removed
  // when the run ends and kept while it waits for approval.
  void Execute(model::Run run, const RunControl& control);

  // The working directory of a run.
  std::string WorkDir(std::string_view run_id) const;

 private:
  // One execution of one run.
  struct Context {
    model::Run run;
    const RunControl& control;
    std::unique_ptr<RunLog> log;
    model::Workspace ws;
    std::string dir;         // the run's private directory
    std::string src;         // the checkout
    std::string module_dir;  // src + repository_path
    std::string binary;      // terraform or tofu
    std::vector<std::string> env;
    std::vector<std::string> mask;  // secret values as they may appear in output
    std::string credential;         // the run's state-backend key, while issued
    bool own_backend = false;
    bool waiting = false;  // stopped to wait for approval
  };

  // Loads the workspace, resolves its variables and secrets, finds the binary and sets up the
  // working directory and environment (again when resuming after approval).
  absl::Status Prepare(Context& ctx);
  // The binary's version against the workspace's provisioner_version.
  absl::Status CheckVersion(Context& ctx);
  absl::Status RunSteps(Context& ctx);
  // Runs one step. False: stop here (failed, cancelled or waiting); the run says why.
  absl::StatusOr<bool> Step(Context& ctx, size_t index);
  absl::StatusOr<bool> InitStep(Context& ctx, std::optional<CommandResult>* last);
  absl::StatusOr<bool> PlanStep(Context& ctx, model::RunStep& step,
                                std::optional<CommandResult>* last);
  absl::Status ConfigureBackend(Context& ctx);
  void AddBackendEnv(Context& ctx);
  absl::StatusOr<CommandResult> Terraform(Context& ctx, std::vector<std::string> args);
  void Finish(Context& ctx, absl::Status status);
  std::optional<model::WorkspaceStatus> SuccessStatus(const Context& ctx);
  void Save(Context& ctx);

  storage::Store& store_;
  Clock& clock_;
  ProcessLauncher& launcher_;
  service::Authenticator& auth_;
  LogHub& hub_;
  SecretResolver secrets_;
  const RunnerOptions& options_;
};

}  // namespace terrane::runner
