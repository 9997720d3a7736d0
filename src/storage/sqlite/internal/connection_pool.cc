#include "storage/sqlite/internal/connection_pool.h"

#include <utility>

#include "common/check.h"

namespace terrane::storage::sqlite::internal {

ConnectionPool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

ConnectionPool::ConnectionPool(std::string path, int busy_timeout_ms, int capacity,
                               std::unique_ptr<Connection> first, Checkpointer* checkpointer)
    : path_(std::move(path)),
      busy_timeout_ms_(busy_timeout_ms),
      capacity_(capacity),
      checkpointer_(checkpointer) {
  TERRANE_CHECK(capacity_ >= 1);
  checkpointer_->Attach(*first);
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(first));
  open_ = 1;
}

bool ConnectionPool::CanAcquire() const { return !idle_.empty() || open_ < capacity_; }

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ConnectionPool::CanAcquire));
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
  }
  // Opening touches the file system: not under mu_.
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(path_, busy_timeout_ms_);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return conn.status();
  }
  checkpointer_->Attach(**conn);
  return Lease(this, *std::move(conn));
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  // Transactions are closed by their runner; this only guards against a leaked one blocking
  // every later writer.
  conn->RollbackIfOpen();
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(conn));
}

}  // namespace terrane::storage::sqlite::internal
