// Per-resource route registration, called by RegisterApiRoutes.
#pragma once

#include "http/handlers/api.h"
#include "http/router.h"

namespace terrane::http::handlers {

void RegisterTenancyRoutes(Router& router, const ApiDeps& deps);
void RegisterSecretRoutes(Router& router, const ApiDeps& deps);
void RegisterAccessRoutes(Router& router, const ApiDeps& deps);
void RegisterApiKeyRoutes(Router& router, const ApiDeps& deps);
void RegisterWorkspaceRoutes(Router& router, const ApiDeps& deps, std::string_view prefix);
void RegisterStateBackendRoutes(Router& router, const ApiDeps& deps, std::string_view prefix);
void RegisterStateVersionRoutes(Router& router, const ApiDeps& deps, std::string_view prefix);
void RegisterRunRoutes(Router& router, const ApiDeps& deps, std::string_view prefix);
// The web console's files (console.cc); no authentication, no data.
void RegisterConsoleRoutes(Router& router);
void RegisterAuditRoutes(Router& router, const ApiDeps& deps);

}  // namespace terrane::http::handlers
