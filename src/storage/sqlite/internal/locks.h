// The workspace lock slot. Each function runs inside the caller's write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "model/lock.h"
#include "model/workspace.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

// Decodes the lock columns lock_id, origin, info_json, operation, reason, principal_id,
// principal_type, display_name, created, in that order from column `first` of the current row;
// nullopt when lock_id is NULL (a LEFT JOIN found no lock).
absl::StatusOr<std::optional<model::Lock>> LockFromRow(const Statement& stmt, int first);

// The lock held on workspace row `workspace_id`, if any.
absl::StatusOr<std::optional<model::Lock>> LoadLock(Connection& conn, int64_t workspace_id);

// "backend lock 1b2c…": how messages name a lock.
std::string DescribeLock(const model::Lock& lock);

// Removes the lock of workspace row `workspace_id`, whoever holds it.
absl::Status DeleteLock(Connection& conn, int64_t workspace_id);

// storage::Store::AcquireLock / ReleaseLock.
absl::StatusOr<model::Lock> AcquireLock(Connection& conn, const model::WorkspaceKey& key,
                                        const model::Lock& lock);
absl::StatusOr<std::optional<model::Lock>> ReleaseLock(Connection& conn,
                                                       const model::WorkspaceKey& key,
                                                       const std::optional<std::string>& lock_id);

}  // namespace terrane::storage::sqlite::internal
