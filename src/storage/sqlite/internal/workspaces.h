// Workspace records with their tags and variables. Each function runs inside the caller's
// transaction and follows the contract of the matching storage::Store method.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/workspace.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/store.h"

namespace terrane::storage::sqlite::internal {

absl::Status CreateWorkspace(Connection& conn, const model::WorkspaceKey& key,
                             const model::WorkspaceSpec& spec, int64_t now);
absl::StatusOr<model::Workspace> GetWorkspace(Connection& conn, const model::WorkspaceKey& key);
// The workspace with its tags, variables, lock and state checksum, or nullopt when any level of
// the path is missing. Exactly one statement, so it may also run outside a transaction: SQLite
// reads one snapshot for the whole statement.
absl::StatusOr<std::optional<model::Workspace>> FindWorkspace(Connection& conn,
                                                              const model::WorkspaceKey& key);
absl::Status UpdateWorkspace(Connection& conn, const model::WorkspaceKey& key,
                             const model::WorkspaceSpec& spec, int64_t now,
                             const UpdateCheck& check);
absl::StatusOr<DeleteCounts> DeleteWorkspace(Connection& conn, const model::WorkspaceKey& key);

}  // namespace terrane::storage::sqlite::internal
