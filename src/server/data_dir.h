// The data directory: created with mode 0700 when missing, holds the SQLite database.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace terrane::server {

// Creates `dir` if needed and opens (migrating) its database.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenDataDir(const std::string& dir);

}  // namespace terrane::server
