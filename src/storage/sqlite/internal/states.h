// State versions and their bodies. Each function runs inside the caller's transaction and
// follows the contract of the matching storage::Store method. Bodies are never logged.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/state.h"
#include "model/workspace.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/store.h"

namespace terrane::storage::sqlite::internal {

absl::StatusOr<StateWriteResult> PutState(Connection& conn, const model::WorkspaceKey& key,
                                          const StateWrite& write);
absl::StatusOr<std::optional<CurrentState>> GetCurrentState(Connection& conn,
                                                            const model::WorkspaceKey& key);
absl::StatusOr<std::vector<model::StateVersion>> ListStateVersions(Connection& conn,
                                                                   const model::WorkspaceKey& key,
                                                                   int limit, int page,
                                                                   int64_t* total);
absl::StatusOr<CurrentState> GetStateVersion(Connection& conn, const model::WorkspaceKey& key,
                                             std::string_view version_id);
absl::StatusOr<model::StateVersion> RollbackState(Connection& conn, const model::WorkspaceKey& key,
                                                  std::string_view version_id,
                                                  std::string_view created_by, int64_t now);

}  // namespace terrane::storage::sqlite::internal
