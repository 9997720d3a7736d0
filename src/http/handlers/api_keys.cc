// `/v1/api-keys`: create (201; the only answer that ever holds the key itself, as `key`), list
// (`principal` filters), show, and DELETE, which revokes: the key stays listed with its
// `revoked` time and stops working on this server at once (InvalidateKey), on others within
// service::Authenticator::kCacheTtl. A key of another account answers exactly as a missing one.
#include <utility>

#include "boost/json/array.hpp"
#include "common/status_macros.h"
#include "common/strings.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"
#include "model/access.h"

namespace terrane::http::handlers {
namespace {

std::string Param(const PathParams& p, std::string_view name) { return p.find(name)->second; }

absl::Status KeyNotFound(std::string_view id) {
  return absl::NotFoundError(Cat("API key '", id, "' not found"));
}

absl::StatusOr<Response> Create(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  const int64_t now = d.clock.NowMillis();
  TERRANE_ASSIGN_OR_RETURN(model::ApiKey key, model::ParseApiKeyCreate(req.body, now));
  key.account = who.account;
  req.audit.details["principal"] = key.principal;
  TERRANE_ASSIGN_OR_RETURN(service::IssuedKey issued, service::IssueApiKey(d.store, key, now));
  req.audit.details["key_id"] = issued.key.id;  // the public part only, never the secret
  boost::json::object out = model::ApiKeyToJson(issued.key);
  out["key"] = issued.secret;
  return JsonResponse(201, std::move(out));
}

absl::StatusOr<Response> List(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  std::string principal(req.Query("principal").value_or(""));
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::ApiKey> keys,
                           d.store.ListApiKeys(who.account, principal));
  boost::json::array out;
  for (const model::ApiKey& key : keys) out.push_back(model::ApiKeyToJson(key));
  Response resp = JsonResponse(200, std::move(out));
  SetPageHeaders(resp, static_cast<int64_t>(keys.size()), static_cast<int>(keys.size()));
  return resp;
}

absl::StatusOr<Response> Get(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  const std::string id = Param(p, "key");
  absl::StatusOr<model::ApiKey> key = d.store.GetApiKey(id);
  if (absl::IsNotFound(key.status()) || (key.ok() && key->account != who.account)) {
    return KeyNotFound(id);
  }
  TERRANE_RETURN_IF_ERROR(key.status());
  return JsonResponse(200, model::ApiKeyToJson(*key));
}

absl::StatusOr<Response> Revoke(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::ApiKey key,
                           d.store.RevokeApiKey(who.account, Param(p, "key"), d.clock.NowMillis()));
  d.auth.InvalidateKey(key.id);
  return JsonResponse(200, model::ApiKeyToJson(key));
}

}  // namespace

void RegisterApiKeyRoutes(Router& r, const ApiDeps& d) {
  auto bind = [&d](auto fn) { return BindDeps(d, fn); };
  r.Add("POST", "/v1/api-keys", bind(Create), {.audit_action = "api_key.create"});
  r.Add("GET", "/v1/api-keys", bind(List));
  r.Add("GET", "/v1/api-keys/{key}", bind(Get));
  r.Add("DELETE", "/v1/api-keys/{key}", bind(Revoke), {.audit_action = "api_key.revoke"});
}

}  // namespace terrane::http::handlers
