// Runs, their logs and artifacts. Each function runs inside the caller's transaction; the
// semantics are those of the matching storage::Store methods.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/run.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/store.h"

namespace terrane::storage::sqlite::internal {

absl::Status CreateRun(Connection& conn, const model::Run& run);
absl::StatusOr<model::Run> GetRun(Connection& conn, const model::WorkspaceKey& key,
                                  std::string_view run_id);
absl::StatusOr<std::vector<model::Run>> ListRuns(Connection& conn, const model::WorkspaceKey& key,
                                                 int limit, int page, int64_t* total);
absl::StatusOr<std::optional<model::Run>> ClaimNextRun(Connection& conn, int64_t now);
absl::Status SaveRun(Connection& conn, const model::Run& run);
absl::Status FinishRun(Connection& conn, const RunOutcome& outcome);
absl::StatusOr<std::vector<model::Run>> FailInFlightRuns(Connection& conn,
                                                         std::string_view reason, int64_t now);

absl::StatusOr<std::vector<model::Run>> ListRunsInStatus(Connection& conn,
                                                         model::RunStatus status, int limit);
absl::Status AppendRunLog(Connection& conn, std::string_view run_id, std::string_view bytes);
absl::StatusOr<std::string> ReadRunLog(Connection& conn, std::string_view run_id, int64_t offset,
                                       int64_t max_bytes);
absl::Status PutRunArtifact(Connection& conn, std::string_view run_id, std::string_view kind,
                            std::string_view bytes);
absl::StatusOr<std::string> GetRunArtifact(Connection& conn, std::string_view run_id,
                                           std::string_view kind);

absl::Status SetWorkspaceStatus(Connection& conn, const model::WorkspaceKey& key,
                                model::WorkspaceStatus status, int64_t now);

// The oldest run of workspace row `workspace_id` that is queued or in flight, if any: such a
// run blocks deleting the workspace.
absl::StatusOr<std::optional<model::Run>> UnfinishedRunOf(Connection& conn, int64_t workspace_id);

// True when the workspace's lock slot is held by a run (state writes then leave the status to
// the run).
absl::StatusOr<bool> LockedByRun(Connection& conn, int64_t workspace_id);

}  // namespace terrane::storage::sqlite::internal
