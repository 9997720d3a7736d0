#include "storage/sqlite/internal/runs.h"

#include <utility>

#include "common/check.h"
#include "common/status_macros.h"
#include "model/lock.h"
#include "storage/sqlite/internal/columns.h"
#include "storage/sqlite/internal/locks.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// Every run query selects these columns, in this order, from this join.
constexpr std::string_view kRunSelect = R"sql(
    SELECT r.seq, r.id, o.account_id, o.identifier, p.identifier, w.identifier, r.operation,
           r.status, r.approval_required, r.approved, r.targets_json, r.replace_json,
           r.steps_json, r.add_count, r.change_count, r.destroy_count, r.has_changes,
           r.commit_sha, r.message, r.created_by, r.decided_by, r.status_before,
           r.checksum_before, r.created, r.started, r.finished, r.workspace_id
    FROM runs r JOIN workspaces w ON w.id = r.workspace_id
    JOIN projects p ON p.id = w.project_id JOIN orgs o ON o.id = p.org_id )sql";

constexpr int kWorkspaceIdColumn = 26;

absl::StatusOr<model::Run> RunFromRow(const Statement& s) {
  model::Run run;
  run.id = s.Text(1);
  run.workspace = model::WorkspaceKey{
      .account = s.Text(2), .org = s.Text(3), .project = s.Text(4), .identifier = s.Text(5)};
  std::optional<model::RunOperation> op = model::ParseRunOperation(s.Text(6));
  std::optional<model::RunStatus> status = model::ParseRunStatus(s.Text(7));
  if (!op || !status) return absl::InternalError(Cat("run ", run.id, " has a corrupt row"));
  run.operation = *op;
  run.status = *status;
  run.approval_required = s.Int(8) != 0;
  run.approved = s.Int(9) != 0;
  TERRANE_ASSIGN_OR_RETURN(run.targets, model::StringListFromJsonText(s.Text(10)));
  TERRANE_ASSIGN_OR_RETURN(run.replace, model::StringListFromJsonText(s.Text(11)));
  TERRANE_ASSIGN_OR_RETURN(run.steps, model::StepsFromJsonText(s.Text(12)));
  run.changes = model::ChangeCounts{.add = static_cast<int>(s.Int(13)),
                                    .change = static_cast<int>(s.Int(14)),
                                    .destroy = static_cast<int>(s.Int(15)),
                                    .has_changes = s.Int(16) != 0};
  run.commit_sha = s.Text(17);
  run.message = s.Text(18);
  run.created_by = s.Text(19);
  run.decided_by = s.Text(20);
  run.status_before = s.Text(21);
  run.checksum_before = s.Text(22);
  run.created = s.Int(23);
  run.started = s.Int(24);
  run.finished = s.Int(25);
  return run;
}

// Runs the query `kRunSelect + where_and_order` with `bind` applied; collects every row.
template <typename BindFn>
absl::StatusOr<std::vector<model::Run>> QueryRuns(Connection& conn, std::string_view tail,
                                                  BindFn bind, std::vector<int64_t>* ws_ids) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, Cat(kRunSelect, tail)));
  bind(stmt);
  std::vector<model::Run> runs;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    TERRANE_ASSIGN_OR_RETURN(model::Run run, RunFromRow(stmt));
    if (ws_ids != nullptr) ws_ids->push_back(stmt.Int(kWorkspaceIdColumn));
    runs.push_back(std::move(run));
  }
  return runs;
}

absl::StatusOr<int64_t> RunSeq(Connection& conn, std::string_view run_id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "SELECT seq FROM runs WHERE id = ?"));
  stmt.Bind(1, run_id);
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(Cat("run '", run_id, "' not found"));
  return stmt.Int(0);
}

absl::StatusOr<std::string> CurrentChecksum(Connection& conn, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT COALESCE(v.sha256, '') FROM workspaces w
      LEFT JOIN state_versions v ON v.id = w.current_version_id WHERE w.id = ?)sql"));
  stmt.Bind(1, workspace_id);
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError("workspace not found");
  return stmt.Text(0);
}

