#include "model/access.h"

#include <array>
#include <utility>

#include "boost/json/array.hpp"
#include "common/status_macros.h"
#include "model/internal/enum_names.h"
#include "model/internal/json_util.h"

namespace terrane::model {

namespace json = boost::json;
using internal::Find;
using internal::Quote;
using P = Permission;

namespace {

constexpr internal::EnumNames<Permission, kPermissionCount> kPermissionNames = {{
    {P::kWorkspaceView, "iac_workspace_view"},
    {P::kWorkspaceEdit, "iac_workspace_edit"},
    {P::kWorkspaceDelete, "iac_workspace_delete"},
    {P::kWorkspaceEditVariable, "iac_workspace_editvariable"},
    {P::kWorkspaceDeleteVariable, "iac_workspace_deletevariable"},
    {P::kWorkspaceApprove, "iac_workspace_approve"},
    {P::kWorkspaceAccessState, "iac_workspace_accessstate"},
    {P::kSecretView, "core_secret_view"},
    {P::kSecretEdit, "core_secret_edit"},
    {P::kSecretDelete, "core_secret_delete"},
    {P::kSecretAccess, "core_secret_access"},
    {P::kOrgView, "core_organization_view"},
    {P::kOrgCreate, "core_organization_create"},
    {P::kOrgDelete, "core_organization_delete"},
    {P::kProjectView, "core_project_view"},
    {P::kProjectCreate, "core_project_create"},
    {P::kProjectDelete, "core_project_delete"},
    {P::kRoleView, "core_role_view"},
    {P::kRoleEdit, "core_role_edit"},
    {P::kRoleDelete, "core_role_delete"},
    {P::kPrincipalView, "core_serviceaccount_view"},
    {P::kPrincipalEdit, "core_serviceaccount_edit"},
    {P::kPrincipalDelete, "core_serviceaccount_delete"},
    {P::kApiKeyManage, "core_serviceaccount_manageapikey"},
    {P::kRoleBindingView, "core_rolebinding_view"},
    {P::kRoleBindingEdit, "core_rolebinding_edit"},
    {P::kRoleBindingDelete, "core_rolebinding_delete"},
    {P::kAuditView, "core_audit_view"},
}};

constexpr std::array<Permission, kPermissionCount> kAll = [] {
  std::array<Permission, kPermissionCount> all{};
  for (size_t i = 0; i < kPermissionCount; ++i) all[i] = kPermissionNames[i].first;
  return all;
}();

constexpr internal::EnumNames<PrincipalType, 2> kPrincipalTypes = {{
    {PrincipalType::kUser, "user"},
    {PrincipalType::kServiceAccount, "service_account"},
}};

PermissionSet SetOf(std::initializer_list<Permission> permissions) {
  PermissionSet set;
  for (Permission p : permissions) set.set(static_cast<size_t>(p));
  return set;
}

std::vector<Role> MakeBuiltinRoles() {
  PermissionSet viewer = SetOf({P::kWorkspaceView, P::kSecretView, P::kOrgView, P::kProjectView});
  PermissionSet operator_set =
      viewer | SetOf({P::kWorkspaceEdit, P::kWorkspaceEditVariable, P::kWorkspaceApprove,
                      P::kWorkspaceAccessState, P::kSecretAccess});
  PermissionSet admin;
  admin.set();
  return {
      Role{.identifier = "viewer",
           .name = "Viewer",
           .description = "Sees workspaces, runs, secrets' metadata, orgs and projects",
           .permissions = viewer,
           .builtin = true},
      Role{.identifier = "operator",
           .name = "Operator",
           .description = "Viewer, plus editing workspaces and variables, running and approving "
                          "runs, the state backend and using secrets; deletes nothing",
           .permissions = operator_set,
           .builtin = true},
      Role{.identifier = "admin",
           .name = "Administrator",
           .description = "Every permission",
           .permissions = admin,
           .builtin = true},
  };
}

absl::StatusOr<json::object> Envelope(std::string_view body, std::string_view name) {
  TERRANE_ASSIGN_OR_RETURN(json::object root, internal::ParseObject(body));
  json::value* inner = root.if_contains(name);
  if (inner == nullptr || inner->is_null()) return internal::Missing(name);
  json::object* obj = inner->if_object();
  if (obj == nullptr) return internal::WrongType(name, "an object", *inner);
  return std::move(*obj);
}

absl::StatusOr<std::string> Identifier(const json::object& obj, std::string_view key,
                                       std::string_view field) {
  TERRANE_ASSIGN_OR_RETURN(std::string id, internal::RequiredString(obj, key, field));
  TERRANE_RETURN_IF_ERROR(ValidatePlatformIdentifier(id, Cat("field '", field, "'")));
  return id;
}

absl::StatusOr<std::string> OptionalIdentifier(const json::object& obj, std::string_view key,
                                               std::string_view field) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> id,
                           internal::OptionalString(obj, key, field));
  if (!id.has_value() || id->empty()) return std::string();
  TERRANE_RETURN_IF_ERROR(ValidatePlatformIdentifier(*id, Cat("field '", field, "'")));
  return *id;
}

