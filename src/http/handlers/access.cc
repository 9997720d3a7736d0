// Access control, all at account scope: `/v1/permissions` (the names roles may grant),
// `/v1/roles` (built-in and custom roles), `/v1/principals` (users and service accounts) and
// `/v1/role-bindings` (a principal holds a role at the account, an org or a project). What each
// route needs is in permissions.cc. A change that alters what a key may do clears the
// Authenticator's cache, so it takes effect on this server at once.
#include "model/access.h"

#include <utility>

#include "boost/json/array.hpp"
#include "common/status_macros.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"
#include "service/access_admin.h"

namespace terrane::http::handlers {
namespace {

std::string Param(const PathParams& p, std::string_view name) { return p.find(name)->second; }

Response ListResponse(boost::json::array items) {
  const auto count = static_cast<int64_t>(items.size());
  Response resp = JsonResponse(200, std::move(items));
  SetPageHeaders(resp, count, static_cast<int>(count));
  return resp;
}

absl::StatusOr<Response> ListPermissions(const ApiDeps&, Request&, const PathParams&) {
  boost::json::array out;
  for (model::Permission p : model::AllPermissions()) out.emplace_back(model::PermissionName(p));
  return ListResponse(std::move(out));
}

absl::StatusOr<Response> CreateRole(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Role role, model::ParseRoleCreate(req.body));
  role.account = who.account;
  role.created = role.updated = d.clock.NowMillis();
  req.audit.details["role"] = role.identifier;
  TERRANE_RETURN_IF_ERROR(d.store.CreateRole(role));
  return JsonResponse(201, model::RoleToJson(role));
}

absl::StatusOr<Response> ListRoles(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Role> custom, d.store.ListRoles(who.account));
  boost::json::array out;
  for (const model::Role& role : model::BuiltinRoles()) out.push_back(model::RoleToJson(role));
  for (const model::Role& role : custom) out.push_back(model::RoleToJson(role));
  return ListResponse(std::move(out));
}

absl::StatusOr<Response> GetRole(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  if (const model::Role* builtin = model::FindBuiltinRole(Param(p, "role"))) {
    return JsonResponse(200, model::RoleToJson(*builtin));
  }
  TERRANE_ASSIGN_OR_RETURN(model::Role role, d.store.GetRole(who.account, Param(p, "role")));
  return JsonResponse(200, model::RoleToJson(role));
}

absl::StatusOr<Response> DeleteRole(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  if (model::FindBuiltinRole(Param(p, "role")) != nullptr) {
    return absl::FailedPreconditionError("built-in roles cannot be deleted");
  }
  TERRANE_ASSIGN_OR_RETURN(model::Role role, d.store.DeleteRole(who.account, Param(p, "role")));
  d.auth.InvalidateAll();
  return JsonResponse(200, model::RoleToJson(role));
}

absl::StatusOr<Response> CreatePrincipal(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Principal principal, model::ParsePrincipalCreate(req.body));
  principal.account = who.account;
  principal.created = d.clock.NowMillis();
  req.audit.details["principal"] = principal.identifier;
  TERRANE_RETURN_IF_ERROR(d.store.CreatePrincipal(principal));
  return JsonResponse(201, model::PrincipalToJson(principal));
}

absl::StatusOr<Response> ListPrincipals(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Principal> all, d.store.ListPrincipals(who.account));
  boost::json::array out;
  for (const model::Principal& principal : all) out.push_back(model::PrincipalToJson(principal));
  return ListResponse(std::move(out));
}

absl::StatusOr<Response> GetPrincipal(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Principal principal,
                           d.store.GetPrincipal(who.account, Param(p, "principal")));
  return JsonResponse(200, model::PrincipalToJson(principal));
}

absl::StatusOr<Response> DeletePrincipal(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Principal principal,
                           d.store.DeletePrincipal(who.account, Param(p, "principal")));
  d.auth.InvalidateAll();
  return JsonResponse(200, model::PrincipalToJson(principal));
}

absl::StatusOr<Response> CreateBinding(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::RoleBinding binding, model::ParseRoleBindingCreate(req.body));
  binding.id = service::NewRoleBindingId();
  binding.account = who.account;
  binding.created = d.clock.NowMillis();
  req.audit.details["binding"] = binding.id;
  req.audit.details["principal"] = binding.principal;
  req.audit.details["role"] = binding.role;
  TERRANE_RETURN_IF_ERROR(d.store.CreateRoleBinding(binding));
  d.auth.InvalidateAll();
  return JsonResponse(201, model::RoleBindingToJson(binding));
}

absl::StatusOr<Response> ListBindings(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  std::string principal(req.Query("principal").value_or(""));
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::RoleBinding> all,
                           d.store.ListRoleBindings(who.account, principal));
  boost::json::array out;
  for (const model::RoleBinding& binding : all) out.push_back(model::RoleBindingToJson(binding));
  return ListResponse(std::move(out));
}

absl::StatusOr<Response> DeleteBinding(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::RoleBinding binding,
                           d.store.DeleteRoleBinding(who.account, Param(p, "binding")));
  d.auth.InvalidateAll();
  return JsonResponse(200, model::RoleBindingToJson(binding));
}

}  // namespace

void RegisterAccessRoutes(Router& r, const ApiDeps& d) {
  auto bind = [&d](auto fn) { return BindDeps(d, fn); };
  r.Add("GET", "/v1/permissions", bind(ListPermissions));
  r.Add("POST", "/v1/roles", bind(CreateRole), {.audit_action = "role.create"});
  r.Add("GET", "/v1/roles", bind(ListRoles));
  r.Add("GET", "/v1/roles/{role}", bind(GetRole));
  r.Add("DELETE", "/v1/roles/{role}", bind(DeleteRole), {.audit_action = "role.delete"});
  r.Add("POST", "/v1/principals", bind(CreatePrincipal),
        {.audit_action = "principal.create"});
  r.Add("GET", "/v1/principals", bind(ListPrincipals));
  r.Add("GET", "/v1/principals/{principal}", bind(GetPrincipal));
  r.Add("DELETE", "/v1/principals/{principal}", bind(DeletePrincipal),
        {.audit_action = "principal.delete"});
  r.Add("POST", "/v1/role-bindings", bind(CreateBinding),
        {.audit_action = "role_binding.create"});
  r.Add("GET", "/v1/role-bindings", bind(ListBindings));
  r.Add("DELETE", "/v1/role-bindings/{binding}", bind(DeleteBinding),
        {.audit_action = "role_binding.delete"});
}

}  // namespace terrane::http::handlers
