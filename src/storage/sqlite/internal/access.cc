#include "storage/sqlite/internal/access.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "boost/json/array.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/status_macros.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

absl::StatusOr<int64_t> ResolvePrincipal(Connection& conn, std::string_view account,
                                         std::string_view identifier) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT id FROM principals WHERE account_id = ? AND identifier = ?)sql"));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, account).Bind(2, identifier).Step());
  if (row) return stmt.Int(0);
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
  return absl::NotFoundError(
      Cat("principal '", identifier, "' not found in account '", account, "'"));
}

model::Principal PrincipalFromRow(const Statement& row, std::string_view account) {
  return model::Principal{.account = std::string(account),
                          .identifier = row.Text(0),
                          .name = row.Text(1),
                          .type = row.Text(2) == "user" ? model::PrincipalType::kUser
                                                        : model::PrincipalType::kServiceAccount,
                          .created = row.Int(3)};
}

std::string PermissionsToJson(const model::PermissionSet& set) {
  boost::json::array names;
  for (const std::string& name : model::PermissionNames(set)) names.emplace_back(name);
  return boost::json::serialize(names);
}

// Names this Terrane does not know (written by a newer one) grant nothing: access fails closed.
model::PermissionSet PermissionsFromJson(std::string_view text) {
  model::PermissionSet set;
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return set;
  for (const boost::json::value& item : v.get_array()) {
    if (!item.is_string()) continue;
    if (std::optional<model::Permission> p = model::ParsePermission(item.get_string())) {
      set.set(static_cast<size_t>(*p));
    }
  }
  return set;
}

constexpr std::string_view kRoleSelect = R"sql(
    SELECT identifier, name, description, permissions_json, created, updated FROM roles )sql";

model::Role RoleFromRow(const Statement& row, std::string_view account) {
  return model::Role{.account = std::string(account),
                     .identifier = row.Text(0),
                     .name = row.Text(1),
                     .description = row.Text(2),
                     .permissions = PermissionsFromJson(row.Text(3)),
                     .created = row.Int(4),
                     .updated = row.Int(5)};
}

constexpr std::string_view kBindingSelect = R"sql(
    SELECT b.id, b.account_id, p.identifier, b.role, IFNULL(o.identifier, ''),
           IFNULL(pr.identifier, ''), b.created
    FROM role_bindings b JOIN principals p ON p.id = b.principal_id
    LEFT JOIN orgs o ON o.id = b.org_id LEFT JOIN projects pr ON pr.id = b.project_id )sql";

model::RoleBinding BindingFromRow(const Statement& row) {
  return model::RoleBinding{.id = row.Text(0),
                            .account = row.Text(1),
                            .principal = row.Text(2),
                            .role = row.Text(3),
                            .scope = {.org = row.Text(4), .project = row.Text(5)},
                            .created = row.Int(6)};
}

absl::StatusOr<bool> RoleExists(Connection& conn, std::string_view account, std::string_view role) {
  if (model::FindBuiltinRole(role) != nullptr) return true;
  absl::StatusOr<model::Role> custom = GetRole(conn, account, role);
  if (absl::IsNotFound(custom.status())) return false;
  TERRANE_RETURN_IF_ERROR(custom.status());
  return true;
}

}  // namespace

absl::Status CreatePrincipal(Connection& conn, const model::Principal& principal) {
  absl::StatusOr<int64_t> existing =
      ResolvePrincipal(conn, principal.account, principal.identifier);
  if (existing.ok()) {
    return absl::AlreadyExistsError(Cat("principal '", principal.identifier, "' already exists"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, principal.account));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO principals(account_id, identifier, name, type, created)
      VALUES (?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, principal.account)
      .Bind(2, principal.identifier)
      .Bind(3, principal.name)
      .Bind(4, model::ToString(principal.type))
      .Bind(5, principal.created)
      .Run();
}

absl::StatusOr<model::Principal> GetPrincipal(Connection& conn, std::string_view account,
                                              std::string_view identifier) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT identifier, name, type, created FROM principals
      WHERE account_id = ? AND identifier = ?)sql"));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, account).Bind(2, identifier).Step());
  if (!row) return ResolvePrincipal(conn, account, identifier).status();
  return PrincipalFromRow(stmt, account);
}

absl::StatusOr<std::vector<model::Principal>> ListPrincipals(Connection& conn,
                                                             std::string_view account) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT identifier, name, type, created FROM principals WHERE account_id = ?
      ORDER BY identifier)sql"));
  stmt.Bind(1, account);
  std::vector<model::Principal> out;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(PrincipalFromRow(stmt, account));
  }
  return out;
}

