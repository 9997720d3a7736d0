// First-start set-up of a data directory: the default account, org and project and an admin
// API key written to DIR/admin-api-key (mode 0600).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace terrane::service {

inline constexpr char kDefaultAccount[] = "default";
inline constexpr char kAdminKeyFile[] = "admin-api-key";

// When the store has no `default` account, creates account/org/project `default` and an admin
// key, writes the key to `data_dir`/admin-api-key with mode 0600 and returns it. Returns
// nullopt when the data directory was already set up.
absl::StatusOr<std::optional<std::string>> BootstrapIfEmpty(storage::Store& store,
                                                            const std::string& data_dir,
                                                            int64_t now);

// Writes `content` to `path` with mode 0600, atomically (temp file + rename).
absl::Status WritePrivateFile(const std::string& path, const std::string& content);

}  // namespace terrane::service
