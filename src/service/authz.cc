#include "service/authz.h"

#include "common/strings.h"

namespace terrane::service {

bool Allows(const Principal& who, model::Permission permission, const Resource& resource) {
  if (who.only_workspace.has_value()) {
    const model::WorkspaceKey& only = *who.only_workspace;
    return permission == model::Permission::kWorkspaceAccessState &&
           only.org == resource.scope.org && only.project == resource.scope.project &&
           only.identifier == resource.workspace;
  }
  if (who.grants == nullptr) return false;
  const size_t bit = static_cast<size_t>(permission);
  for (const Grant& grant : *who.grants) {
    if (grant.permissions.test(bit) && model::ScopeContains(grant.scope, resource.scope)) {
      return true;
    }
  }
  return false;
}

absl::Status Require(const Principal& who, model::Permission permission, const Resource& resource) {
  if (Allows(who, permission, resource)) return absl::OkStatus();
  if (who.only_workspace.has_value()) {
    return absl::PermissionDeniedError(
        "a run credential only reaches the state backend of its own workspace");
  }
  return absl::PermissionDeniedError(
      Cat("permission '", model::PermissionName(permission), "' is required at ",
          model::DescribeScope(resource.scope), "; principal '", who.principal,
          "' has no role granting it there: ask an administrator for a role binding "
          "(`terrane role-binding create`)"));
}

}  // namespace terrane::service
