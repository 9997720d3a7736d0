// JobRunner: a fixed number of worker threads that claim queued runs from the store and execute
// them, one run per worker, runs of one workspace strictly in order (the store's claim rule).
// Also the API-facing operations on runs: start, approve, reject, cancel. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "model/run.h"
#include "runner/executor.h"
#include "service/auth.h"
#include "storage/store.h"

namespace terrane::runner {

class JobRunner {
 public:
  JobRunner(storage::Store& store, Clock& clock, RunExecutor& executor, LogHub& hub,
            const RunnerOptions& options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Ends runs left in flight by an earlier server process (they are marked failed and their
  // locks released), then starts the workers.
  absl::Status Start();
  // Cancels the runs executing here and joins the workers.
  void Stop();

  // Queues a run parsed from a request body. Errors of storage::Store::CreateRun, and
  // FailedPrecondition when the workspace has no source to run.
  absl::StatusOr<model::Run> Enqueue(const model::WorkspaceKey& key, model::Run run,
                                     const service::Principal& who);
  // Approves or rejects a run waiting for approval. FailedPrecondition in any other status.
  absl::StatusOr<model::Run> Decide(const model::WorkspaceKey& key, std::string_view run_id,
                                    bool approve, const service::Principal& who);
  // Cancels a queued, waiting or executing run. FailedPrecondition once it has ended.
  absl::StatusOr<model::Run> Cancel(const model::WorkspaceKey& key, std::string_view run_id,
                                    const service::Principal& who);

  LogHub& hub() { return hub_; }

 private:
  void Work();
  // Fails runs that waited for approval longer than the approval timeout. Cheap; called by
  // idle workers at most every kSweepInterval.
  void ExpireApprovals();
  // Ends a run that is not executing (queued or waiting) as `status`.
  absl::StatusOr<model::Run> EndIdle(model::Run run, model::RunStatus status,
                                     std::string message);

  storage::Store& store_;
  Clock& clock_;
  RunExecutor& executor_;
  LogHub& hub_;
  const RunnerOptions& options_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_sweep_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t wakeups_ ABSL_GUARDED_BY(mu_) = 0;
  // Runs executing in this process, by id.
  absl::flat_hash_map<std::string, std::shared_ptr<RunControl>> executing_ ABSL_GUARDED_BY(mu_);
  // Cancels of runs claimed but not yet registered in executing_ (the worker picks them up).
  absl::flat_hash_set<std::string> pending_cancels_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
};

}  // namespace terrane::runner
