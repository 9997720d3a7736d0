#include "server/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "storage/sqlite/sqlite_store.h"

namespace terrane::server {

absl::StatusOr<std::unique_ptr<storage::Store>> OpenDataDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(
        absl::StrCat("cannot create data directory ", dir, ": ", std::strerror(errno)));
  }
  absl::StatusOr<std::unique_ptr<storage::SqliteStore>> store =
      storage::SqliteStore::Open(absl::StrCat(dir, "/terrane.db"));
  if (!store.ok()) return store.status();
  return std::unique_ptr<storage::Store>(std::move(*store));
}

}  // namespace terrane::server