// Account-scope admin bindings of `account`: who can still manage everything else.
absl::StatusOr<int64_t> CountAccountAdmins(Connection& conn, std::string_view account) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT COUNT(*) FROM role_bindings
      WHERE account_id = ? AND role = 'admin' AND org_id IS NULL)sql"));
  return stmt.Bind(1, account).QueryInt();
}

// Runs `remove` (a deletion inside the caller's transaction) and refuses it when it took away the
// last account-scope admin binding: the account could then no longer be managed through the API
// (only `terrane admin create-api-key` on the data directory would recover it).
template <typename Remove>
absl::Status KeepAnAdmin(Connection& conn, std::string_view account, std::string_view what,
                         Remove remove) {
  TERRANE_ASSIGN_OR_RETURN(int64_t before, CountAccountAdmins(conn, account));
  TERRANE_RETURN_IF_ERROR(remove());
  TERRANE_ASSIGN_OR_RETURN(int64_t after, CountAccountAdmins(conn, account));
  if (before > 0 && after == 0) {
    return absl::FailedPreconditionError(
        Cat("deleting ", what, " would leave account '", account,
            "' without an administrator (the admin role at account scope): bind admin to another "
            "principal first (POST /v1/role-bindings, or `terrane role-binding create`)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<model::Principal> DeletePrincipal(Connection& conn, std::string_view account,
                                                 std::string_view identifier) {
  TERRANE_ASSIGN_OR_RETURN(model::Principal principal, GetPrincipal(conn, account, identifier));
  TERRANE_RETURN_IF_ERROR(
      KeepAnAdmin(conn, account, Cat("principal '", identifier, "'"), [&]() -> absl::Status {
        TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
            DELETE FROM principals WHERE account_id = ? AND identifier = ?)sql"));
        return stmt.Bind(1, account).Bind(2, identifier).Run();
      }));
  return principal;
}

absl::Status CreateRole(Connection& conn, const model::Role& role) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, role.account));
  TERRANE_ASSIGN_OR_RETURN(bool exists, RoleExists(conn, role.account, role.identifier));
  if (exists) return absl::AlreadyExistsError(Cat("role '", role.identifier, "' already exists"));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO roles(account_id, identifier, name, description, permissions_json, created,
                        updated)
      VALUES (?, ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, role.account)
      .Bind(2, role.identifier)
      .Bind(3, role.name)
      .Bind(4, role.description)
      .Bind(5, PermissionsToJson(role.permissions))
      .Bind(6, role.created)
      .Bind(7, role.updated)
      .Run();
}

absl::StatusOr<model::Role> GetRole(Connection& conn, std::string_view account,
                                    std::string_view identifier) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, Cat(kRoleSelect, "WHERE account_id = ? AND identifier = ?")));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, account).Bind(2, identifier).Step());
  if (!row) {
    TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
    return absl::NotFoundError(Cat("role '", identifier, "' not found in account '", account, "'"));
  }
  return RoleFromRow(stmt, account);
}

absl::StatusOr<std::vector<model::Role>> ListRoles(Connection& conn, std::string_view account) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, Cat(kRoleSelect, "WHERE account_id = ? ORDER BY identifier")));
  stmt.Bind(1, account);
  std::vector<model::Role> out;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(RoleFromRow(stmt, account));
  }
  return out;
}