absl::StatusOr<PermissionSet> ParsePermissionList(const json::object& obj) {
  const json::value* list = Find(obj, "permissions");
  if (list == nullptr) return internal::Missing("role.permissions");
  if (!list->is_array()) return internal::WrongType("role.permissions", "an array", *list);
  PermissionSet set;
  for (const json::value& item : list->get_array()) {
    if (!item.is_string()) return internal::WrongType("role.permissions[]", "a string", item);
    std::optional<Permission> p = ParsePermission(item.get_string());
    if (!p.has_value()) {
      return absl::InvalidArgumentError(
          Cat("field 'role.permissions' has unknown permission ", Quote(item.get_string()),
              "; `terrane role list --permissions` shows the known ones"));
    }
    set.set(static_cast<size_t>(*p));
  }
  return set;
}

}  // namespace

std::span<const Permission> AllPermissions() { return kAll; }

std::string_view PermissionName(Permission permission) {
  return internal::NameOf(kPermissionNames, permission, "unknown");
}

std::optional<Permission> ParsePermission(std::string_view name) {
  return internal::ValueOf(kPermissionNames, name);
}

std::vector<std::string> PermissionNames(const PermissionSet& set) {
  std::vector<std::string> names;
  for (Permission p : kAll) {
    if (set.test(static_cast<size_t>(p))) names.emplace_back(PermissionName(p));
  }
  return names;
}

const std::vector<Role>& BuiltinRoles() {
  static const std::vector<Role>* roles = new std::vector<Role>(MakeBuiltinRoles());
  return *roles;
}

const Role* FindBuiltinRole(std::string_view identifier) {
  for (const Role& role : BuiltinRoles()) {
    if (role.identifier == identifier) return &role;
  }
  return nullptr;
}

std::string_view ToString(PrincipalType type) {
  return internal::NameOf(kPrincipalTypes, type, "unknown");
}

std::string DescribeScope(const Scope& scope) {
  if (scope.org.empty()) return "account";
  if (scope.project.empty()) return Cat("org '", scope.org, "'");
  return Cat("project '", scope.org, "/", scope.project, "'");
}

bool ScopeContains(const Scope& outer, const Scope& inner) {
  if (outer.org.empty()) return true;
  if (outer.org != inner.org) return false;
  return outer.project.empty() || outer.project == inner.project;
}

namespace {

// The optional display name `field` of `obj`; `fallback` (an identifier) when absent or empty,
// so audit records always name someone. Names show in audit records and terminal tables: at
// most 128 characters, no control characters.
absl::StatusOr<std::string> DisplayName(const json::object& obj, std::string_view field,
                                        std::string fallback) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> name,
                           internal::OptionalString(obj, "name", field));
  if (!name.has_value() || name->empty()) return fallback;
  if (internal::Utf8Length(*name) > 128) {
    return absl::InvalidArgumentError(internal::Cat("field '", field,
                                                    "' must have at most 128 characters"));
  }
  for (unsigned char c : *name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          internal::Cat("field '", field, "' must not hold control characters"));
    }
  }
  return *std::move(name);
}

}  // namespace

absl::StatusOr<Principal> ParsePrincipalCreate(std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, Envelope(body, "principal"));
  Principal out;
  TERRANE_ASSIGN_OR_RETURN(out.identifier, Identifier(obj, "identifier", "principal.identifier"));
  TERRANE_ASSIGN_OR_RETURN(out.name, DisplayName(obj, "principal.name", out.identifier));
  TERRANE_ASSIGN_OR_RETURN(std::string type,
                           internal::RequiredString(obj, "type", "principal.type"));
  std::optional<PrincipalType> parsed = internal::ValueOf(kPrincipalTypes, type);
  if (!parsed.has_value()) {
    return absl::InvalidArgumentError(
        Cat("field 'principal.type' must be user or "
            "service_account, got ",
            Quote(type)));
  }
  out.type = *parsed;
  return out;
}

