// A bounded pool of SQLite connections to one database file. Under WAL, readers on separate
// connections run concurrently with each other and with the one writer, so each concurrent
// caller gets its own connection. Connections are opened lazily up to `capacity`; further
// callers wait for one to come back. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/sqlite/internal/checkpointer.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

class ConnectionPool {
 public:
  // A connection on loan; returned to the pool on destruction. Must not outlive the pool.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& conn() { return *conn_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // `first` is an already open connection (the one that ran the migrations). Every connection
  // is attached to `checkpointer`, which must outlive the pool.
  ConnectionPool(std::string path, int busy_timeout_ms, int capacity,
                 std::unique_ptr<Connection> first, Checkpointer* checkpointer);

  // Returns an idle connection, opens a new one below capacity, or waits for one.
  absl::StatusOr<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> conn);
  bool CanAcquire() const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const std::string path_;
  const int busy_timeout_ms_;
  const int capacity_;
  Checkpointer* const checkpointer_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + on loan + being opened
};

}  // namespace terrane::storage::sqlite::internal
