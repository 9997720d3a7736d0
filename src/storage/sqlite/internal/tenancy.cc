#include "storage/sqlite/internal/tenancy.h"

#include <string>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/columns.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// Column list shared by the org and project reads; *FromRow depend on this order.
constexpr std::string_view kEntityColumns =
    "identifier, name, description, tags_json, created, updated";

template <typename Entity>
absl::Status FillEntity(const Statement& row, Entity& out) {
  out.identifier = row.Text(0);
  out.name = row.Text(1);
  out.description = row.Text(2);
  TERRANE_ASSIGN_OR_RETURN(out.tags, TagsFromJson(row.Text(3)));
  out.created = row.Int(4);
  out.updated = row.Int(5);
  return absl::OkStatus();
}

absl::StatusOr<model::Org> OrgFromRow(const Statement& row, std::string_view account) {
  model::Org org;
  org.account = std::string(account);
  TERRANE_RETURN_IF_ERROR(FillEntity(row, org));
  return org;
}

absl::StatusOr<model::Project> ProjectFromRow(const Statement& row, std::string_view account,
                                              std::string_view org) {
  model::Project project;
  project.account = std::string(account);
  project.org = std::string(org);
  TERRANE_RETURN_IF_ERROR(FillEntity(row, project));
  return project;
}

absl::StatusOr<int64_t> Count(Connection& conn, std::string_view sql, int64_t id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, sql));
  stmt.Bind(1, id);
  return stmt.QueryInt();
}

}  // namespace

absl::Status CreateAccount(Connection& conn, std::string_view account, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(bool exists, AccountExists(conn, account));
  if (exists) return absl::AlreadyExistsError(Cat("account '", account, "' already exists"));
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt, Statement::Prepare(conn, "INSERT INTO accounts(id, created) VALUES (?, ?)"));
  return stmt.Bind(1, account).Bind(2, now).Run();
}

absl::StatusOr<bool> AccountExists(Connection& conn, std::string_view account) {
  absl::Status status = CheckAccount(conn, account);
  if (absl::IsNotFound(status)) return false;
  TERRANE_RETURN_IF_ERROR(status);
  return true;
}

absl::Status CreateOrg(Connection& conn, const model::Org& org) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, org.account));
  absl::StatusOr<int64_t> existing = ResolveOrg(conn, org.account, org.identifier);
  if (existing.ok()) {
    return absl::AlreadyExistsError(
        Cat("org '", org.identifier, "' already exists in account '", org.account, "'"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO orgs(account_id, identifier, name, description, tags_json, created, updated)
      VALUES (?, ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, org.account)
      .Bind(2, org.identifier)
      .Bind(3, org.name)
      .Bind(4, org.description)
      .Bind(5, TagsToJson(org.tags))
      .Bind(6, org.created)
      .Bind(7, org.updated)
      .Run();
}

absl::StatusOr<model::Org> GetOrg(Connection& conn, std::string_view account,
                                  std::string_view org) {
  TERRANE_ASSIGN_OR_RETURN(int64_t id, ResolveOrg(conn, account, org));
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, Cat("SELECT ", kEntityColumns, " FROM orgs WHERE id = ?")));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, id).Step());
  if (!row) return absl::InternalError("org row vanished inside its transaction");
  return OrgFromRow(stmt, account);
}

absl::StatusOr<std::vector<model::Org>> ListOrgs(Connection& conn, std::string_view account) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, Cat("SELECT ", kEntityColumns,
                                                        " FROM orgs WHERE account_id = ?"
                                                        " ORDER BY identifier")));
  stmt.Bind(1, account);
  std::vector<model::Org> orgs;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return orgs;
    TERRANE_ASSIGN_OR_RETURN(model::Org org, OrgFromRow(stmt, account));
    orgs.push_back(std::move(org));
  }
}

absl::Status DeleteOrg(Connection& conn, std::string_view account, std::string_view org) {
  TERRANE_ASSIGN_OR_RETURN(int64_t id, ResolveOrg(conn, account, org));
  TERRANE_ASSIGN_OR_RETURN(int64_t projects,
                           Count(conn, "SELECT COUNT(*) FROM projects WHERE org_id = ?", id));
  if (projects > 0) {
    return absl::FailedPreconditionError(
        Cat("org '", org, "' still has ", projects, " project(s); delete them first"));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "DELETE FROM orgs WHERE id = ?"));
  return stmt.Bind(1, id).Run();
}

absl::Status CreateProject(Connection& conn, const model::Project& project) {
  TERRANE_ASSIGN_OR_RETURN(int64_t org_id, ResolveOrg(conn, project.account, project.org));
  absl::StatusOr<int64_t> existing =
      ResolveProject(conn, project.account, project.org, project.identifier);
  if (existing.ok()) {
    return absl::AlreadyExistsError(
        Cat("project '", project.identifier, "' already exists in org '", project.org, "'"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO projects(org_id, identifier, name, description, tags_json, created, updated)
      VALUES (?, ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, org_id)
      .Bind(2, project.identifier)
      .Bind(3, project.name)
      .Bind(4, project.description)
      .Bind(5, TagsToJson(project.tags))
      .Bind(6, project.created)
      .Bind(7, project.updated)
      .Run();
}

absl::StatusOr<model::Project> GetProject(Connection& conn, std::string_view account,
                                          std::string_view org, std::string_view project) {
  TERRANE_ASSIGN_OR_RETURN(int64_t id, ResolveProject(conn, account, org, project));
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, Cat("SELECT ", kEntityColumns, " FROM projects WHERE id = ?")));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, id).Step());
  if (!row) return absl::InternalError("project row vanished inside its transaction");
  return ProjectFromRow(stmt, account, org);
}

absl::StatusOr<std::vector<model::Project>> ListProjects(Connection& conn, std::string_view account,
                                                         std::string_view org) {
  TERRANE_ASSIGN_OR_RETURN(int64_t org_id, ResolveOrg(conn, account, org));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, Cat("SELECT ", kEntityColumns,
                                                        " FROM projects WHERE org_id = ?"
                                                        " ORDER BY identifier")));
  stmt.Bind(1, org_id);
  std::vector<model::Project> projects;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return projects;
    TERRANE_ASSIGN_OR_RETURN(model::Project project, ProjectFromRow(stmt, account, org));
    projects.push_back(std::move(project));
  }
}

absl::Status DeleteProject(Connection& conn, std::string_view account, std::string_view org,
                           std::string_view project) {
  TERRANE_ASSIGN_OR_RETURN(int64_t id, ResolveProject(conn, account, org, project));
  TERRANE_ASSIGN_OR_RETURN(int64_t workspaces,
                           Count(conn, "SELECT COUNT(*) FROM workspaces WHERE project_id = ?", id));
  if (workspaces > 0) {
    return absl::FailedPreconditionError(
        Cat("project '", project, "' still has ", workspaces, " workspace(s); delete them first"));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "DELETE FROM projects WHERE id = ?"));
  return stmt.Bind(1, id).Run();
}

}  // namespace terrane::storage::sqlite::internal
