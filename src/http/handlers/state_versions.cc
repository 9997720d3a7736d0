// {prefix}/.../workspaces/{workspace}/state-versions: the history of a workspace's state
// (WorkspaceData `state_raw` rows, iacm-api.md §5.5), downloads and rollback. `data` routes
// are Harness' names for the same rows.
#include <algorithm>
#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

constexpr std::array<const char*, 13> kDataTypes = {
    "plan_human", "state_raw", "state_human",  "cost_breakdown", "cost_diff",
    "modules",    "providers", "cdk_template", "cdk_manifest",   "cdk_tree",
    "cdk_assets", "cdk_diff",  "cdk_drift"};

// The `data` listing's filters (iacm-api.md §5.5); a repeated or comma-separated filter keeps
// rows matching any of its values. Only `state_raw` rows of provisioner type `tf`, never tied
// to a pipeline, exist so far: false when the filters exclude all of them.
absl::StatusOr<bool> DataFiltersMatchStateRows(const Request& req) {
  std::vector<std::string> types = req.QueryList("data_type");
  for (const std::string& type : types) {
    if (std::find(kDataTypes.begin(), kDataTypes.end(), std::string_view(type)) ==
        kDataTypes.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter 'data_type' has unknown value '", type, "'; use one of ",
                       absl::StrJoin(kDataTypes, ", ")));
    }
  }
  std::vector<std::string> provisioners = req.QueryList("provisioner_type");
  for (const std::string& type : provisioners) {
    if (type != "tf" && type != "awscdk") {
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter 'provisioner_type' has unknown value '", type, "'; use tf or awscdk"));
    }
  }
  auto allows = [](const std::vector<std::string>& values, std::string_view value) {
    return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
  };
  return allows(types, "state_raw") && allows(provisioners, "tf") &&
         req.Query("pipeline_execution_id").value_or("").empty() &&
         req.Query("pipeline_stage_id").value_or("").empty();
}

absl::StatusOr<Response> List(const ApiDeps& d, Request& req, const PathParams& p,
                              bool data_route) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(int limit, QueryInt(req, "limit", 30, 1, 1000));
  TERRANE_ASSIGN_OR_RETURN(int page, QueryInt(req, "page", 1, 1, 1'000'000'000));
  bool match = true;
  if (data_route) {
    TERRANE_ASSIGN_OR_RETURN(match, DataFiltersMatchStateRows(req));
  }
  int64_t total = 0;
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::StateVersion> versions,
                           d.store.ListStateVersions(key, limit, page, &total));
  if (!match) {
    versions.clear();
    total = 0;
  }
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
  req.audit.details["new_version"] = v.id;
  req.audit.details["serial"] = v.serial;
  return JsonResponse(200, VersionJson(key, v));
}

}  // namespace

void RegisterStateVersionRoutes(Router& r, const ApiDeps& d, std::string_view prefix) {
  std::string ws =
      absl::StrCat(AsAbsl(prefix), "/orgs/{org}/projects/{project}/workspaces/{workspace}");
  auto bind = [&d](auto fn) { return BindDeps(d, fn); };
  r.Add("GET", ws + "/state-versions",
        [&d](Request& q, const PathParams& p) { return List(d, q, p, false); });
  r.Add("GET", ws + "/state-versions/{version}", bind(Get));
  r.Add("GET", ws + "/state-versions/{version}/download", bind(Download));
  r.Add("POST", ws + "/state-versions/{version}/rollback", bind(Rollback),
        {.audit_action = "state.rollback"});
  r.Add("GET", ws + "/data", [&d](Request& q, const PathParams& p) { return List(d, q, p, true); });
  r.Add("GET", ws + "/data/{version}", bind(Download));
}

}  // namespace terrane::http::handlers