absl::StatusOr<std::string> StatusColumn(Connection& conn, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "SELECT status FROM workspaces WHERE id = ?"));
  stmt.Bind(1, workspace_id);
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError("workspace not found");
  return stmt.Text(0);
}

absl::Status SetStatusById(Connection& conn, int64_t workspace_id, model::WorkspaceStatus status,
                           int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, "UPDATE workspaces SET status = ?, updated = ? WHERE id = ?"));
  return stmt.Bind(1, model::ToString(status)).Bind(2, now).Bind(3, workspace_id).Run();
}

model::Lock RunLock(const model::Run& run, int64_t now) {
  model::Lock lock{.id = run.id,
                   .origin = model::LockOrigin::kRun,
                   .operation = Cat("run ", model::ToString(run.operation)),
                   .principal_id = run.id,
                   .principal_type = "run",
                   .display_name = run.created_by,
                   .created = now};
  lock.info_json = model::SynthesizeLockInfo(lock);
  return lock;
}

// Marks a run's unfinished steps as ended: the running one `step_status`, pending ones skipped.
void EndSteps(model::Run& run, model::StepStatus step_status, int64_t now) {
  for (model::RunStep& step : run.steps) {
    if (step.status == model::StepStatus::kRunning || step.status == model::StepStatus::kWaiting) {
      step.status = step_status;
      step.finished = now;
    } else if (step.status == model::StepStatus::kPending) {
      step.status = model::StepStatus::kSkipped;
    }
  }
}

// First claim of `run`: take the lock and remember what the run found, or fail the run when
// someone else holds the lock.
absl::Status StartRun(Connection& conn, int64_t workspace_id, model::Run& run, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> lock, LoadLock(conn, workspace_id));
  if (lock.has_value() && lock->id != run.id) {
    run.status = model::RunStatus::kFailed;
    run.message = Cat("the run did not start: the workspace is locked (", DescribeLock(*lock),
                      "). Unlock it (POST .../actions/force-unlock), then start the run again");
    run.finished = now;
    EndSteps(run, model::StepStatus::kSkipped, now);
    return absl::OkStatus();
  }
  if (!lock.has_value()) {
    TERRANE_RETURN_IF_ERROR(AcquireLock(conn, run.workspace, RunLock(run, now)).status());
  }
  TERRANE_ASSIGN_OR_RETURN(run.status_before, StatusColumn(conn, workspace_id));
  TERRANE_ASSIGN_OR_RETURN(run.checksum_before, CurrentChecksum(conn, workspace_id));
  run.started = now;
  if (run.operation == model::RunOperation::kProvision) {
    TERRANE_RETURN_IF_ERROR(
        SetStatusById(conn, workspace_id, model::WorkspaceStatus::kProvisioning, now));
  } else if (run.operation == model::RunOperation::kDestroy) {
    TERRANE_RETURN_IF_ERROR(
        SetStatusById(conn, workspace_id, model::WorkspaceStatus::kDestroying, now));
  }
  return absl::OkStatus();
}

// An approved run resumes only while it still holds the workspace lock taken at its start (a
// server restart in between ends the run instead). Otherwise the run fails without applying.
absl::Status ResumeRun(Connection& conn, int64_t workspace_id, model::Run& run, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> lock, LoadLock(conn, workspace_id));
  if (lock.has_value() && lock->id == run.id) return absl::OkStatus();
  run.status = model::RunStatus::kFailed;
  run.message = Cat("the approved plan was not applied: the run no longer holds the workspace "
                    "lock (",
                    lock.has_value() ? DescribeLock(*lock) : std::string("it was released"),
                    "). Start a new run");
  run.finished = now;
  EndSteps(run, model::StepStatus::kSkipped, now);
  TERRANE_ASSIGN_OR_RETURN(std::string checksum, CurrentChecksum(conn, workspace_id));
  std::string why;
  std::optional<model::WorkspaceStatus> status = model::StatusAfterFailure(run, checksum, &why);
  run.message = Cat(run.message, "; ", why);
  if (status.has_value()) TERRANE_RETURN_IF_ERROR(SetStatusById(conn, workspace_id, *status, now));
  return absl::OkStatus();
}

}  // namespace

