#include "storage/sqlite/internal/states.h"

#include <string>
#include <utility>

#include "common/check.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "storage/sqlite/internal/locks.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/runs.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

constexpr int kMaxVersionPageSize = 1000;

// Version reads select these columns first; VersionFromRow depends on the order.
constexpr std::string_view kVersionColumns =
    "v.id, v.serial, v.lineage, v.sha256, v.size, v.managed_resources, v.created, v.created_by,"
    " v.rollback_source_id";

model::StateVersion VersionFromRow(const Statement& row) {
  return model::StateVersion{.id = row.Text(0),
                             .serial = row.Int(1),
                             .lineage = row.Text(2),
                             .sha256 = row.Text(3),
                             .size = row.Int(4),
                             .managed_resources = row.Int(5),
                             .created = row.Int(6),
                             .created_by = row.Text(7),
                             .rollback_source_id = row.Text(8)};
}

// A version and the rowid of its body in state_blobs (for incremental blob reads).
struct StoredVersion {
  model::StateVersion version;
  int64_t body_rowid = 0;
};

// The version `version_id` of workspace row `workspace_id`; nullopt when that workspace has no
// such version, even if another workspace does.
absl::StatusOr<std::optional<StoredVersion>> FindVersion(Connection& conn, int64_t workspace_id,
                                                         std::string_view version_id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, Cat("SELECT ", kVersionColumns,
                                                        ", b.rowid"
                                                        " FROM state_versions v"
                                                        " JOIN state_blobs b ON b.version_id = v.id"
                                                        " WHERE v.workspace_id = ? AND v.id = ?")));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, workspace_id).Bind(2, version_id).Step());
  if (!row) return std::optional<StoredVersion>();
  return std::optional<StoredVersion>(
      StoredVersion{.version = VersionFromRow(stmt), .body_rowid = stmt.Int(9)});
}

absl::StatusOr<std::optional<StoredVersion>> FindCurrent(Connection& conn, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, "SELECT current_version_id FROM workspaces WHERE id = ?"));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, workspace_id).Step());
  if (!row || stmt.IsNull(0)) return std::optional<StoredVersion>();
  TERRANE_ASSIGN_OR_RETURN(std::optional<StoredVersion> current,
                           FindVersion(conn, workspace_id, stmt.Text(0)));
  if (!current) return absl::InternalError("the current state version has no stored row");
  return current;
}

absl::Status InsertVersion(Connection& conn, int64_t workspace_id, const model::StateVersion& v) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO state_versions(id, workspace_id, serial, lineage, sha256, size,
                                 managed_resources, created, created_by, rollback_source_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, v.id)
      .Bind(2, workspace_id)
      .Bind(3, v.serial)
      .Bind(4, v.lineage)
      .Bind(5, v.sha256)
      .Bind(6, v.size)
      .Bind(7, v.managed_resources)
      .Bind(8, v.created)
      .Bind(9, v.created_by)
      .Bind(10, v.rollback_source_id)
      .Run();
}

absl::Status InsertBody(Connection& conn, std::string_view version_id, std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, "INSERT INTO state_blobs(version_id, body) VALUES (?, ?)"));
  // `body` outlives Run(): no copy of a possibly huge state into SQLite's bind buffer.
  return stmt.Bind(1, version_id).BindBlobNoCopy(2, body).Run();
}

// Makes `version_id` current; `status` nullopt keeps the workspace's status.
absl::Status SetCurrent(Connection& conn, int64_t workspace_id, std::string_view version_id,
                        std::optional<model::WorkspaceStatus> status, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      UPDATE workspaces SET current_version_id = ?, status = COALESCE(?, status), updated = ?
      WHERE id = ?)sql"));
  stmt.Bind(1, version_id);
  if (status.has_value()) {
    stmt.Bind(2, model::ToString(*status));
  } else {
    stmt.BindNull(2);
  }
  return stmt.Bind(3, now).Bind(4, workspace_id).Run();
}

// The lock rules of a state write (terraform-http-backend.md §10.6).
absl::Status CheckWriteLock(Connection& conn, const model::WorkspaceKey& key, int64_t workspace_id,
                            const std::optional<std::string>& lock_id) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> held, LoadLock(conn, workspace_id));
  if (held) {
    if (lock_id == held->id) return absl::OkStatus();
    std::string carried =
        lock_id ? Cat("this write carries ID ", *lock_id) : "this write carries no ID";
    return model::LockedError(
        *held, Cat("workspace '", key.identifier, "' is locked (", DescribeLock(*held), ") and ",
                   carried, ": a state write while it is locked needs ?ID= of the holder"));
  }
  if (lock_id) {
    return absl::FailedPreconditionError(
        "the state is not locked; the lock ID in this write is stale (was it force-unlocked?)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StateWriteResult> PutState(Connection& conn, const model::WorkspaceKey& key,
                                          const StateWrite& write) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_RETURN_IF_ERROR(CheckWriteLock(conn, key, workspace_id, write.lock_id));
  TERRANE_ASSIGN_OR_RETURN(std::optional<StoredVersion> current, FindCurrent(conn, workspace_id));
  std::optional<model::StateVersion> current_version;
  if (current) current_version = current->version;
  absl::Status check = model::CheckStateWrite(current_version, write.meta, write.sha256);
  if (absl::IsAlreadyExists(check)) {
    TERRANE_CHECK(current_version.has_value());
    return StateWriteResult{.version = *std::move(current_version), .created = false};
  }
  TERRANE_RETURN_IF_ERROR(check);
  model::StateVersion version{.id = RandomUuid(),
                              .serial = write.meta.serial,
                              .lineage = write.meta.lineage,
                              .sha256 = write.sha256,
                              .size = static_cast<int64_t>(write.body.size()),
                              .managed_resources = write.meta.managed_resources,
                              .created = write.now,
                              .created_by = write.created_by,
                              .rollback_source_id = ""};
  TERRANE_RETURN_IF_ERROR(InsertVersion(conn, workspace_id, version));
  TERRANE_RETURN_IF_ERROR(InsertBody(conn, version.id, write.body));
  // Without a run, the state decides the status; a run holding the lock decides it when it ends.
  std::optional<model::WorkspaceStatus> status;
  TERRANE_ASSIGN_OR_RETURN(bool run_locked, LockedByRun(conn, workspace_id));
  if (!run_locked) {
    status = version.managed_resources > 0 ? model::WorkspaceStatus::kActive
                                           : model::WorkspaceStatus::kInactive;
  }
  TERRANE_RETURN_IF_ERROR(SetCurrent(conn, workspace_id, version.id, status, write.now));
  return StateWriteResult{.version = std::move(version), .created = true};
}

