#include "storage/sqlite/internal/change_watch.h"

#include "common/status_macros.h"

namespace terrane::storage::sqlite::internal {

absl::StatusOr<std::unique_ptr<ChangeWatch>> ChangeWatch::Open(const std::string& path,
                                                               int busy_timeout_ms) {
  TERRANE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                           Connection::Open(path, busy_timeout_ms));
  return std::unique_ptr<ChangeWatch>(new ChangeWatch(std::move(conn)));
}

absl::StatusOr<uint64_t> ChangeWatch::Current() {
  absl::MutexLock lock(&mu_);
  // Outside a transaction the pragma starts a read transaction of its own, which is when SQLite
  // looks at the WAL index for commits by other connections.
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(*conn_, "PRAGMA data_version"));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("sqlite: PRAGMA data_version returned no row");
  return static_cast<uint64_t>(stmt.Int(0));
}

}  // namespace terrane::storage::sqlite::internal