absl::Status CreateRun(Connection& conn, const model::Run& run) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, run.workspace));
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> lock, LoadLock(conn, workspace_id));
  if (lock.has_value() && lock->origin != model::LockOrigin::kRun) {
    return model::LockedError(
        *lock, Cat("workspace '", run.workspace.identifier, "' is locked (", DescribeLock(*lock),
                   "): a run cannot start until it is unlocked (POST .../actions/force-unlock)"));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO runs(id, workspace_id, operation, status, approval_required, targets_json,
                       replace_json, steps_json, created_by, created)
      VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, run.id)
      .Bind(2, workspace_id)
      .Bind(3, model::ToString(run.operation))
      .Bind(4, int64_t{run.approval_required})
      .Bind(5, model::StringListToJsonText(run.targets))
      .Bind(6, model::StringListToJsonText(run.replace))
      .Bind(7, model::StepsToJsonText(run.steps))
      .Bind(8, run.created_by)
      .Bind(9, run.created)
      .Run();
}

absl::StatusOr<model::Run> GetRun(Connection& conn, const model::WorkspaceKey& key,
                                  std::string_view run_id) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(
      std::vector<model::Run> runs,
      QueryRuns(conn, "WHERE r.id = ? AND r.workspace_id = ?",
                [&](Statement& s) { s.Bind(1, run_id).Bind(2, workspace_id); }, nullptr));
  if (runs.empty()) {
    return absl::NotFoundError(
        Cat("run '", run_id, "' not found in workspace '", key.identifier, "'"));
  }
  return std::move(runs.front());
}

absl::StatusOr<std::vector<model::Run>> ListRuns(Connection& conn, const model::WorkspaceKey& key,
                                                 int limit, int page, int64_t* total) {
  bool project_wide = key.identifier.empty();
  int64_t scope_id = 0;
  if (project_wide) {
    TERRANE_ASSIGN_OR_RETURN(scope_id, ResolveProject(conn, key.account, key.org, key.project));
  } else {
    TERRANE_ASSIGN_OR_RETURN(scope_id, ResolveWorkspace(conn, key));
  }
  std::string_view where = project_wide ? "WHERE w.project_id = ?" : "WHERE r.workspace_id = ?";
  TERRANE_ASSIGN_OR_RETURN(
      Statement count,
      Statement::Prepare(conn, Cat("SELECT COUNT(*) FROM runs r JOIN workspaces w ON "
                                   "w.id = r.workspace_id ",
                                   where)));
  TERRANE_ASSIGN_OR_RETURN(*total, count.Bind(1, scope_id).QueryInt());
  return QueryRuns(
      conn, Cat(where, " ORDER BY r.seq DESC LIMIT ? OFFSET ?"),
      [&](Statement& s) {
        s.Bind(1, scope_id).Bind(2, int64_t{limit}).Bind(3, int64_t{limit} * (page - 1));
      },
      nullptr);
}

absl::StatusOr<std::optional<model::Run>> ClaimNextRun(Connection& conn, int64_t now) {
  std::vector<int64_t> ws_ids;
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Run> runs, QueryRuns(conn, R"sql(
      WHERE r.status = 'queued' AND NOT EXISTS (
        SELECT 1 FROM runs o WHERE o.workspace_id = r.workspace_id AND o.seq < r.seq
          AND o.status IN ('queued', 'running', 'waiting_approval'))
      ORDER BY r.seq LIMIT 1)sql",
                                                           [](Statement&) {}, &ws_ids));
  if (runs.empty()) return std::optional<model::Run>();
  model::Run run = std::move(runs.front());
  run.status = model::RunStatus::kRunning;
  if (run.approved) {
    TERRANE_RETURN_IF_ERROR(ResumeRun(conn, ws_ids.front(), run, now));
  } else {
    TERRANE_RETURN_IF_ERROR(StartRun(conn, ws_ids.front(), run, now));
  }
  TERRANE_RETURN_IF_ERROR(SaveRun(conn, run));
  return std::optional<model::Run>(std::move(run));
}

