#include "http/handlers/api.h"

#include <memory>

#include "http/handlers/audit.h"
#include "http/handlers/routes.h"

namespace terrane::http {

void RegisterApiRoutes(Router& router, const ApiDeps& deps) {
  router.Add("GET", "/healthz", [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    return Response{.body = R"({"status":"ok"})"};
  });
  handlers::RegisterConsoleRoutes(router);
  handlers::RegisterTenancyRoutes(router, deps);
  handlers::RegisterSecretRoutes(router, deps);
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
}

}  // namespace terrane::http
