// {prefix}/.../workspaces/{workspace}/state-versions: the history of a workspace's state
// (WorkspaceData `state_raw` rows, iacm-api.md §5.5), downloads and rollback. `data` routes
// are Harness' names for the same rows.
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "common/status_macros.h"
#include "common/strings.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"

namespace terrane::http::handlers {
namespace {

boost::json::object VersionJson(const model::WorkspaceKey& k, const model::StateVersion& v) {
  return model::StateVersionToJson(v, k.account, k.org, k.project, k.identifier);
}

absl::StatusOr<Response> List(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(int limit, QueryInt(req, "limit", 30, 1, 1000));
  TERRANE_ASSIGN_OR_RETURN(int page, QueryInt(req, "page", 1, 1, 1'000'000'000));
  int64_t total = 0;
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::StateVersion> versions,
                           d.store.ListStateVersions(key, limit, page, &total));
  boost::json::array out;
  for (const model::StateVersion& v : versions) out.push_back(VersionJson(key, v));
  Response resp = JsonResponse(200, std::move(out));
  SetPageHeaders(resp, total, limit);
  return resp;
}

absl::StatusOr<Response> Get(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(storage::CurrentState v,
                           d.store.GetStateVersion(key, p.find("version")->second));
  return JsonResponse(200, VersionJson(key, v.version));
}

absl::StatusOr<Response> Download(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(storage::CurrentState v,
                           d.store.GetStateVersion(key, p.find("version")->second));
  Response resp;
  resp.body = std::move(v.body);
  resp.headers.emplace_back(
      "content-disposition",
      absl::StrCat("attachment; filename=\"", key.identifier, "-", v.version.serial, ".tfstate\""));
  return resp;
}

absl::StatusOr<Response> Rollback(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(boost::json::object body, ParseJsonObject(req.body, true));
  TERRANE_RETURN_IF_ERROR(OptionalString(body, "rollback_reason").status());
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(
      model::StateVersion v,
      d.store.RollbackState(key, p.find("version")->second, who.key_id, d.clock.NowMillis()));
  return JsonResponse(200, VersionJson(key, v));
}

}  // namespace

void RegisterStateVersionRoutes(Router& r, const ApiDeps& d, std::string_view prefix) {
  std::string ws =
      absl::StrCat(AsAbsl(prefix), "/orgs/{org}/projects/{project}/workspaces/{workspace}");
  auto bind = [&d](auto fn) {
    return [&d, fn](Request& q, const PathParams& p) { return fn(d, q, p); };
  };
  r.Add("GET", ws + "/state-versions", bind(List));
  r.Add("GET", ws + "/state-versions/{version}", bind(Get));
  r.Add("GET", ws + "/state-versions/{version}/download", bind(Download));
  r.Add("POST", ws + "/state-versions/{version}/rollback", bind(Rollback));
  r.Add("GET", ws + "/data", bind(List));
  r.Add("GET", ws + "/data/{version}", bind(Download));
}

}  // namespace terrane::http::handlers
