// The one access decision of Terrane: may principal P do permission X on a resource at scope S.
// Every route asks it (http/handlers/permissions.h holds the table of what each route needs)
// before it looks anything up, so a refusal never depends on whether the resource exists.
// Pure functions over the grants the Authenticator attached; thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "model/access.h"
#include "service/auth.h"

namespace terrane::service {

// What a request addresses: a scope in the caller's account and, on workspace routes, the
// workspace's identifier ("" otherwise).
struct Resource {
  model::Scope scope;
  std::string workspace;
};

// An API key: true when one of its grants covers `resource.scope` (model::ScopeContains) and
// holds `permission`. A run credential: true only for iac_workspace_accessstate on its own
// workspace.
bool Allows(const Principal& who, model::Permission permission, const Resource& resource);

// OK when Allows; otherwise PermissionDenied naming the missing permission and the scope.
absl::Status Require(const Principal& who, model::Permission permission, const Resource& resource);

}  // namespace terrane::service