absl::StatusOr<Role> ParseRoleCreate(std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, Envelope(body, "role"));
  Role out;
  TERRANE_ASSIGN_OR_RETURN(out.identifier, Identifier(obj, "identifier", "role.identifier"));
  if (FindBuiltinRole(out.identifier) != nullptr) {
    return absl::InvalidArgumentError(Cat("role ", Quote(out.identifier),
                                          " is built in and cannot be redefined; choose "
                                          "another identifier"));
  }
  TERRANE_ASSIGN_OR_RETURN(out.name, DisplayName(obj, "role.name", out.identifier));
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> description,
                           internal::OptionalString(obj, "description", "role.description"));
  out.description = description.value_or("");
  TERRANE_ASSIGN_OR_RETURN(out.permissions, ParsePermissionList(obj));
  return out;
}

absl::StatusOr<RoleBinding> ParseRoleBindingCreate(std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, Envelope(body, "role_binding"));
  RoleBinding out;
  TERRANE_ASSIGN_OR_RETURN(out.principal, Identifier(obj, "principal", "role_binding.principal"));
  TERRANE_ASSIGN_OR_RETURN(out.role, Identifier(obj, "role", "role_binding.role"));
  TERRANE_ASSIGN_OR_RETURN(out.scope.org, OptionalIdentifier(obj, "org", "role_binding.org"));
  TERRANE_ASSIGN_OR_RETURN(out.scope.project,
                           OptionalIdentifier(obj, "project", "role_binding.project"));
  if (out.scope.org.empty() && !out.scope.project.empty()) {
    return absl::InvalidArgumentError(
        "field 'role_binding.project' needs 'role_binding.org': a project is named within its "
        "org");
  }
  return out;
}

absl::StatusOr<ApiKey> ParseApiKeyCreate(std::string_view body, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, Envelope(body, "api_key"));
  ApiKey out;
  TERRANE_ASSIGN_OR_RETURN(out.principal, Identifier(obj, "principal", "api_key.principal"));
  TERRANE_ASSIGN_OR_RETURN(out.name, DisplayName(obj, "api_key.name", out.principal));
  if (const json::value* expires = Find(obj, "expires")) {
    if (!expires->is_int64() && !expires->is_uint64()) {
      return internal::WrongType("api_key.expires", "an integer (unix milliseconds)", *expires);
    }
    // A uint64 is one that int64 cannot hold; converting it would throw.
    if (expires->is_uint64()) {
      return absl::InvalidArgumentError(
          "field 'api_key.expires' is too large for a time in unix milliseconds");
    }
    out.expires = expires->get_int64();
    if (out.expires != 0 && out.expires <= now) {
      return absl::InvalidArgumentError(
          "field 'api_key.expires' must lie in the future (unix milliseconds), or be 0 for a "
          "key that does not expire");
    }
  }
  out.created = now;
  return out;
}

json::object PrincipalToJson(const Principal& principal) {
  return json::object{{"principal", json::object{{"identifier", principal.identifier},
                                                 {"name", principal.name},
                                                 {"type", ToString(principal.type)}}},
                      {"created", principal.created}};
}

json::object RoleToJson(const Role& role) {
  json::array permissions;
  for (const std::string& name : PermissionNames(role.permissions)) permissions.emplace_back(name);
  return json::object{{"role", json::object{{"identifier", role.identifier},
                                            {"name", role.name},
                                            {"description", role.description},
                                            {"permissions", std::move(permissions)}}},
                      {"harness_managed", role.builtin},
                      {"created", role.created},
                      {"updated", role.updated}};
}

json::object RoleBindingToJson(const RoleBinding& binding) {
  json::object inner{
      {"identifier", binding.id}, {"principal", binding.principal}, {"role", binding.role}};
  if (!binding.scope.org.empty()) inner["org"] = binding.scope.org;
  if (!binding.scope.project.empty()) inner["project"] = binding.scope.project;
  return json::object{{"role_binding", std::move(inner)}, {"created", binding.created}};
}

json::object ApiKeyToJson(const ApiKey& key) {
  return json::object{{"api_key", json::object{{"identifier", key.id},
                                               {"name", key.name},
                                               {"principal", key.principal},
                                               {"expires", key.expires},
                                               {"revoked", key.revoked}}},
                      {"created", key.created}};
}

}  // namespace terrane::model
