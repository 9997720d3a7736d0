#include "http/handlers/permissions.h"

#include <array>
#include <utility>

#include "common/status_macros.h"
#include "http/handlers/common.h"

namespace terrane::http::handlers {
namespace {

using P = model::Permission;
using A = RouteAuth;

#define TERRANE_WS "/iacm/api/orgs/{org}/projects/{project}/workspaces"
#define TERRANE_ONE TERRANE_WS "/{workspace}"
#define TERRANE_RUN TERRANE_ONE "/runs/{run}"
#define TERRANE_STATE TERRANE_ONE "/terraform-backend"
// clang-format off
#define TERRANE_SECRETS(base)                                \
  {"POST", base, A::kRest, P::kSecretEdit},                  \
  {"GET", base, A::kRest, P::kSecretView},                   \
  {"GET", base "/{secret}", A::kRest, P::kSecretView},       \
  {"PUT", base "/{secret}", A::kRest, P::kSecretEdit},       \
  {"DELETE", base "/{secret}", A::kRest, P::kSecretDelete}
// clang-format on

constexpr RoutePermission kTable[] = {
    {"GET", "/healthz", A::kNone},
    // the web console's files: no data, the page signs in with an API key
    {"GET", "/", A::kNone},
    {"GET", "/console", A::kNone},
    {"GET", "/console/{file}", A::kNone},
    // the audit trail
    {"GET", "/v1/audit", A::kRest, P::kAuditView},
    // tenancy
    {"POST", "/v1/orgs", A::kRest, P::kOrgCreate},
    {"GET", "/v1/orgs", A::kRest, P::kOrgView, /*filtered=*/true},
    {"GET", "/v1/orgs/{org}", A::kRest, P::kOrgView},
    {"DELETE", "/v1/orgs/{org}", A::kRest, P::kOrgDelete},
    {"POST", "/v1/orgs/{org}/projects", A::kRest, P::kProjectCreate},
    {"GET", "/v1/orgs/{org}/projects", A::kRest, P::kProjectView, /*filtered=*/true},
    {"GET", "/v1/orgs/{org}/projects/{project}", A::kRest, P::kProjectView},
    {"DELETE", "/v1/orgs/{org}/projects/{project}", A::kRest, P::kProjectDelete},
    // secrets at account, org and project scope
    TERRANE_SECRETS("/v1/secrets"),
    TERRANE_SECRETS("/v1/orgs/{org}/secrets"),
    TERRANE_SECRETS("/v1/orgs/{org}/projects/{project}/secrets"),
    // access control
    {"GET", "/v1/permissions", A::kRest, P::kRoleView},
    {"POST", "/v1/roles", A::kRest, P::kRoleEdit},
    {"GET", "/v1/roles", A::kRest, P::kRoleView},
    {"GET", "/v1/roles/{role}", A::kRest, P::kRoleView},
    {"DELETE", "/v1/roles/{role}", A::kRest, P::kRoleDelete},
    {"POST", "/v1/principals", A::kRest, P::kPrincipalEdit},
    {"GET", "/v1/principals", A::kRest, P::kPrincipalView},
    {"GET", "/v1/principals/{principal}", A::kRest, P::kPrincipalView},
    {"DELETE", "/v1/principals/{principal}", A::kRest, P::kPrincipalDelete},
    {"POST", "/v1/api-keys", A::kRest, P::kApiKeyManage},
    {"GET", "/v1/api-keys", A::kRest, P::kPrincipalView},
    {"GET", "/v1/api-keys/{key}", A::kRest, P::kPrincipalView},
    {"DELETE", "/v1/api-keys/{key}", A::kRest, P::kApiKeyManage},
    {"POST", "/v1/role-bindings", A::kRest, P::kRoleBindingEdit},
    {"GET", "/v1/role-bindings", A::kRest, P::kRoleBindingView},
    {"DELETE", "/v1/role-bindings/{binding}", A::kRest, P::kRoleBindingDelete},
    // workspaces
    {"GET", TERRANE_WS, A::kRest, P::kWorkspaceView},
    {"POST", TERRANE_WS, A::kRest, P::kWorkspaceEdit, false, /*handler_checks_more=*/true},
    {"GET", TERRANE_ONE, A::kRest, P::kWorkspaceView},
    {"PUT", TERRANE_ONE, A::kRest, P::kWorkspaceView, false, /*handler_checks_more=*/true},
    {"DELETE", TERRANE_ONE, A::kRest, P::kWorkspaceDelete},
    {"GET", TERRANE_ONE "/backend-config", A::kRest, P::kWorkspaceView},
    {"POST", TERRANE_ONE "/actions/lock", A::kRest, P::kWorkspaceEdit},
    {"POST", TERRANE_ONE "/actions/force-unlock", A::kRest, P::kWorkspaceEdit},
    {"GET", TERRANE_ONE "/resources", A::kRest, P::kWorkspaceView},
    // terraform's http backend
    {"GET", TERRANE_STATE, A::kBackend, P::kWorkspaceAccessState},
    {"POST", TERRANE_STATE, A::kBackend, P::kWorkspaceAccessState},
    {"PUT", TERRANE_STATE, A::kBackend, P::kWorkspaceAccessState},
    {"LOCK", TERRANE_STATE, A::kBackend, P::kWorkspaceAccessState},
    {"UNLOCK", TERRANE_STATE, A::kBackend, P::kWorkspaceAccessState},
    {"DELETE", TERRANE_STATE, A::kBackend, P::kWorkspaceAccessState},
    {"POST", TERRANE_STATE "/lock", A::kBackend, P::kWorkspaceAccessState},
    {"DELETE", TERRANE_STATE "/lock", A::kBackend, P::kWorkspaceAccessState},
    {"LOCK", TERRANE_STATE "/lock", A::kBackend, P::kWorkspaceAccessState},
    {"UNLOCK", TERRANE_STATE "/lock", A::kBackend, P::kWorkspaceAccessState},
    // state history: metadata is viewable, bodies are state access
    {"GET", TERRANE_ONE "/state-versions", A::kRest, P::kWorkspaceView},
    {"GET", TERRANE_ONE "/state-versions/{version}", A::kRest, P::kWorkspaceView},
    {"GET", TERRANE_ONE "/state-versions/{version}/download", A::kRest, P::kWorkspaceAccessState},
    {"POST", TERRANE_ONE "/state-versions/{version}/rollback", A::kRest, P::kWorkspaceAccessState},
    {"GET", TERRANE_ONE "/data", A::kRest, P::kWorkspaceView},
    {"GET", TERRANE_ONE "/data/{version}", A::kRest, P::kWorkspaceAccessState},
    // runs
    {"POST", TERRANE_ONE "/runs", A::kRest, P::kWorkspaceEdit},
    {"GET", TERRANE_ONE "/runs", A::kRest, P::kWorkspaceView},
    {"GET", TERRANE_RUN, A::kRest, P::kWorkspaceView},
    {"GET", TERRANE_RUN "/logs", A::kRest, P::kWorkspaceView},
    {"GET", TERRANE_RUN "/plan", A::kRest, P::kWorkspaceView},
    {"POST", TERRANE_RUN "/approve", A::kRest, P::kWorkspaceApprove},
    {"POST", TERRANE_RUN "/reject", A::kRest, P::kWorkspaceApprove},
    {"POST", TERRANE_RUN "/cancel", A::kRest, P::kWorkspaceEdit},
    {"GET", "/iacm/api/orgs/{org}/projects/{project}/executions", A::kRest, P::kWorkspaceView},
};

#undef TERRANE_WS
#undef TERRANE_ONE
#undef TERRANE_RUN
#undef TERRANE_STATE
#undef TERRANE_SECRETS

constexpr std::string_view kGatewayPrefix = "/gateway";

std::string Param(const PathParams& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

}  // namespace

std::span<const RoutePermission> RoutePermissions() { return kTable; }

const RoutePermission* FindRoutePermission(std::string_view method, std::string_view pattern) {
  if (pattern.starts_with(kGatewayPrefix)) pattern.remove_prefix(kGatewayPrefix.size());
  for (const RoutePermission& route : kTable) {
    if (route.method == method && route.pattern == pattern) return &route;
  }
  return nullptr;
}

service::Resource ResourceFrom(const PathParams& params) {
  return service::Resource{
      .scope = {.org = Param(params, "org"), .project = Param(params, "project")},
      .workspace = Param(params, "workspace")};
}

Handler GuardRoute(const ApiDeps& deps, const RoutePermission& route, Handler inner) {
  return [&deps, &route, inner = std::move(inner)](
             Request& req, const PathParams& params) -> absl::StatusOr<Response> {
    if (route.auth == RouteAuth::kNone) return inner(req, params);
    TERRANE_ASSIGN_OR_RETURN(service::Principal who, route.auth == RouteAuth::kRest
                                                         ? AuthenticateRest(req, deps.auth)
                                                         : AuthenticateBackend(req, deps.auth));
    if (!route.filtered) {
      TERRANE_RETURN_IF_ERROR(service::Require(who, route.permission, ResourceFrom(params)));
    }
    return inner(req, params);
  };
}

}  // namespace terrane::http::handlers
