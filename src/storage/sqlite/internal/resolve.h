// Resolution of the account → org → project → workspace path to row ids. Each NotFound names
// the first missing level ("org 'o' not found in account 'a'"), so clients learn which part of
// the path is wrong. Called inside a transaction.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/workspace.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

absl::Status CheckAccount(Connection& conn, std::string_view account);
absl::StatusOr<int64_t> ResolveOrg(Connection& conn, std::string_view account,
                                   std::string_view org);
absl::StatusOr<int64_t> ResolveProject(Connection& conn, std::string_view account,
                                       std::string_view org, std::string_view project);

// The workspace row id.
absl::StatusOr<int64_t> ResolveWorkspace(Connection& conn, const model::WorkspaceKey& key);

}  // namespace terrane::storage::sqlite::internal
