// Access checks of workspace writes that depend on what the write changes, on top of the route's
// gate (http/handlers/permissions.cc): PUT replaces the whole workspace, so removing a variable
// through an update needs the delete-variable permission just as a dedicated route would.
// Pure; thread-safe.
#pragma once

#include "absl/status/status.h"
#include "model/workspace.h"
#include "service/auth.h"

namespace terrane::service {

// `before` is nullptr for a create. Needs:
// - create: iac_workspace_edit, and iac_workspace_editvariable when `after` has variables;
// - update: iac_workspace_editvariable when a variable is added or its value or value_type
//   changes, iac_workspace_deletevariable when one is removed, iac_workspace_edit when any other
//   field changes; an update that changes nothing needs one of the three;
// - both: core_secret_access at the secret's scope for every secret reference that is new or
//   changed (malformed references are left to ValidateSecretReferences).
// PermissionDenied names the first permission missing.
absl::Status AuthorizeWorkspaceWrite(const Principal& who, const model::WorkspaceKey& key,
                                     const model::WorkspaceSpec* before,
                                     const model::WorkspaceSpec& after);

}  // namespace terrane::service
