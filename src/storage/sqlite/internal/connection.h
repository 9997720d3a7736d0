// Thin RAII wrappers over the SQLite C API: one connection and one prepared statement.
// A Connection is used by one thread at a time (the pool hands it out); it is not thread-safe.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace terrane::storage::sqlite::internal {

// Converts an SQLite result code into a Status naming `what` failed. SQLITE_BUSY/LOCKED (the
// busy_timeout ran out while another writer held the database) → Unavailable, so the caller
// answers 503 and clients retry; anything else → Internal.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view what);

class Connection {
 public:
  // Opens (creating if absent) the database file and applies the per-connection settings:
  // WAL, synchronous=FULL (a write is durable before we answer), foreign keys, no secure
  // delete, and the busy timeout.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path,
                                                          int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }

  // Runs SQL that returns no rows the caller needs (pragmas, schema, BEGIN/COMMIT).
  absl::Status Exec(const char* sql);

  // Rolls back the open transaction, if any. Used on error paths, where the first error is
  // the one worth reporting.
  void RollbackIfOpen();

 private:
  friend class Statement;
  explicit Connection(sqlite3* db) : db_(db) {}

  // Idle prepared statements of one SQL text.
  using CacheSlot = std::vector<sqlite3_stmt*>;

  // Lets the cache be searched with a string_view, without building a std::string per lookup.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };

  // Prepared statements are kept per SQL text and reused: preparing dominated the cost of small
  // reads such as GET workspace. A statement on loan is absent from its slot, so the same SQL
  // can be in use twice at once. Returns the slot of `sql` (created if needed), or nullptr when
  // the cache is full of other texts; `*stmt` is an idle statement taken from it, or nullptr.
  CacheSlot* TakeCached(std::string_view sql, sqlite3_stmt** stmt);
  // Resets `stmt` and puts it back in `slot`; finalizes it when `slot` is nullptr.
  static void ReturnToCache(CacheSlot* slot, sqlite3_stmt* stmt);

  sqlite3* db_;
  // Node-based: a slot's address stays valid while new texts are added.
  std::unordered_map<std::string, CacheSlot, SqlHash, std::equal_to<>> cache_;
};

// One prepared statement, finalized on destruction. Bind indexes are 1-based, columns 0-based,
// as in SQLite.
class Statement {
 public:
  // Reuses a cached statement for `sql` on this connection, or prepares one; on destruction the
  // statement is reset and returned to the connection's cache.
  static absl::StatusOr<Statement> Prepare(Connection& conn, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Text is copied by SQLite; the argument may be a temporary.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindNull(int index);
  // Binds without a copy: `bytes` must stay alive until the last Step()/Run() of this statement.
  Statement& BindBlobNoCopy(int index, std::string_view bytes);

  // Advances to the next row: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion; for statements that return no rows.
  absl::Status Run();
  // Steps once and expects a single-integer row (COUNT(*), EXISTS, ...).
  absl::StatusOr<int64_t> QueryInt();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  // A BLOB column's bytes (embedded NULs kept); "" for NULL.
  std::string Blob(int column) const;
  bool IsNull(int column) const;

 private:
  Statement(Connection::CacheSlot* slot, sqlite3* db, sqlite3_stmt* stmt)
      : slot_(slot), db_(db), stmt_(stmt) {}
  void NoteBind(int rc);

  Connection::CacheSlot* slot_;  // where the statement goes back; nullptr: not cached
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;  // first failed bind, reported by the next Step()
};

// Reads a BLOB cell straight into a string through SQLite's incremental I/O, so a large state
// body is copied once (pages → string) instead of being materialised by SQLite first.
absl::StatusOr<std::string> ReadBlob(Connection& conn, const char* table, const char* column,
                                     int64_t rowid);

}  // namespace terrane::storage::sqlite::internal
