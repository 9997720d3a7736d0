#include "storage/sqlite/internal/connection.h"

#include <mutex>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// After a big state write and the checkpoint that follows, the WAL file is truncated back to
// this size instead of keeping its peak size on disk.
constexpr int64_t kJournalSizeLimitBytes = 64 << 20;

// Distinct SQL texts whose prepared statements a connection keeps.
constexpr size_t kMaxCachedStatementTexts = 256;

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = Cat("sqlite: ", what, ": ", detail, " (code ", rc, ")");
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(Cat(message, "; the database is busy, retry later"));
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                             int busy_timeout_ms) {
  // SQLite's allocation statistics take one process-wide mutex on every malloc, which serialised
  // concurrent readers; Terrane never reads those statistics. Must precede sqlite3_initialize.
  static std::once_flag configure;
  std::call_once(configure, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, rc, Cat("open ", path));
    sqlite3_close(db);
    return status;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // Debian builds SQLite with SECURE_DELETE on: it zeroes freed pages, which made deleting a
  // workspace with many state versions 17x slower. Freed pages may keep old bytes until reused;
  // the file holds live state bodies anyway and must be protected as a whole.
  TERRANE_RETURN_IF_ERROR(
      conn->Exec("PRAGMA secure_delete=OFF;"
                 "PRAGMA foreign_keys=ON;"
                 "PRAGMA synchronous=FULL;"));
  TERRANE_RETURN_IF_ERROR(
      conn->Exec(Cat("PRAGMA journal_size_limit=", kJournalSizeLimitBytes).c_str()));
  TERRANE_ASSIGN_OR_RETURN(Statement wal, Statement::Prepare(*conn, "PRAGMA journal_mode=WAL"));
  TERRANE_ASSIGN_OR_RETURN(bool has_row, wal.Step());
  if (!has_row || wal.Text(0) != "wal") {
    return absl::FailedPreconditionError(Cat("sqlite: cannot enable WAL journal mode on ", path,
                                             " (is it on a network file system?)"));
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmts] : cache_) {
    for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db_);
}

Connection::CacheSlot* Connection::TakeCached(std::string_view sql, sqlite3_stmt** stmt) {
  *stmt = nullptr;
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    // Filtered lists build SQL from the request; past the cap, new texts are not kept.
    if (cache_.size() >= kMaxCachedStatementTexts) return nullptr;
    it = cache_.emplace(std::string(sql), CacheSlot()).first;
  }
  CacheSlot& slot = it->second;
  if (!slot.empty()) {
    *stmt = slot.back();
    slot.pop_back();
  }
  return &slot;
}

void Connection::ReturnToCache(CacheSlot* slot, sqlite3_stmt* stmt) {
  if (slot == nullptr) {
    sqlite3_finalize(stmt);
    return;
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  slot->push_back(stmt);
}

absl::Status Connection::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
  return absl::OkStatus();
}

void Connection::RollbackIfOpen() {
  // SQLite may already have rolled back on its own (e.g. SQLITE_FULL); a second ROLLBACK
  // would only fail.
  if (sqlite3_get_autocommit(db_) == 0) IgnoreError(Exec("ROLLBACK"));
}

absl::StatusOr<Statement> Statement::Prepare(Connection& conn, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  Connection::CacheSlot* slot = conn.TakeCached(sql, &stmt);
  if (stmt != nullptr) return Statement(slot, conn.handle(), stmt);
  int rc = sqlite3_prepare_v3(conn.handle(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(conn.handle(), rc, "prepare");
  return Statement(slot, conn.handle(), stmt);
}

Statement::Statement(Statement&& other) noexcept
    : slot_(other.slot_),
      db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ != nullptr) Connection::ReturnToCache(slot_, stmt_);
}

void Statement::NoteBind(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::BindBlobNoCopy(int index, std::string_view bytes) {
  // A null data pointer would bind NULL instead of an empty blob.
  if (bytes.empty()) {
    NoteBind(sqlite3_bind_zeroblob(stmt_, index, 0));
  } else {
    NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC));
  }
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return SqliteError(db_, bind_rc_, "bind");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "step");
}

absl::Status Statement::Run() {
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return absl::OkStatus();
  }
}

absl::StatusOr<int64_t> Statement::QueryInt() {
  TERRANE_ASSIGN_OR_RETURN(bool row, Step());
  if (!row) return absl::InternalError("sqlite: query returned no row");
  return Int(0);
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

absl::StatusOr<std::string> ReadBlob(Connection& conn, const char* table, const char* column,
                                     int64_t rowid) {
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(conn.handle(), "main", table, column, rowid, /*flags=*/0, &blob);
  if (rc != SQLITE_OK) {
    sqlite3_blob_close(blob);
    return SqliteError(conn.handle(), rc, "open blob");
  }
  std::unique_ptr<sqlite3_blob, int (*)(sqlite3_blob*)> closer(blob, sqlite3_blob_close);
  std::string out(static_cast<size_t>(sqlite3_blob_bytes(blob)), '\0');
  if (!out.empty()) {
    rc = sqlite3_blob_read(blob, out.data(), static_cast<int>(out.size()), 0);
    if (rc != SQLITE_OK) return SqliteError(conn.handle(), rc, "read blob");
  }
  return out;
}

}  // namespace terrane::storage::sqlite::internal
