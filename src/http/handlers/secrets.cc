// Secrets at three scopes, Harness platform v1 shapes: `/v1/secrets`, `/v1/orgs/{org}/secrets`
// and `/v1/orgs/{org}/projects/{project}/secrets`, each with POST (201), GET (list), and
// GET/PUT/DELETE `/{secret}` (200, the secret; DELETE answers the deleted one). No response
// carries a value: model::SecretToJson has none to write.
#include "service/secrets.h"

#include "boost/json/array.hpp"
#include "common/status_macros.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"
#include "model/secret.h"

namespace terrane::http::handlers {
namespace {

// The secret (or, without {secret}, the scope) a path addresses for `account`.
model::SecretKey SecretKeyFrom(std::string_view account, const PathParams& p) {
  auto get = [&](std::string_view name) {
    auto it = p.find(name);
    return it == p.end() ? std::string() : it->second;
  };
  return model::SecretKey{.account = std::string(account),
                          .org = get("org"),
                          .project = get("project"),
                          .identifier = get("secret")};
}

absl::StatusOr<Response> Create(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::SecretWrite write,
                           model::ParseSecretCreate(req.body, SecretKeyFrom(who.account, p)));
  req.audit.details["secret"] = write.secret.key.identifier;  // never the value
  write.secret.created = write.secret.updated = d.clock.NowMillis();
  TERRANE_RETURN_IF_ERROR(service::CreateSecret(d.store, d.master_key, write.secret, *write.value));
  return JsonResponse(201, model::SecretToJson(write.secret));
}

absl::StatusOr<Response> List(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::SecretKey scope = SecretKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Secret> secrets,
                           d.store.ListSecrets(scope.account, scope.org, scope.project));
  boost::json::array out;
  for (const model::Secret& secret : secrets) out.push_back(model::SecretToJson(secret));
  Response resp = JsonResponse(200, out);
  SetPageHeaders(resp, static_cast<int64_t>(secrets.size()), static_cast<int>(secrets.size()));
  return resp;
}

absl::StatusOr<Response> Get(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(storage::StoredSecret stored,
                           d.store.GetSecret(SecretKeyFrom(who.account, p)));
  return JsonResponse(200, model::SecretToJson(stored.secret));
}

absl::StatusOr<Response> Update(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::SecretWrite write,
                           model::ParseSecretUpdate(req.body, SecretKeyFrom(who.account, p)));
  write.secret.updated = d.clock.NowMillis();
  TERRANE_ASSIGN_OR_RETURN(model::Secret updated,
                           service::UpdateSecret(d.store, d.master_key, write.secret, write.value));
  return JsonResponse(200, model::SecretToJson(updated));
}

absl::StatusOr<Response> Delete(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Secret deleted,
                           d.store.DeleteSecret(SecretKeyFrom(who.account, p)));
  return JsonResponse(200, model::SecretToJson(deleted));
}

}  // namespace

void RegisterSecretRoutes(Router& r, const ApiDeps& d) {
  auto bind = [&d](auto fn) { return BindDeps(d, fn); };
  for (const char* base :
       {"/v1/secrets", "/v1/orgs/{org}/secrets", "/v1/orgs/{org}/projects/{project}/secrets"}) {
    const std::string one = std::string(base) + "/{secret}";
    r.Add("POST", base, bind(Create), {.audit_action = "secret.create"});
    r.Add("GET", base, bind(List));
    r.Add("GET", one, bind(Get));
    r.Add("PUT", one, bind(Update), {.audit_action = "secret.update"});
    r.Add("DELETE", one, bind(Delete), {.audit_action = "secret.delete"});
  }
}

}  // namespace terrane::http::handlers
