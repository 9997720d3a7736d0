// The steps of a run and how a run ends (RunExecutor, continued).
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "common/check.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "runner/executor.h"

namespace terrane::runner {

namespace fs = std::filesystem;

namespace {

// The saved plan lives in the run's private directory, outside the checkout, so nothing in the
// repository (a symbolic link of the same name) can redirect terraform's write.
constexpr std::string_view kPlanFile = "terrane.tfplan";
constexpr std::chrono::seconds kShowTimeout{600};

std::string PlanPath(const std::string& run_dir) { return Cat(run_dir, "/", kPlanFile); }

bool IsApplyStepName(std::string_view name) { return name == "apply" || name == "destroy"; }
bool IsPlanStepName(std::string_view name) {
  return name == "plan" || name == "plan-destroy" || name == "detect-drift";
}

// The message of a command that did not succeed, and the run status it leads to.
model::RunStatus Describe(const CommandResult& r, std::string_view what,
                          const CommandLimits& limits, std::string* message) {
  if (r.cancelled) {
    *message = Cat("cancelled during ", what);
    return model::RunStatus::kCancelled;
  }
  if (r.timed_out) {
    *message = Cat(what, " ran longer than its limit of ", limits.timeout.count(),
                            " s and was stopped");
  } else {
    *message = Cat(what, " failed with exit code ", r.exit_code, "; see the run log");
  }
  return model::RunStatus::kFailed;
}

}  // namespace

absl::StatusOr<bool> RunExecutor::Step(Context& ctx, size_t index) {
  model::RunStep& step = ctx.run.steps[index];
  if (step.name == "approval") {
    if (!ctx.run.changes.has_changes) {
      step.status = model::StepStatus::kSkipped;
      return true;
    }
    step.status = model::StepStatus::kWaiting;
    step.started = clock_.NowMillis();
    ctx.run.status = model::RunStatus::kWaitingApproval;
    ctx.run.message = Cat("waiting for approval: ", ctx.run.changes.add, " to add, ",
                                   ctx.run.changes.change, " to change, ",
                                   ctx.run.changes.destroy, " to destroy");
    ctx.log->Note(Cat("[terrane] ", ctx.run.message));
    ctx.waiting = true;
    return false;
  }
  if (IsApplyStepName(step.name) && !ctx.run.changes.has_changes) {
    step.status = model::StepStatus::kSkipped;
    ctx.log->Note(Cat("[terrane] the plan has no changes: nothing to ", step.name));
    return true;
  }
  step.status = model::StepStatus::kRunning;
  step.started = clock_.NowMillis();
  Save(ctx);
  ctx.log->Note(Cat("[terrane] ==> ", step.name));
  absl::StatusOr<bool> go_on = true;
  std::optional<CommandResult> result;
  if (step.name == "init") {
    go_on = InitStep(ctx, &result);
  } else if (IsPlanStepName(step.name)) {
    go_on = PlanStep(ctx, step, &result);
  } else {
    absl::StatusOr<CommandResult> r = Terraform(ctx, ApplyArgs(PlanPath(ctx.dir)));
    if (!r.ok()) return r.status();
    result = *r;
  }
  if (!go_on.ok()) {
    step.status = model::StepStatus::kFailed;
    step.finished = clock_.NowMillis();
    return go_on;
  }
  step.finished = clock_.NowMillis();
  if (result.has_value()) step.exit_code = result->exit_code;
  bool ok = result.has_value() ? (result->exit_code == 0 || (IsPlanStepName(step.name) &&
                                                             result->exit_code == 2)) &&
                                     !result->cancelled && !result->timed_out
                               : *go_on;
  if (ok) {
    step.status = model::StepStatus::kSucceeded;
    return true;
  }
  TERRANE_CHECK(result.has_value());
  ctx.run.status = Describe(*result, step.name, options_.limits, &ctx.run.message);
  step.status = ctx.run.status == model::RunStatus::kCancelled ? model::StepStatus::kCancelled
                                                                : model::StepStatus::kFailed;
  return false;
}

absl::StatusOr<bool> RunExecutor::InitStep(Context& ctx, std::optional<CommandResult>* last) {
  TERRANE_ASSIGN_OR_RETURN(GitSource source, SourceFromSettings(ctx.ws.spec.settings));
  ctx.log->Note(Cat("[terrane] checking out ", source.ref, " of ", source.repository));
  TERRANE_ASSIGN_OR_RETURN(std::string git, FindExecutable("git", options_.path));
  for (std::vector<std::string>& args : GitCheckoutArgs(source, ctx.src)) {
    ProcessSpec spec{.executable = git, .args = std::move(args), .env = ctx.env, .cwd = ctx.dir};
    TERRANE_ASSIGN_OR_RETURN(CommandResult r, RunCommand(launcher_, spec, *ctx.log, ctx.control,
                                                         options_.limits));
    if (r.exit_code != 0 || r.cancelled || r.timed_out) {
      *last = r;
      return false;
    }
  }
  int code = 0;
  ProcessSpec rev{.executable = git,
                  .args = {"-C", ctx.src, "rev-parse", "HEAD"},
                  .env = ctx.env,
                  .cwd = ctx.dir};
  TERRANE_ASSIGN_OR_RETURN(std::string sha,
                           CaptureCommand(launcher_, rev, ctx.control, options_.limits, &code));
  while (!sha.empty() && (sha.back() == '\n' || sha.back() == '\r')) sha.pop_back();
  ctx.run.commit_sha = sha;
  ctx.log->Note(Cat("[terrane] commit ", sha));
  absl::StatusOr<std::string> module_dir = ResolveModuleDir(ctx.src, source.path);
  if (!module_dir.ok()) {
    return absl::Status(module_dir.status().code(),
                        Cat(module_dir.status().message(), " at commit ", sha));
  }
  ctx.module_dir = *std::move(module_dir);
  TERRANE_RETURN_IF_ERROR(ConfigureBackend(ctx));
  TERRANE_ASSIGN_OR_RETURN(CommandResult r, Terraform(ctx, InitArgs()));
  *last = r;
  return true;
}

absl::Status RunExecutor::ConfigureBackend(Context& ctx) {
  ctx.own_backend = DeclaresOwnBackend(ctx.module_dir);
  if (ctx.own_backend) {
    ctx.log->Note(
        "[terrane] the configuration declares its own backend: the run uses it, not the "
        "workspace's Terrane state");
    return absl::OkStatus();
  }
  TERRANE_RETURN_IF_ERROR(WriteNewFile(
      Cat(ctx.module_dir, "/", kBackendOverrideFile),
      "# Written by Terrane for this run: state lives in the Terrane workspace.\n"
      "terraform {\n  backend \"http\" {}\n}\n"));
  AddBackendEnv(ctx);
  return absl::OkStatus();
}

void RunExecutor::AddBackendEnv(Context& ctx) {
  if (ctx.own_backend) return;
  const model::WorkspaceKey& k = ctx.run.workspace;
  // No lock address: the run already holds the workspace lock, and every write carries its id.
  std::string address = Cat(
      options_.server_url, "/iacm/api/orgs/", k.org, "/projects/", k.project, "/workspaces/",
      k.identifier, "/terraform-backend?accountIdentifier=", k.account, "&ID=", ctx.run.id);
  ctx.credential = auth_.IssueRunCredential(ctx.run.id, k);
  // The credential reaches every command's environment; a command printing it (env, debug
  // logs) must not hand it to whoever reads the log while the run executes.
  ctx.mask.push_back(ctx.credential);
  ctx.log->AddSecrets({ctx.credential});
  ctx.env.push_back(Cat("TF_HTTP_ADDRESS=", address));
  ctx.env.push_back("TF_HTTP_USERNAME=terrane-run");
  ctx.env.push_back(Cat("TF_HTTP_PASSWORD=", ctx.credential));
}

absl::StatusOr<bool> RunExecutor::PlanStep(Context& ctx, model::RunStep& step,
                                           std::optional<CommandResult>* last) {
  TERRANE_ASSIGN_OR_RETURN(CommandResult r,
                           Terraform(ctx, PlanArgs(ctx.run, PlanPath(ctx.dir))));
  *last = r;
  if (r.exit_code != 0 && r.exit_code != 2) return false;
  if (r.cancelled || r.timed_out) return false;
  CommandLimits show_limits = options_.limits;
  show_limits.timeout = kShowTimeout;
  int code = 0;
  ProcessSpec show{.executable = ctx.binary,
                   .args = {"show", "-json", PlanPath(ctx.dir)},
                   .env = ctx.env,
                   .cwd = ctx.module_dir};
  TERRANE_ASSIGN_OR_RETURN(std::string json,
                           CaptureCommand(launcher_, show, ctx.control, show_limits, &code));
  if (code != 0) return absl::InternalError("terraform show -json of the plan failed");
  bool drift = step.name == "detect-drift";
  TERRANE_ASSIGN_OR_RETURN(ctx.run.changes, model::CountPlanChanges(json, drift));
  // terraform's own verdict wins: exit code 2 means the plan has changes.
  ctx.run.changes.has_changes = r.exit_code == 2;
  TERRANE_RETURN_IF_ERROR(store_.PutRunArtifact(ctx.run.id, "plan_json", MaskSecrets(json, ctx.mask)));
  show.args = {"show", "-no-color", PlanPath(ctx.dir)};
  TERRANE_ASSIGN_OR_RETURN(std::string human,
                           CaptureCommand(launcher_, show, ctx.control, show_limits, &code));
  TERRANE_RETURN_IF_ERROR(
      store_.PutRunArtifact(ctx.run.id, "plan_human", MaskSecrets(human, ctx.mask)));
  ctx.log->Note(Cat("[terrane] plan: ", ctx.run.changes.add, " to add, ",
                             ctx.run.changes.change, " to change, ", ctx.run.changes.destroy,
                             " to destroy", ctx.run.changes.has_changes ? "" : " (no changes)"));
  return true;
}

std::optional<model::WorkspaceStatus> RunExecutor::SuccessStatus(const Context& ctx) {
  auto from_state = [&]() -> std::optional<model::WorkspaceStatus> {
    if (ctx.own_backend) {
      return ctx.run.operation == model::RunOperation::kDestroy ? model::WorkspaceStatus::kInactive
                                                                : model::WorkspaceStatus::kActive;
    }
    int64_t total = 0;
    absl::StatusOr<std::vector<model::StateVersion>> newest =
        store_.ListStateVersions(ctx.run.workspace, 1, 1, &total);
    if (!newest.ok()) return std::nullopt;
    bool resources = !newest->empty() && newest->front().managed_resources > 0;
    return resources ? model::WorkspaceStatus::kActive : model::WorkspaceStatus::kInactive;
  };
  std::optional<model::WorkspaceStatus> before = model::ParseWorkspaceStatus(ctx.run.status_before);
  switch (ctx.run.operation) {
    case model::RunOperation::kProvision:
    case model::RunOperation::kDestroy:
      return from_state();
    case model::RunOperation::kPlan:
      if (ctx.run.changes.has_changes) return model::WorkspaceStatus::kApplyNeeded;
      if (before == model::WorkspaceStatus::kApplyNeeded) return from_state();
      return std::nullopt;
    case model::RunOperation::kDrift:
      if (ctx.run.changes.has_changes) return model::WorkspaceStatus::kDrifted;
      if (before == model::WorkspaceStatus::kDrifted) return from_state();
      return std::nullopt;
  }
  return std::nullopt;
}

void RunExecutor::Finish(Context& ctx, absl::Status status) {
  if (!ctx.credential.empty()) auth_.RevokeRunCredential(ctx.run.id);
  if (status.ok() && ctx.waiting) {
    Save(ctx);
    return;
  }
  const int64_t now = clock_.NowMillis();
  if (!status.ok()) {
    ctx.run.status = model::RunStatus::kFailed;
    ctx.run.message = std::string(status.message());
  } else if (ctx.run.status == model::RunStatus::kRunning) {
    ctx.run.status = model::RunStatus::kSucceeded;
  }
  for (model::RunStep& step : ctx.run.steps) {
    if (step.status == model::StepStatus::kPending) step.status = model::StepStatus::kSkipped;
    if (step.status == model::StepStatus::kRunning) {
      step.status = model::StepStatus::kFailed;
      step.finished = now;
    }
  }
  ctx.run.finished = now;
  storage::RunOutcome outcome{.run = ctx.run};
  if (ctx.run.status == model::RunStatus::kSucceeded) {
    outcome.workspace_status = SuccessStatus(ctx);
    if (ctx.run.operation == model::RunOperation::kDrift && ctx.run.changes.has_changes) {
      outcome.run.message = "drift found: the real infrastructure differs from the state";
    }
  } else {
    absl::StatusOr<model::Workspace> ws = store_.GetWorkspace(ctx.run.workspace);
    std::string why;
    outcome.workspace_status =
        model::StatusAfterFailure(ctx.run, ws.ok() ? ws->state_checksum : "", &why);
    outcome.run.message = Cat(ctx.run.message, ". ", why);
  }
  if (ctx.log != nullptr) {
    ctx.log->Note(Cat("[terrane] run ", model::ToString(outcome.run.status),
                               outcome.run.message.empty() ? "" : ": ", outcome.run.message));
  }
  absl::Status saved = store_.FinishRun(outcome);
  if (!saved.ok()) {
    TERRANE_LOG(warn, "runner", "run_id={} could not be finished: {}", ctx.run.id,
                saved.ToString());
  }
  std::error_code ec;
  if (!ctx.dir.empty()) fs::remove_all(ctx.dir, ec);
  hub_.Notify();
}

}  // namespace terrane::runner
