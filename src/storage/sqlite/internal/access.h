// API keys, principals, custom roles and role bindings. Each function runs inside the caller's
// transaction and follows the contract of the matching storage::Store method.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/access.h"
#include "model/tenancy.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/store.h"

namespace terrane::storage::sqlite::internal {

absl::Status CreateApiKey(Connection& conn, const model::ApiKey& key);
absl::StatusOr<model::ApiKey> GetApiKey(Connection& conn, std::string_view id);
absl::StatusOr<std::vector<model::ApiKey>> ListApiKeys(Connection& conn, std::string_view account,
                                                       std::string_view principal);
absl::StatusOr<model::ApiKey> RevokeApiKey(Connection& conn, std::string_view account,
                                           std::string_view id, int64_t now);
absl::StatusOr<KeyAccess> GetKeyAccess(Connection& conn, std::string_view id);

absl::Status CreatePrincipal(Connection& conn, const model::Principal& principal);
absl::StatusOr<model::Principal> GetPrincipal(Connection& conn, std::string_view account,
                                              std::string_view identifier);
absl::StatusOr<std::vector<model::Principal>> ListPrincipals(Connection& conn,
                                                             std::string_view account);
absl::StatusOr<model::Principal> DeletePrincipal(Connection& conn, std::string_view account,
                                                 std::string_view identifier);

absl::Status CreateRole(Connection& conn, const model::Role& role);
absl::StatusOr<model::Role> GetRole(Connection& conn, std::string_view account,
                                    std::string_view identifier);
absl::StatusOr<std::vector<model::Role>> ListRoles(Connection& conn, std::string_view account);
absl::StatusOr<model::Role> DeleteRole(Connection& conn, std::string_view account,
                                       std::string_view identifier);

absl::Status CreateRoleBinding(Connection& conn, const model::RoleBinding& binding);
absl::StatusOr<std::vector<model::RoleBinding>> ListRoleBindings(Connection& conn,
                                                                 std::string_view account,
                                                                 std::string_view principal);
absl::StatusOr<model::RoleBinding> DeleteRoleBinding(Connection& conn, std::string_view account,
                                                     std::string_view id);

}  // namespace terrane::storage::sqlite::internal
