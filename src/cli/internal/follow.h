// Following a run from a terminal or a script: its live log, a progress line per step (on a
// terminal), the plan summary and the approval question, Ctrl-C asking whether to cancel, and
// the exit code that reflects how the run ended.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "cli/internal/command.h"

namespace terrane::cli::internal {

enum class Approval {
  kAsk,    // ask on the terminal; fail without one
  kAuto,   // approve (--auto-approve)
  kLeave,  // stop following and say how to decide (run logs --follow)
};

// Follows run `run_id` of workspace `ws` until it ends (or waits for approval under kLeave).
// Returns kExitOk when it succeeded, kExitRunFailed when it failed, kExitRunStopped when it was
// cancelled or rejected.
absl::StatusOr<int> FollowRun(Context& ctx, const std::string& ws, const std::string& run_id,
                              Approval approval);

// The exit code for a run's final status.
int ExitCodeFor(std::string_view run_status);

// "2 to add, 0 to change, 0 to destroy" from a run's resource_changes.
std::string ChangeSummary(const boost::json::value& run);

}  // namespace terrane::cli::internal
