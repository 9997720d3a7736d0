#include "storage/sqlite/internal/locks.h"

#include <string_view>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/columns.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// Who holds the lock, as far as a conflicting client may be told.
std::string_view HolderName(const model::Lock& lock) {
  if (!lock.display_name.empty()) return lock.display_name;
  if (!lock.principal_id.empty()) return lock.principal_id;
  return "another client";
}

absl::Status InsertLock(Connection& conn, int64_t workspace_id, const model::Lock& lock) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO locks(workspace_id, lock_id, origin, info_json, operation, reason,
                        principal_id, principal_type, display_name, created)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, workspace_id)
      .Bind(2, lock.id)
      .Bind(3, model::ToString(lock.origin))
      .Bind(4, lock.info_json)
      .Bind(5, lock.operation)
      .Bind(6, lock.reason)
      .Bind(7, lock.principal_id)
      .Bind(8, lock.principal_type)
      .Bind(9, lock.display_name)
      .Bind(10, lock.created)
      .Run();
}

}  // namespace

absl::StatusOr<std::optional<model::Lock>> LockFromRow(const Statement& stmt, int first) {
  if (stmt.IsNull(first)) return std::optional<model::Lock>();
  model::Lock lock;
  lock.id = stmt.Text(first);
  TERRANE_ASSIGN_OR_RETURN(lock.origin, OriginFromColumn(stmt.Text(first + 1)));
  lock.info_json = stmt.Text(first + 2);
  lock.operation = stmt.Text(first + 3);
  lock.reason = stmt.Text(first + 4);
  lock.principal_id = stmt.Text(first + 5);
  lock.principal_type = stmt.Text(first + 6);
  lock.display_name = stmt.Text(first + 7);
  lock.created = stmt.Int(first + 8);
  return std::optional<model::Lock>(std::move(lock));
}

absl::StatusOr<std::optional<model::Lock>> LoadLock(Connection& conn, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT lock_id, origin, info_json, operation, reason, principal_id, principal_type,
             display_name, created
      FROM locks WHERE workspace_id = ?)sql"));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, workspace_id).Step());
  if (!row) return std::optional<model::Lock>();
  return LockFromRow(stmt, 0);
}

std::string DescribeLock(const model::Lock& lock) {
  std::string out = Cat(model::ToString(lock.origin), " lock ", lock.id);
  if (!lock.display_name.empty()) out += Cat(" held by ", lock.display_name);
  if (!lock.reason.empty()) out += Cat(", reason: ", lock.reason);
  return out;
}

absl::StatusOr<model::Lock> AcquireLock(Connection& conn, const model::WorkspaceKey& key,
                                        const model::Lock& lock) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> held, LoadLock(conn, workspace_id));
  if (held) {
    // terraform retries LOCK after a lost response: the same id means it already holds it.
    if (held->id == lock.id) return *std::move(held);
    return model::LockedError(*held, Cat("workspace '", key.identifier, "' is already locked by ",
                                         HolderName(*held), " (", DescribeLock(*held), ")"));
  }
  TERRANE_RETURN_IF_ERROR(InsertLock(conn, workspace_id, lock));
  return lock;
}

absl::Status DeleteLock(Connection& conn, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "DELETE FROM locks WHERE workspace_id = ?"));
  return stmt.Bind(1, workspace_id).Run();
}

absl::StatusOr<std::optional<model::Lock>> ReleaseLock(Connection& conn,
                                                       const model::WorkspaceKey& key,
                                                       const std::optional<std::string>& lock_id) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> held, LoadLock(conn, workspace_id));
  if (!held) return held;
  if (lock_id && *lock_id != held->id) {
    return model::LockedError(
        *held, Cat("workspace '", key.identifier, "' is locked by ", HolderName(*held), " (",
                   DescribeLock(*held), "), not by lock ", *lock_id));
  }
  if (held->origin == model::LockOrigin::kRun) {
    TERRANE_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(conn, "SELECT status FROM runs WHERE id = ? AND workspace_id = ? AND "
                                 "status IN ('queued', 'running', 'waiting_approval')"));
    stmt.Bind(1, held->id).Bind(2, workspace_id);
    TERRANE_ASSIGN_OR_RETURN(bool unfinished, stmt.Step());
    if (unfinished) {
      return absl::FailedPreconditionError(
          Cat("workspace '", key.identifier, "' is locked by run ", held->id, " (",
              stmt.Text(0), "): the lock is released when the run ends; cancel the run (POST "
              ".../runs/", held->id, "/cancel) instead of unlocking"));
    }
  }
  TERRANE_RETURN_IF_ERROR(DeleteLock(conn, workspace_id));
  return held;
}

}  // namespace terrane::storage::sqlite::internal
