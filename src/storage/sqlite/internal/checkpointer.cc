#include "storage/sqlite/internal/checkpointer.h"

#include <utility>

#include "common/log.h"

namespace terrane::storage::sqlite::internal {

absl::StatusOr<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                                  int busy_timeout_ms) {
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(path, busy_timeout_ms);
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<Checkpointer>(new Checkpointer(*std::move(conn)));
}

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn)
    : conn_(std::move(conn)), thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void Checkpointer::Attach(Connection& conn) { sqlite3_wal_hook(conn.handle(), &OnCommit, this); }

int Checkpointer::OnCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int wal_pages) {
  if (wal_pages >= kCheckpointPages) static_cast<Checkpointer*>(self)->Request();
  return SQLITE_OK;  // the commit itself succeeded; nothing to report
}

void Checkpointer::Request() {
  absl::MutexLock lock(&mu_);
  requested_ = true;
}

bool Checkpointer::HasWork() const { return requested_ || stopping_; }

void Checkpointer::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &Checkpointer::HasWork));
      if (stopping_) return;
      requested_ = false;
    }
    int rc = sqlite3_wal_checkpoint_v2(conn_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       nullptr, nullptr);
    // BUSY: another connection (possibly another process) is checkpointing right now.
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) {
      TERRANE_LOG(warn, "storage", "background WAL checkpoint failed: {} (code {})",
                  sqlite3_errmsg(conn_->handle()), rc);
    }
  }
}

}  // namespace terrane::storage::sqlite::internal
