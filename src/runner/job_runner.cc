#include "runner/job_runner.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "common/log.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "runner/commands.h"

namespace terrane::runner {
namespace {

// Idle workers look at the store this often even without a wake-up, so runs queued by another
// server sharing the database are picked up too.
constexpr absl::Duration kIdlePoll = absl::Seconds(2);
constexpr int64_t kSweepIntervalMs = 10'000;
// Waiting runs looked at per sweep.
constexpr int kSweepBatch = 100;

}  // namespace

JobRunner::JobRunner(storage::Store& store, Clock& clock, RunExecutor& executor, LogHub& hub,
                     const RunnerOptions& options)
    : store_(store), clock_(clock), executor_(executor), hub_(hub), options_(options) {}

JobRunner::~JobRunner() { Stop(); }

absl::Status JobRunner::Start() {
  TERRANE_ASSIGN_OR_RETURN(
      std::vector<model::Run> ended,
      store_.FailInFlightRuns("the server stopped while the run was in progress", clock_.NowMillis()));
  for (const model::Run& run : ended) {
    TERRANE_LOG(warn, "runner", "run_id={} was in flight at start-up and is marked failed", run.id);
    std::error_code ec;
    std::filesystem::remove_all(executor_.WorkDir(run.id), ec);
  }
  std::error_code ec;
  std::filesystem::create_directories(options_.work_root, ec);
  if (ec) {
    return absl::InternalError(
        Cat("cannot create the runs directory ", options_.work_root, ": ", ec.message()));
  }
  std::filesystem::permissions(options_.work_root, std::filesystem::perms::owner_all, ec);
  for (int i = 0; i < options_.max_concurrent; ++i) workers_.emplace_back([this] { Work(); });
  return absl::OkStatus();
}

void JobRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (auto& [id, control] : executing_) control->cancel = true;
  }
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void JobRunner::Work() {
  uint64_t seen = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    absl::StatusOr<std::optional<model::Run>> claimed = store_.ClaimNextRun(clock_.NowMillis());
    if (!claimed.ok()) {
      TERRANE_LOG(error, "runner", "claiming a run failed: {}", claimed.status().ToString());
    }
    if (!claimed.ok() || !claimed->has_value()) {
      ExpireApprovals();
      absl::MutexLock lock(&mu_);
      auto woken = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || wakeups_ != seen;
      };
      mu_.AwaitWithTimeout(absl::Condition(&woken), kIdlePoll);
      continue;
    }
    model::Run run = **std::move(claimed);
    hub_.Notify();
    if (model::IsFinal(run.status)) {
      // Refused at claim (locked by someone else); an approved run's plan is discarded too.
      std::error_code ec;
      std::filesystem::remove_all(executor_.WorkDir(run.id), ec);
      absl::Status noted = store_.AppendRunLog(
          run.id, Cat("[terrane] run ", model::ToString(run.status), ": ", run.message, "\n"));
      if (!noted.ok()) {
        TERRANE_LOG(warn, "runner", "run_id={} log append failed: {}", run.id, noted.ToString());
      }
      hub_.Notify();
      continue;
    }
    auto control = std::make_shared<RunControl>();
    {
      absl::MutexLock lock(&mu_);
      if (stopping_ || pending_cancels_.erase(run.id) > 0) control->cancel = true;
      executing_[run.id] = control;
    }
    TERRANE_LOG(info, "runner", "run_id={} operation={} started", run.id,
                model::ToString(run.operation));
    std::string id = run.id;
    executor_.Execute(std::move(run), *control);
    absl::MutexLock lock(&mu_);
    executing_.erase(id);
    ++wakeups_;  // the workspace's next run may start now
  }
}

void JobRunner::ExpireApprovals() {
  const int64_t now = clock_.NowMillis();
  {
    absl::MutexLock lock(&mu_);
    if (now < next_sweep_) return;
    next_sweep_ = now + kSweepIntervalMs;
  }
  absl::StatusOr<std::vector<model::Run>> waiting =
      store_.ListRunsInStatus(model::RunStatus::kWaitingApproval, kSweepBatch);
  if (!waiting.ok()) return;
  const int64_t limit_ms = static_cast<int64_t>(options_.approval_timeout.count()) * 1000;
  for (model::Run& run : *waiting) {
    int64_t since = 0;
    for (const model::RunStep& step : run.steps) {
      if (step.name == "approval") since = step.started;
    }
    if (since == 0 || now - since < limit_ms) continue;
    std::string id = run.id;
    absl::StatusOr<model::Run> ended =
        EndIdle(std::move(run), model::RunStatus::kFailed,
                Cat("nobody approved the run within ", options_.approval_timeout.count() / 60,
                    " minutes"));
    if (!ended.ok()) {
      TERRANE_LOG(warn, "runner", "run_id={} approval expiry failed: {}", id,
                  ended.status().ToString());
    }
  }
}