absl::StatusOr<std::optional<CurrentState>> GetCurrentState(Connection& conn,
                                                            const model::WorkspaceKey& key) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(std::optional<StoredVersion> current, FindCurrent(conn, workspace_id));
  if (!current) return std::optional<CurrentState>();
  TERRANE_ASSIGN_OR_RETURN(std::string body,
                           ReadBlob(conn, "state_blobs", "body", current->body_rowid));
  return std::optional<CurrentState>(
      CurrentState{.version = std::move(current->version), .body = std::move(body)});
}

absl::StatusOr<std::vector<model::StateVersion>> ListStateVersions(Connection& conn,
                                                                   const model::WorkspaceKey& key,
                                                                   int limit, int page,
                                                                   int64_t* total) {
  if (limit < 1 || limit > kMaxVersionPageSize || page < 1) {
    return absl::InvalidArgumentError(
        Cat("limit must be between 1 and ", kMaxVersionPageSize, " and page 1 or more"));
  }
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  if (total != nullptr) {
    TERRANE_ASSIGN_OR_RETURN(
        Statement count,
        Statement::Prepare(conn, "SELECT COUNT(*) FROM state_versions WHERE workspace_id = ?"));
    TERRANE_ASSIGN_OR_RETURN(*total, count.Bind(1, workspace_id).QueryInt());
  }
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt, Statement::Prepare(conn, Cat("SELECT ", kVersionColumns,
                                                   " FROM state_versions v WHERE v.workspace_id = ?"
                                                   " ORDER BY v.created DESC, v.rowid DESC"
                                                   " LIMIT ? OFFSET ?")));
  stmt.Bind(1, workspace_id).Bind(2, int64_t{limit}).Bind(3, int64_t{page - 1} * limit);
  std::vector<model::StateVersion> versions;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return versions;
    versions.push_back(VersionFromRow(stmt));
  }
}

absl::StatusOr<CurrentState> GetStateVersion(Connection& conn, const model::WorkspaceKey& key,
                                             std::string_view version_id) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(std::optional<StoredVersion> found,
                           FindVersion(conn, workspace_id, version_id));
  if (!found) {
    return absl::NotFoundError(
        Cat("state version '", version_id, "' not found in workspace '", key.identifier, "'"));
  }
  TERRANE_ASSIGN_OR_RETURN(std::string body,
                           ReadBlob(conn, "state_blobs", "body", found->body_rowid));
  return CurrentState{.version = std::move(found->version), .body = std::move(body)};
}

absl::StatusOr<model::StateVersion> RollbackState(Connection& conn, const model::WorkspaceKey& key,
                                                  std::string_view version_id,
                                                  std::string_view created_by, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> held, LoadLock(conn, workspace_id));
  if (held) {
    return model::LockedError(
        *held, Cat("workspace '", key.identifier, "' is locked (", DescribeLock(*held),
                   "): its state cannot be rolled back while a "
                   "lock is held"));
  }
  TERRANE_ASSIGN_OR_RETURN(std::optional<StoredVersion> source,
                           FindVersion(conn, workspace_id, version_id));
  if (!source) {
    return absl::NotFoundError(
        Cat("state version '", version_id, "' not found in workspace '", key.identifier, "'"));
  }
  // The copy keeps serial and lineage, so terraform's next write (serial + 1) passes the
  // serial check, which compares with the current version only.
  model::StateVersion copy = source->version;
  copy.id = RandomUuid();
  copy.created = now;
  copy.created_by = std::string(created_by);
  copy.rollback_source_id = source->version.id;
  TERRANE_RETURN_IF_ERROR(InsertVersion(conn, workspace_id, copy));
  // SQLite copies the body itself (INSERT ... SELECT); it is never read out and bound back.
  TERRANE_ASSIGN_OR_RETURN(Statement body, Statement::Prepare(conn, R"sql(
      INSERT INTO state_blobs(version_id, body)
      SELECT ?, body FROM state_blobs WHERE version_id = ?)sql"));
  TERRANE_RETURN_IF_ERROR(body.Bind(1, copy.id).Bind(2, source->version.id).Run());
  TERRANE_RETURN_IF_ERROR(
      SetCurrent(conn, workspace_id, copy.id, model::WorkspaceStatus::kRollbackApplied, now));
  return copy;
}

}  // namespace terrane::storage::sqlite::internal
