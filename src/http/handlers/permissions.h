// What every route needs: the one table mapping (method, pattern) to its authentication and
// the permission the caller must hold at the scope its path names. RegisterApiRoutes wraps
// every registered handler with GuardRoute, and refuses to start with a route missing from
// the table, so no route can skip the check; tests enumerate the same table.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "http/handlers/api.h"
#include "http/router.h"
#include "model/access.h"
#include "service/authz.h"

namespace terrane::http::handlers {

enum class RouteAuth {
  kNone,     // /healthz and the console's static files
  kRest,     // x-api-key + Harness-Account (AuthenticateRest)
  kBackend,  // terraform's http backend: Basic auth or x-api-key (AuthenticateBackend)
};

struct RoutePermission {
  std::string_view method;
  // As registered; IaCM routes under "/iacm/api" (the "/gateway/iacm/api" copies match them).
  std::string_view pattern;
  RouteAuth auth = RouteAuth::kRest;
  model::Permission permission = model::Permission::kWorkspaceView;
  // A list whose handler drops what the caller may not view (orgs, projects): the guard checks
  // authentication only. The handler's own checks use `permission`.
  bool filtered = false;
  // The handler asks for more once it knows what changes (PUT workspace: variables; POST
  // workspace: variables and secret references). `permission` is the gate every caller needs.
  bool handler_checks_more = false;
};

// Every route of RegisterApiRoutes, each once.
std::span<const RoutePermission> RoutePermissions();

// The entry of a registered route, or nullptr.
const RoutePermission* FindRoutePermission(std::string_view method, std::string_view pattern);

// The scope (and workspace) a route's path parameters name.
service::Resource ResourceFrom(const PathParams& params);

// `inner` behind authentication and the permission check of `route`, both before `inner` runs
// (so before any lookup). `deps` and `route` must outlive the router.
Handler GuardRoute(const ApiDeps& deps, const RoutePermission& route, Handler inner);

}  // namespace terrane::http::handlers
