// Access control values: permissions (Harness names), roles (built-in and custom), principals
// (users and service accounts), role bindings at account, org or project scope, and their JSON
// forms (shared by server and CLI). The decision "may P do X at S" is service/authz.h. No I/O,
// thread-compatible.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "model/tenancy.h"

namespace terrane::model {

// Every permission a role can grant. Names (PermissionName) are Harness's where Harness has
// one; the role-binding ones are Terrane's (Harness ties assignments to user-group management).
enum class Permission : uint8_t {
  kWorkspaceView,
  kWorkspaceEdit,
  kWorkspaceDelete,
  kWorkspaceEditVariable,
  kWorkspaceDeleteVariable,
  kWorkspaceApprove,
  kWorkspaceAccessState,
  kSecretView,
  kSecretEdit,
  kSecretDelete,
  kSecretAccess,
  kOrgView,
  kOrgCreate,
  kOrgDelete,
  kProjectView,
  kProjectCreate,
  kProjectDelete,
  kRoleView,
  kRoleEdit,
  kRoleDelete,
  kPrincipalView,
  kPrincipalEdit,
  kPrincipalDelete,
  kApiKeyManage,
  kRoleBindingView,
  kRoleBindingEdit,
  kRoleBindingDelete,
  kAuditView,
};
inline constexpr size_t kPermissionCount = 28;
static_assert(static_cast<size_t>(Permission::kAuditView) + 1 == kPermissionCount,
              "kPermissionCount must count every Permission");
using PermissionSet = std::bitset<kPermissionCount>;

// Every permission, in declaration order.
std::span<const Permission> AllPermissions();
// "iac_workspace_view", "core_secret_access", ...
std::string_view PermissionName(Permission permission);
// nullopt for a name that is not one of PermissionName's.
std::optional<Permission> ParsePermission(std::string_view name);

// A role: a named set of permissions of one account. Built-in roles (viewer, operator, admin)
// exist in every account and cannot be changed; custom roles are stored.
struct Role {
  std::string account;  // "" for a built-in role
  std::string identifier;
  std::string name;
  std::string description;
  PermissionSet permissions;
  bool builtin = false;
  int64_t created = 0;  // unix ms
  int64_t updated = 0;
};

// viewer, operator, admin (README "Roles and API keys" lists what each grants).
const std::vector<Role>& BuiltinRoles();
// The built-in role `identifier`, or nullptr.
const Role* FindBuiltinRole(std::string_view identifier);

// Principal types: a person or a machine (CI job, script).
enum class PrincipalType { kUser, kServiceAccount };
std::string_view ToString(PrincipalType type);  // "user", "service_account"

// Who owns API keys and holds role bindings, within one account.
struct Principal {
  std::string account;
  std::string identifier;
  std::string name;
  PrincipalType type = PrincipalType::kServiceAccount;
  int64_t created = 0;
};

// The scope of a binding or of an access check: the account when `org` is "", the org when only
// `project` is "", else the project.
struct Scope {
  std::string org;
  std::string project;
};
// "account", "org 'o'", "project 'o/p'": for messages.
std::string DescribeScope(const Scope& scope);
// True when a grant at `outer` covers `inner` (account covers all; an org its projects).
bool ScopeContains(const Scope& outer, const Scope& inner);

// `principal` holds `role` at `scope`.
struct RoleBinding {
  std::string id;
  std::string account;
  std::string principal;
  std::string role;
  Scope scope;
  int64_t created = 0;
};

// Bodies; InvalidArgument names the field. Identifiers follow ValidatePlatformIdentifier.
// `{"principal": {identifier, name?, type: "user"|"service_account"}}`.
absl::StatusOr<Principal> ParsePrincipalCreate(std::string_view body);
// `{"role": {identifier, name, description?, permissions: [names]}}`; a built-in identifier
// is refused.
absl::StatusOr<Role> ParseRoleCreate(std::string_view body);
// `{"role_binding": {principal, role, org?, project?}}` (project needs org).
absl::StatusOr<RoleBinding> ParseRoleBindingCreate(std::string_view body);
// `{"api_key": {principal, name?, expires?}}`: expires is unix ms, 0 or absent = never.
// Returns the key without id or secret; an `expires` not after `now` is refused.
absl::StatusOr<ApiKey> ParseApiKeyCreate(std::string_view body, int64_t now);

// `{"principal": {...}, "created": ms}` and the like; an API key's JSON never holds a secret or
// its digest.
boost::json::object PrincipalToJson(const Principal& principal);
boost::json::object RoleToJson(const Role& role);
boost::json::object RoleBindingToJson(const RoleBinding& binding);
boost::json::object ApiKeyToJson(const ApiKey& key);

// Permission names of `set`, in declaration order.
std::vector<std::string> PermissionNames(const PermissionSet& set);

}  // namespace terrane::model