absl::Status SaveRun(Connection& conn, const model::Run& run) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      UPDATE runs SET status = ?, approved = ?, steps_json = ?, add_count = ?, change_count = ?,
                      destroy_count = ?, has_changes = ?, commit_sha = ?, message = ?,
                      decided_by = ?, status_before = ?, checksum_before = ?, started = ?,
                      finished = ?
      WHERE id = ?)sql"));
  TERRANE_RETURN_IF_ERROR(stmt.Bind(1, model::ToString(run.status))
                              .Bind(2, int64_t{run.approved})
                              .Bind(3, model::StepsToJsonText(run.steps))
                              .Bind(4, int64_t{run.changes.add})
                              .Bind(5, int64_t{run.changes.change})
                              .Bind(6, int64_t{run.changes.destroy})
                              .Bind(7, int64_t{run.changes.has_changes})
                              .Bind(8, run.commit_sha)
                              .Bind(9, run.message)
                              .Bind(10, run.decided_by)
                              .Bind(11, run.status_before)
                              .Bind(12, run.checksum_before)
                              .Bind(13, run.started)
                              .Bind(14, run.finished)
                              .Bind(15, run.id)
                              .Run());
  if (sqlite3_changes(conn.handle()) == 0) {
    return absl::NotFoundError(Cat("run '", run.id, "' no longer exists"));
  }
  return absl::OkStatus();
}

absl::Status FinishRun(Connection& conn, const RunOutcome& outcome) {
  TERRANE_CHECK(model::IsFinal(outcome.run.status));
  TERRANE_RETURN_IF_ERROR(SaveRun(conn, outcome.run));
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, outcome.run.workspace));
  if (outcome.workspace_status.has_value()) {
    TERRANE_RETURN_IF_ERROR(
        SetStatusById(conn, workspace_id, *outcome.workspace_status, outcome.run.finished));
  }
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> lock, LoadLock(conn, workspace_id));
  if (lock.has_value() && lock->origin == model::LockOrigin::kRun && lock->id == outcome.run.id) {
    TERRANE_RETURN_IF_ERROR(DeleteLock(conn, workspace_id));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<model::Run>> FailInFlightRuns(Connection& conn,
                                                         std::string_view reason, int64_t now) {
  std::vector<int64_t> ws_ids;
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Run> runs, QueryRuns(conn, R"sql(
      WHERE r.status IN ('running', 'waiting_approval') OR (r.status = 'queued' AND r.approved)
      ORDER BY r.seq)sql",
                                                           [](Statement&) {}, &ws_ids));
  for (size_t i = 0; i < runs.size(); ++i) {
    model::Run& run = runs[i];
    TERRANE_ASSIGN_OR_RETURN(std::string checksum, CurrentChecksum(conn, ws_ids[i]));
    std::string why;
    std::optional<model::WorkspaceStatus> status = model::StatusAfterFailure(run, checksum, &why);
    run.status = model::RunStatus::kFailed;
    run.finished = now;
    run.message = Cat(reason, "; ", why);
    EndSteps(run, model::StepStatus::kFailed, now);
    TERRANE_RETURN_IF_ERROR(FinishRun(conn, RunOutcome{.run = run, .workspace_status = status}));
  }
  return runs;
}

absl::StatusOr<std::vector<model::Run>> ListRunsInStatus(Connection& conn,
                                                         model::RunStatus status, int limit) {
  return QueryRuns(
      conn, "WHERE r.status = ? ORDER BY r.seq LIMIT ?",
      [&](Statement& s) { s.Bind(1, model::ToString(status)).Bind(2, int64_t{limit}); }, nullptr);
}

