// Tells whether anything in one database file changed, cheaply enough to ask on every read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

// Holds a connection of its own that never writes and asks it `PRAGMA data_version`, whose
// value changes whenever another connection (of this process's pool or of another process)
// committed to the file since the previous call. So equal values returned by two calls mean
// that nothing was committed in between; spurious changes (e.g. after a WAL restart) are
// possible, missed changes are not. Thread-safe; calls are serialised on the one connection.
class ChangeWatch {
 public:
  static absl::StatusOr<std::unique_ptr<ChangeWatch>> Open(const std::string& path,
                                                           int busy_timeout_ms);

  absl::StatusOr<uint64_t> Current();

 private:
  explicit ChangeWatch(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}

  absl::Mutex mu_;
  std::unique_ptr<Connection> conn_ ABSL_GUARDED_BY(mu_);
};

}  // namespace terrane::storage::sqlite::internal
