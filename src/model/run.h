// Runs (pipelines) of a workspace: provision, destroy, plan and drift detection, their steps and
// their JSON forms (shared by server and CLI). Value types only; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "model/workspace.h"

namespace terrane::model {

enum class RunOperation { kProvision, kDestroy, kPlan, kDrift };
std::string_view ToString(RunOperation op);
std::optional<RunOperation> ParseRunOperation(std::string_view text);

// queued → running → (waiting_approval → queued → running →) succeeded | failed | cancelled |
// rejected. A run is "in flight" from its first claim until it ends: it holds the workspace lock.
enum class RunStatus { kQueued, kRunning, kWaitingApproval, kSucceeded, kFailed, kCancelled,
                       kRejected };
std::string_view ToString(RunStatus status);
std::optional<RunStatus> ParseRunStatus(std::string_view text);
// succeeded, failed, cancelled or rejected: nothing more will happen to the run.
bool IsFinal(RunStatus status);

enum class StepStatus { kPending, kRunning, kWaiting, kSucceeded, kFailed, kCancelled, kSkipped };
std::string_view ToString(StepStatus status);
std::optional<StepStatus> ParseStepStatus(std::string_view text);

struct RunStep {
  std::string name;  // init, plan, plan-destroy, approval, apply, destroy, detect-drift
  StepStatus status = StepStatus::kPending;
  int64_t started = 0;  // unix ms, 0 = not yet
  int64_t finished = 0;
  std::optional<int> exit_code;
};

// Resource changes a plan proposes (or, for drift, resources that drifted).
struct ChangeCounts {
  int add = 0;
  int change = 0;
  int destroy = 0;
  bool has_changes = false;  // also true for output-only changes
};

struct Run {
  std::string id;  // "run-" + 16 hex
  WorkspaceKey workspace;
  RunOperation operation = RunOperation::kPlan;
  RunStatus status = RunStatus::kQueued;
  bool approval_required = false;
  bool approved = false;  // an approval was given; the apply may run
  std::vector<std::string> targets;
  std::vector<std::string> replace;
  std::vector<RunStep> steps;
  ChangeCounts changes;
  std::string commit_sha;  // the revision checked out, once known
  // Why the run ended as it did, or what it decided about the workspace status.
  std::string message;
  std::string created_by;  // display name of the principal
  std::string decided_by;  // who approved or rejected
  // Workspace status when the run was claimed, and the state checksum then: a failed run whose
  // state did not change restores this status instead of `failed`.
  std::string status_before;
  std::string checksum_before;
  int64_t created = 0;
  int64_t started = 0;
  int64_t finished = 0;
};

// The steps of `op`, all pending, in execution order.
std::vector<RunStep> StepsFor(RunOperation op, bool approval_required);

// Body of POST W/{ws}/runs: {"operation", "approval_required"?, "targets"?, "replace"?}.
// Addresses in targets/replace are non-empty, at most 1024 bytes, do not start with '-' and
// hold no ASCII control character.
// InvalidArgument naming the field. Returns a run with operation, options and steps filled in.
absl::StatusOr<Run> ParseRunCreate(std::string_view body);

boost::json::object RunToJson(const Run& run);
// Persistence helpers: the steps as a JSON array text, and back (InvalidArgument when corrupt).
std::string StepsToJsonText(const std::vector<RunStep>& steps);
absl::StatusOr<std::vector<RunStep>> StepsFromJsonText(std::string_view text);
std::string StringListToJsonText(const std::vector<std::string>& items);
absl::StatusOr<std::vector<std::string>> StringListFromJsonText(std::string_view text);

// Deepest nesting of `terraform show -json` output CountPlanChanges reads. Plans nest module
// calls and attribute values without a limit of their own (a 30-level object in one resource
// input is already 37 levels); this is far past any real configuration while the parsed tree
// is still destroyed well inside a thread's stack.
inline constexpr size_t kMaxPlanJsonDepth = 1000;

// Counts the changes in `terraform show -json PLAN` output. Drift runs (refresh-only plans)
// count `resource_drift`; other plans `resource_changes`; output changes set has_changes.
// InvalidArgument when not plan JSON; any JSON object up to kMaxPlanJsonDepth deep is read.
absl::StatusOr<ChangeCounts> CountPlanChanges(std::string_view plan_json, bool drift);

// The workspace status after `run` failed, was cancelled or was rejected, given the state
// checksum now; nullopt leaves the status as it is (plan and drift runs never change state). A
// provision or destroy that stopped before its apply or destroy step, or left the state as it
// found it, restores the status it found; otherwise the workspace is `failed`. `why` receives the explanation recorded in the run.
std::optional<WorkspaceStatus> StatusAfterFailure(const Run& run, std::string_view checksum_now,
                                                  std::string* why);

}  // namespace terrane::model
