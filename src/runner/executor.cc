#include "runner/executor.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/serialize.hpp"
#include "common/strings.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace terrane::runner {

namespace fs = std::filesystem;

namespace {

// Every form of every secret value, for masking.
std::vector<std::string> MaskForms(const std::map<std::string, std::string>& values) {
  std::vector<std::string> out;
  for (const auto& [ref, value] : values) {
    std::vector<std::string> forms = SecretForms(value);
    out.insert(out.end(), forms.begin(), forms.end());
  }
  return out;
}

}  // namespace

RunExecutor::RunExecutor(storage::Store& store, Clock& clock, ProcessLauncher& launcher,
                         service::Authenticator& auth, LogHub& hub, SecretResolver secrets,
                         const RunnerOptions& options)
    : store_(store),
      clock_(clock),
      launcher_(launcher),
      auth_(auth),
      hub_(hub),
      secrets_(std::move(secrets)),
      options_(options) {}

std::string RunExecutor::WorkDir(std::string_view run_id) const {
  return Cat(options_.work_root, "/", run_id);
}

void RunExecutor::Execute(model::Run run, const RunControl& control) {
  Context ctx{.run = std::move(run), .control = control};
  absl::Status status = Prepare(ctx);
  if (status.ok()) status = RunSteps(ctx);
  Finish(ctx, std::move(status));
}

absl::Status RunExecutor::Prepare(Context& ctx) {
  const bool resuming = ctx.run.approved;
  TERRANE_ASSIGN_OR_RETURN(ctx.ws, store_.GetWorkspace(ctx.run.workspace));
  std::vector<std::string> refs;
  for (const model::VariableMap* vars :
       {&ctx.ws.spec.terraform_variables, &ctx.ws.spec.environment_variables}) {
    for (const auto& [key, var] : *vars) {
      if (var.value_type == "secret") refs.push_back(var.value);
    }
  }
  std::map<std::string, std::string> resolved;
  absl::Status secret_status = absl::OkStatus();
  if (!refs.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> r = secrets_(ctx.run.workspace, refs);
    if (r.ok()) {
      resolved = *std::move(r);
    } else {
      secret_status = r.status();
    }
  }
  ctx.mask = MaskForms(resolved);
  ctx.log = std::make_unique<RunLog>(store_, hub_, ctx.run.id, ctx.mask, options_.log_cap_bytes);
  if (!resuming) {
    ctx.log->Note(Cat("[terrane] run ", ctx.run.id, ": ",
                               model::ToString(ctx.run.operation), " of workspace ",
                               ctx.run.workspace.identifier, " (", ctx.run.workspace.org, "/",
                               ctx.run.workspace.project, ")"));
  }
  if (!secret_status.ok()) {
    return absl::FailedPreconditionError(
        Cat("a secret variable cannot be resolved: ", secret_status.message()));
  }
  const std::string& name = ctx.ws.spec.provisioner == "opentofu" ? options_.tofu_binary
                                                                   : options_.terraform_binary;
  absl::StatusOr<std::string> binary = FindExecutable(name, options_.path);
  if (!binary.ok()) {
    return absl::FailedPreconditionError(Cat(
        "the provisioner '", ctx.ws.spec.provisioner, "' cannot run: ", binary.status().message(),
        ". Install it on the server, or name it with terrane serve --terraform-binary / "
        "--tofu-binary"));
  }
  ctx.binary = *binary;
  if (!resuming) TERRANE_RETURN_IF_ERROR(CheckVersion(ctx));
  TERRANE_ASSIGN_OR_RETURN(GitSource source, SourceFromSettings(ctx.ws.spec.settings));
  ctx.dir = WorkDir(ctx.run.id);
  ctx.src = ctx.dir + "/src";
  std::error_code ec;
  if (resuming && !fs::is_directory(ctx.src, ec)) {
    return absl::FailedPreconditionError(
        "the approved plan is gone (the run's working directory no longer exists): start a new "
        "run");
  }
  if (resuming) {
    TERRANE_ASSIGN_OR_RETURN(ctx.module_dir, ResolveModuleDir(ctx.src, source.path));
  }
  if (!resuming) {
    fs::remove_all(ctx.dir, ec);
    fs::create_directories(ctx.dir + "/home", ec);
    if (ec) return absl::InternalError(Cat("cannot create ", ctx.dir, ": ", ec.message()));
    fs::permissions(ctx.dir, fs::perms::owner_all, ec);
  }
  // Base environment: nothing of the server's own but the inherited names.
  // TF_DATA_DIR keeps terraform's .terraform directory out of the checkout too.
  ctx.env = {Cat("PATH=", options_.path), Cat("HOME=", ctx.dir, "/home"),
             Cat("TF_DATA_DIR=", ctx.dir, "/terraform-data"),
             "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
             "GIT_TERMINAL_PROMPT=0"};
  for (const std::string& inherited : options_.inherited_env) {
    if (const char* v = std::getenv(inherited.c_str())) {
      ctx.env.push_back(Cat(inherited, "=", v));
    }
  }
  auto value_of = [&resolved](const model::Variable& var) {
    return var.value_type == "secret" ? resolved[var.value] : var.value;
  };
  for (const auto& [key, var] : ctx.ws.spec.environment_variables) {
    ctx.env.push_back(Cat(key, "=", value_of(var)));
  }
  for (const auto& [key, var] : ctx.ws.spec.terraform_variables) {
    ctx.env.push_back(Cat("TF_VAR_", key, "=", value_of(var)));
  }
  if (resuming) {
    // The checkout is there from before the approval; its backend choice is the same.
    ctx.own_backend = DeclaresOwnBackend(ctx.module_dir);
    AddBackendEnv(ctx);
  }
  return absl::OkStatus();
}

