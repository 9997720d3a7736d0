// Runs the WAL checkpoints of one database file on a background thread. SQLite's default
// checkpoints inside the commit that grows the WAL past 1,000 pages, so the request that wrote a
// large state also paid for copying it from the WAL into the database file and syncing that
// (measured: a fifth of a 64 MiB upload). Commits stay durable without it: with
// synchronous=FULL a commit is synced to the WAL before it returns. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

class Checkpointer {
 public:
  // Opens its own connection to `path` and starts the thread.
  static absl::StatusOr<std::unique_ptr<Checkpointer>> Start(const std::string& path,
                                                             int busy_timeout_ms);
  // Stops and joins the thread. Connections attached to it must be closed first.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Replaces `conn`'s automatic checkpoint: a commit that leaves kCheckpointPages or more
  // frames in the WAL wakes the thread instead, which runs a PASSIVE checkpoint (it never waits
  // for readers or writers; frames it cannot copy yet are copied by a later round).
  void Attach(Connection& conn);

  // SQLite's default automatic checkpoint threshold.
  static constexpr int kCheckpointPages = 1000;

 private:
  explicit Checkpointer(std::unique_ptr<Connection> conn);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void Request();
  bool HasWork() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void Run();

  std::unique_ptr<Connection> conn_;  // used by the thread only
  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace terrane::storage::sqlite::internal