absl::StatusOr<model::Run> JobRunner::Enqueue(const model::WorkspaceKey& key, model::Run run,
                                              const service::Principal& who) {
  TERRANE_ASSIGN_OR_RETURN(model::Workspace ws, store_.GetWorkspace(key));
  TERRANE_RETURN_IF_ERROR(SourceFromSettings(ws.spec.settings).status());
  run.id = Cat("run-", RandomHex(8));
  run.workspace = key;
  run.status = model::RunStatus::kQueued;
  run.created_by = who.display_name;
  run.created = clock_.NowMillis();
  TERRANE_RETURN_IF_ERROR(store_.CreateRun(run));
  {
    absl::MutexLock lock(&mu_);
    ++wakeups_;
  }
  hub_.Notify();
  return store_.GetRun(key, run.id);
}

absl::StatusOr<model::Run> JobRunner::Decide(const model::WorkspaceKey& key,
                                             std::string_view run_id, bool approve,
                                             const service::Principal& who) {
  TERRANE_ASSIGN_OR_RETURN(model::Run run, store_.GetRun(key, run_id));
  if (run.status != model::RunStatus::kWaitingApproval) {
    return absl::FailedPreconditionError(
        Cat("run ", run.id, " is ", model::ToString(run.status),
                     ", not waiting_approval: only a run waiting for approval can be ",
                     approve ? "approved" : "rejected"));
  }
  run.decided_by = who.display_name;
  for (model::RunStep& step : run.steps) {
    if (step.name != "approval") continue;
    step.status = approve ? model::StepStatus::kSucceeded : model::StepStatus::kFailed;
    step.finished = clock_.NowMillis();
  }
  if (!approve) {
    return EndIdle(std::move(run), model::RunStatus::kRejected,
                   Cat("rejected by ", who.display_name));
  }
  run.approved = true;
  run.status = model::RunStatus::kQueued;
  run.message = Cat("approved by ", who.display_name);
  TERRANE_RETURN_IF_ERROR(store_.SaveRun(run));
  {
    absl::MutexLock lock(&mu_);
    ++wakeups_;
  }
  hub_.Notify();
  return run;
}

absl::StatusOr<model::Run> JobRunner::Cancel(const model::WorkspaceKey& key,
                                             std::string_view run_id,
                                             const service::Principal& who) {
  TERRANE_ASSIGN_OR_RETURN(model::Run run, store_.GetRun(key, run_id));
  if (model::IsFinal(run.status)) {
    return absl::FailedPreconditionError(Cat(
        "run ", run.id, " has already ended (", model::ToString(run.status), "): nothing to cancel"));
  }
  {
    absl::MutexLock lock(&mu_);
    auto it = executing_.find(run.id);
    if (it != executing_.end()) {
      // The executing worker interrupts terraform and records the outcome.
      it->second->cancel = true;
      return run;
    }
    if (run.status == model::RunStatus::kRunning) {
      // Claimed a moment ago by a worker that has not registered it yet.
      pending_cancels_.insert(run.id);
      return run;
    }
  }
  return EndIdle(std::move(run), model::RunStatus::kCancelled,
                 Cat("cancelled by ", who.display_name));
}

absl::StatusOr<model::Run> JobRunner::EndIdle(model::Run run, model::RunStatus status,
                                              std::string message) {
  const int64_t now = clock_.NowMillis();
  run.status = status;
  run.finished = now;
  for (model::RunStep& step : run.steps) {
    if (step.status == model::StepStatus::kPending) step.status = model::StepStatus::kSkipped;
    if (step.status == model::StepStatus::kWaiting) {
      step.status = model::StepStatus::kCancelled;
      step.finished = now;
    }
  }
  storage::RunOutcome outcome{.run = run};
  // A queued run that never started changed nothing and holds no lock.
  if (!run.status_before.empty()) {
    TERRANE_ASSIGN_OR_RETURN(model::Workspace ws, store_.GetWorkspace(run.workspace));
    std::string why;
    outcome.workspace_status = model::StatusAfterFailure(run, ws.state_checksum, &why);
    message = Cat(message, ". ", why);
  }
  outcome.run.message = message;
  TERRANE_RETURN_IF_ERROR(store_.FinishRun(outcome));
  std::error_code ec;
  std::filesystem::remove_all(executor_.WorkDir(run.id), ec);
  TERRANE_RETURN_IF_ERROR(store_.AppendRunLog(
      run.id, Cat("[terrane] run ", model::ToString(status), ": ", message, "\n")));
  hub_.Notify();
  return outcome.run;
}

}  // namespace terrane::runner