absl::StatusOr<model::Role> DeleteRole(Connection& conn, std::string_view account,
                                       std::string_view identifier) {
  TERRANE_ASSIGN_OR_RETURN(model::Role role, GetRole(conn, account, identifier));
  TERRANE_ASSIGN_OR_RETURN(Statement bound, Statement::Prepare(conn, R"sql(
      SELECT COUNT(*) FROM role_bindings WHERE account_id = ? AND role = ?)sql"));
  TERRANE_ASSIGN_OR_RETURN(int64_t count, bound.Bind(1, account).Bind(2, identifier).QueryInt());
  if (count > 0) {
    return absl::FailedPreconditionError(
        Cat("role '", identifier, "' is still bound ", count,
            " time(s): delete those role bindings first (`terrane role-binding list`)"));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      DELETE FROM roles WHERE account_id = ? AND identifier = ?)sql"));
  TERRANE_RETURN_IF_ERROR(stmt.Bind(1, account).Bind(2, identifier).Run());
  return role;
}

absl::Status CreateRoleBinding(Connection& conn, const model::RoleBinding& binding) {
  TERRANE_ASSIGN_OR_RETURN(int64_t principal_id,
                           ResolvePrincipal(conn, binding.account, binding.principal));
  TERRANE_ASSIGN_OR_RETURN(bool role_exists, RoleExists(conn, binding.account, binding.role));
  if (!role_exists) {
    return absl::NotFoundError(
        Cat("role '", binding.role, "' not found in account '", binding.account, "'"));
  }
  std::optional<int64_t> org_id;
  std::optional<int64_t> project_id;
  if (!binding.scope.org.empty()) {
    TERRANE_ASSIGN_OR_RETURN(org_id, ResolveOrg(conn, binding.account, binding.scope.org));
  }
  if (!binding.scope.project.empty()) {
    TERRANE_ASSIGN_OR_RETURN(project_id, ResolveProject(conn, binding.account, binding.scope.org,
                                                        binding.scope.project));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement dup, Statement::Prepare(conn, R"sql(
      SELECT 1 FROM role_bindings WHERE principal_id = ? AND role = ?
        AND IFNULL(org_id, 0) = ? AND IFNULL(project_id, 0) = ?)sql"));
  dup.Bind(1, principal_id).Bind(2, binding.role).Bind(3, org_id.value_or(0));
  TERRANE_ASSIGN_OR_RETURN(bool duplicate, dup.Bind(4, project_id.value_or(0)).Step());
  if (duplicate) {
    return absl::AlreadyExistsError(Cat("principal '", binding.principal, "' already holds role '",
                                        binding.role, "' at ",
                                        model::DescribeScope(binding.scope)));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO role_bindings(id, account_id, principal_id, role, org_id, project_id, created)
      VALUES (?, ?, ?, ?, ?, ?, ?))sql"));
  stmt.Bind(1, binding.id).Bind(2, binding.account).Bind(3, principal_id).Bind(4, binding.role);
  if (org_id)
    stmt.Bind(5, *org_id);
  else
    stmt.BindNull(5);
  if (project_id)
    stmt.Bind(6, *project_id);
  else
    stmt.BindNull(6);
  return stmt.Bind(7, binding.created).Run();
}

absl::StatusOr<std::vector<model::RoleBinding>> ListRoleBindings(Connection& conn,
                                                                 std::string_view account,
                                                                 std::string_view principal) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, Cat(kBindingSelect, R"sql(
          WHERE b.account_id = ? AND (? = '' OR p.identifier = ?) ORDER BY b.created, b.id)sql")));
  stmt.Bind(1, account).Bind(2, principal).Bind(3, principal);
  std::vector<model::RoleBinding> out;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(BindingFromRow(stmt));
  }
  return out;
}

absl::StatusOr<model::RoleBinding> DeleteRoleBinding(Connection& conn, std::string_view account,
                                                     std::string_view id) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement get,
      Statement::Prepare(conn, Cat(kBindingSelect, "WHERE b.account_id = ? AND b.id = ?")));
  TERRANE_ASSIGN_OR_RETURN(bool row, get.Bind(1, account).Bind(2, id).Step());
  if (!row) return absl::NotFoundError(Cat("role binding '", id, "' not found"));
  model::RoleBinding binding = BindingFromRow(get);
  TERRANE_RETURN_IF_ERROR(
      KeepAnAdmin(conn, account, Cat("role binding '", id, "'"), [&]() -> absl::Status {
        TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
            DELETE FROM role_bindings WHERE account_id = ? AND id = ?)sql"));
        return stmt.Bind(1, account).Bind(2, id).Run();
      }));
  return binding;
}

absl::StatusOr<KeyAccess> GetKeyAccess(Connection& conn, std::string_view id) {
  KeyAccess out;
  TERRANE_ASSIGN_OR_RETURN(out.key, GetApiKey(conn, id));
  TERRANE_ASSIGN_OR_RETURN(out.bindings,
                           ListRoleBindings(conn, out.key.account, out.key.principal));
  for (const model::RoleBinding& binding : out.bindings) {
    if (model::FindBuiltinRole(binding.role) != nullptr) continue;
    auto named = [&](const model::Role& r) { return r.identifier == binding.role; };
    if (std::any_of(out.custom_roles.begin(), out.custom_roles.end(), named)) continue;
    absl::StatusOr<model::Role> role = GetRole(conn, out.key.account, binding.role);
    if (absl::IsNotFound(role.status())) continue;  // grants nothing
    TERRANE_RETURN_IF_ERROR(role.status());
    out.custom_roles.push_back(*std::move(role));
  }
  return out;
}

}  // namespace terrane::storage::sqlite::internal
