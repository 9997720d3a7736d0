// Runs one Store method as one SQLite transaction on a pooled connection.
#pragma once

#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "common/status_macros.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/sqlite/internal/connection_pool.h"

namespace terrane::storage::sqlite::internal {

enum class TxnMode {
  // BEGIN (deferred): a consistent snapshot for multi-statement reads; never blocks writers.
  kRead,
  // BEGIN IMMEDIATE: takes the write lock up front, so check-then-write sequences are
  // serialised and never fail half way with SQLITE_BUSY on lock upgrade.
  kWrite,
};

// Runs one statement through the connection's statement cache (BEGIN and COMMIT run on every
// Store call; parsing them each time showed in profiles).
inline absl::Status RunCached(Connection& conn, const char* sql) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, sql));
  return stmt.Run();
}

// Calls `fn(Connection&)`, which returns absl::Status or absl::StatusOr<T>, inside a
// transaction. Commits when it returns OK; otherwise rolls back and returns its error
// unchanged (payloads included). All or nothing.
template <typename Fn>
std::invoke_result_t<Fn, Connection&> RunTransaction(ConnectionPool& pool, TxnMode mode, Fn&& fn) {
  TERRANE_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool.Acquire());
  Connection& conn = lease.conn();
  TERRANE_RETURN_IF_ERROR(RunCached(conn, mode == TxnMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  std::invoke_result_t<Fn, Connection&> result = std::forward<Fn>(fn)(conn);
  if (!result.ok()) {
    conn.RollbackIfOpen();
    return result;
  }
  absl::Status commit = RunCached(conn, "COMMIT");
  if (!commit.ok()) {
    conn.RollbackIfOpen();
    return commit;
  }
  return result;
}

// Calls `fn(Connection&)` on a pooled connection without BEGIN/COMMIT. Only for a function that
// runs exactly one statement: SQLite runs it as its own transaction, reading one snapshot, and
// saves the two round trips of an explicit transaction (and its separate read-lock handling).
template <typename Fn>
std::invoke_result_t<Fn, Connection&> RunSingleStatement(ConnectionPool& pool, Fn&& fn) {
  TERRANE_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool.Acquire());
  return std::forward<Fn>(fn)(lease.conn());
}

}  // namespace terrane::storage::sqlite::internal
