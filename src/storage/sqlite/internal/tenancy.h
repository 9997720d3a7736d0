// Accounts, organizations and projects. Each function runs inside the caller's
// transaction and follows the contract of the matching storage::Store method.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/tenancy.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

absl::Status CreateAccount(Connection& conn, std::string_view account, int64_t now);
absl::StatusOr<bool> AccountExists(Connection& conn, std::string_view account);

absl::Status CreateOrg(Connection& conn, const model::Org& org);
absl::StatusOr<model::Org> GetOrg(Connection& conn, std::string_view account, std::string_view org);
absl::StatusOr<std::vector<model::Org>> ListOrgs(Connection& conn, std::string_view account);
absl::Status DeleteOrg(Connection& conn, std::string_view account, std::string_view org);

absl::Status CreateProject(Connection& conn, const model::Project& project);
absl::StatusOr<model::Project> GetProject(Connection& conn, std::string_view account,
                                          std::string_view org, std::string_view project);
absl::StatusOr<std::vector<model::Project>> ListProjects(Connection& conn, std::string_view account,
                                                         std::string_view org);
absl::Status DeleteProject(Connection& conn, std::string_view account, std::string_view org,
                           std::string_view project);

}  // namespace terrane::storage::sqlite::internal