absl::Status AppendRunLog(Connection& conn, std::string_view run_id, std::string_view bytes) {
  if (bytes.empty()) return absl::OkStatus();
  TERRANE_ASSIGN_OR_RETURN(int64_t seq, RunSeq(conn, run_id));
  TERRANE_ASSIGN_OR_RETURN(Statement size,
                           Statement::Prepare(conn, "SELECT log_size FROM runs WHERE seq = ?"));
  TERRANE_ASSIGN_OR_RETURN(int64_t offset, size.Bind(1, seq).QueryInt());
  TERRANE_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(conn, "INSERT INTO run_logs(run_seq, offset, bytes) VALUES (?, ?, ?)"));
  TERRANE_RETURN_IF_ERROR(insert.Bind(1, seq).Bind(2, offset).BindBlobNoCopy(3, bytes).Run());
  TERRANE_ASSIGN_OR_RETURN(
      Statement grow,
      Statement::Prepare(conn, "UPDATE runs SET log_size = log_size + ? WHERE seq = ?"));
  return grow.Bind(1, static_cast<int64_t>(bytes.size())).Bind(2, seq).Run();
}

absl::StatusOr<std::string> ReadRunLog(Connection& conn, std::string_view run_id, int64_t offset,
                                       int64_t max_bytes) {
  TERRANE_ASSIGN_OR_RETURN(int64_t seq, RunSeq(conn, run_id));
  // Chunks from the one holding `offset` on, in order.
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT offset, bytes FROM run_logs WHERE run_seq = ?1 AND offset >= COALESCE(
        (SELECT MAX(offset) FROM run_logs WHERE run_seq = ?1 AND offset <= ?2), 0)
      ORDER BY offset)sql"));
  stmt.Bind(1, seq).Bind(2, offset);
  std::string out;
  while (static_cast<int64_t>(out.size()) < max_bytes) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    int64_t start = stmt.Int(0);
    std::string bytes = stmt.Text(1);
    size_t skip = offset > start ? static_cast<size_t>(offset - start) : 0;
    if (skip >= bytes.size()) continue;
    out.append(bytes, skip);
  }
  if (static_cast<int64_t>(out.size()) > max_bytes) out.resize(static_cast<size_t>(max_bytes));
  return out;
}

absl::Status PutRunArtifact(Connection& conn, std::string_view run_id, std::string_view kind,
                            std::string_view bytes) {
  TERRANE_ASSIGN_OR_RETURN(int64_t seq, RunSeq(conn, run_id));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO run_artifacts(run_seq, kind, bytes) VALUES (?, ?, ?)
      ON CONFLICT (run_seq, kind) DO UPDATE SET bytes = excluded.bytes)sql"));
  return stmt.Bind(1, seq).Bind(2, kind).BindBlobNoCopy(3, bytes).Run();
}

absl::StatusOr<std::string> GetRunArtifact(Connection& conn, std::string_view run_id,
                                           std::string_view kind) {
  TERRANE_ASSIGN_OR_RETURN(int64_t seq, RunSeq(conn, run_id));
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, "SELECT bytes FROM run_artifacts WHERE run_seq = ? AND kind = ?"));
  stmt.Bind(1, seq).Bind(2, kind);
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(Cat("run '", run_id, "' has no ", kind, " artifact"));
  return stmt.Text(0);
}

absl::Status SetWorkspaceStatus(Connection& conn, const model::WorkspaceKey& key,
                                model::WorkspaceStatus status, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  return SetStatusById(conn, workspace_id, status, now);
}

absl::StatusOr<std::optional<model::Run>> UnfinishedRunOf(Connection& conn, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(
      std::vector<model::Run> runs,
      QueryRuns(conn,
                "WHERE r.workspace_id = ? AND r.status IN ('queued', 'running', "
                "'waiting_approval') ORDER BY r.seq LIMIT 1",
                [&](Statement& s) { s.Bind(1, workspace_id); }, nullptr));
  if (runs.empty()) return std::optional<model::Run>();
  return std::optional<model::Run>(std::move(runs.front()));
}

absl::StatusOr<bool> LockedByRun(Connection& conn, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> lock, LoadLock(conn, workspace_id));
  return lock.has_value() && lock->origin == model::LockOrigin::kRun;
}

}  // namespace terrane::storage::sqlite::internal
