#include "http/handlers/api.h"

#include <memory>

#include "common/check.h"
#include "http/handlers/audit.h"
#include "http/handlers/permissions.h"
#include "http/handlers/routes.h"

namespace terrane::http {

void RegisterApiRoutes(Router& router, const ApiDeps& deps) {
  router.Add("GET", "/healthz", [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    return Response{.body = R"({"status":"ok"})"};
  });
  handlers::RegisterConsoleRoutes(router);
  handlers::RegisterTenancyRoutes(router, deps);
  handlers::RegisterSecretRoutes(router, deps);
  handlers::RegisterAccessRoutes(router, deps);
  handlers::RegisterApiKeyRoutes(router, deps);
  handlers::RegisterAuditRoutes(router, deps);
  // Harness serves the same API under /iacm/api and, through its gateway, /gateway/iacm/api:
  // both are routes here, never redirects.
  for (std::string_view prefix : {"/iacm/api", "/gateway/iacm/api"}) {
    handlers::RegisterWorkspaceRoutes(router, deps, prefix);
    handlers::RegisterStateBackendRoutes(router, deps, prefix);
    handlers::RegisterStateVersionRoutes(router, deps, prefix);
    handlers::RegisterRunRoutes(router, deps, prefix);
  }
  // Every route registered with an audit action is recorded (http/handlers/audit.h).
  router.SetAuditSink(std::make_unique<handlers::AuditTrail>(deps.store, deps.clock));
  // Every route gets the check its entry in the permission table names; a route without an
  // entry is a programming error caught at start-up (and by the tests), never an open door.
  router.WrapHandlers([&deps](std::string_view method, std::string_view pattern, Handler inner) {
    const handlers::RoutePermission* route = handlers::FindRoutePermission(method, pattern);
    TERRANE_CHECK(route != nullptr);
    return handlers::GuardRoute(deps, *route, std::move(inner));
  });
}

}  // namespace terrane::http
