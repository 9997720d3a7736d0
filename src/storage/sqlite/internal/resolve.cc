#include "storage/sqlite/internal/resolve.h"

#include <optional>

#include "common/status_macros.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// The first column of the first row, or nullopt when there is no row.
absl::StatusOr<std::optional<int64_t>> LookupId(Statement& stmt) {
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.Int(0));
}

}  // namespace

absl::Status CheckAccount(Connection& conn, std::string_view account) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "SELECT 1 FROM accounts WHERE id = ?"));
  stmt.Bind(1, account);
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(Cat("account '", account, "' not found"));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ResolveOrg(Connection& conn, std::string_view account,
                                   std::string_view org) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, "SELECT id FROM orgs WHERE account_id = ? AND identifier = ?"));
  stmt.Bind(1, account).Bind(2, org);
  TERRANE_ASSIGN_OR_RETURN(std::optional<int64_t> id, LookupId(stmt));
  if (id) return *id;
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
  return absl::NotFoundError(Cat("org '", org, "' not found in account '", account, "'"));
}

absl::StatusOr<int64_t> ResolveProject(Connection& conn, std::string_view account,
                                       std::string_view org, std::string_view project) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT p.id FROM projects p JOIN orgs o ON o.id = p.org_id
      WHERE o.account_id = ? AND o.identifier = ? AND p.identifier = ?)sql"));
  stmt.Bind(1, account).Bind(2, org).Bind(3, project);
  TERRANE_ASSIGN_OR_RETURN(std::optional<int64_t> id, LookupId(stmt));
  if (id) return *id;
  TERRANE_RETURN_IF_ERROR(ResolveOrg(conn, account, org).status());
  return absl::NotFoundError(Cat("project '", project, "' not found in org '", org, "'"));
}

absl::StatusOr<int64_t> ResolveWorkspace(Connection& conn, const model::WorkspaceKey& key) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT w.id FROM workspaces w
      JOIN projects p ON p.id = w.project_id JOIN orgs o ON o.id = p.org_id
      WHERE o.account_id = ? AND o.identifier = ? AND p.identifier = ? AND w.identifier = ?)sql"));
  stmt.Bind(1, key.account).Bind(2, key.org).Bind(3, key.project).Bind(4, key.identifier);
  TERRANE_ASSIGN_OR_RETURN(std::optional<int64_t> id, LookupId(stmt));
  if (id) return *id;
  TERRANE_RETURN_IF_ERROR(ResolveProject(conn, key.account, key.org, key.project).status());
  return absl::NotFoundError(
      Cat("workspace '", key.identifier, "' not found in project '", key.project, "'"));
}

}  // namespace terrane::storage::sqlite::internal