absl::Status RunExecutor::RunSteps(Context& ctx) {
  for (size_t i = 0; i < ctx.run.steps.size(); ++i) {
    if (ctx.run.steps[i].status != model::StepStatus::kPending) continue;
    TERRANE_ASSIGN_OR_RETURN(bool go_on, Step(ctx, i));
    if (!go_on) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<CommandResult> RunExecutor::Terraform(Context& ctx, std::vector<std::string> args) {
  ctx.log->Note(Cat("[terrane] $ ", ctx.ws.spec.provisioner, " ", absl::StrJoin(args, " ")));
  ProcessSpec spec{.executable = ctx.binary,
                   .args = std::move(args),
                   .env = ctx.env,
                   .cwd = ctx.module_dir};
  return RunCommand(launcher_, spec, *ctx.log, ctx.control, options_.limits);
}

absl::Status RunExecutor::CheckVersion(Context& ctx) {
  const boost::json::value* wanted = ctx.ws.spec.settings.if_contains("provisioner_version");
  if (wanted == nullptr || !wanted->is_string()) return absl::OkStatus();
  std::string_view want = wanted->get_string();
  if (want.empty() || want == "latest") return absl::OkStatus();
  int code = 0;
  ProcessSpec spec{.executable = ctx.binary,
                   .args = {"version", "-json"},
                   .env = {Cat("PATH=", options_.path), "CHECKPOINT_DISABLE=1"},
                   .cwd = "/"};
  TERRANE_ASSIGN_OR_RETURN(std::string out, CaptureCommand(launcher_, spec, ctx.control,
                                                           options_.limits, &code));
  return CheckProvisionerVersion(want, out, ctx.ws.spec.provisioner);
}

void RunExecutor::Save(Context& ctx) {
  absl::Status status = store_.SaveRun(ctx.run);
  if (!status.ok()) {
    TERRANE_LOG(warn, "runner", "run_id={} save failed: {}", ctx.run.id, status.ToString());
  }
  hub_.Notify();
}

}  // namespace terrane::runner
