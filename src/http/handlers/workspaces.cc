// W = {prefix}/orgs/{org}/projects/{project}/workspaces: list, create, get, update, delete,
// manual lock and force-unlock, resources, backend-config.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/json/array.hpp"
#include "boost/json/monotonic_resource.hpp"
#include "common/status_macros.h"
#include "common/strings.h"
#include "http/handlers/backend_config.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"
#include "model/state.h"
#include "service/secrets.h"
#include "service/state.h"
#include "service/workspace_access.h"

namespace terrane::http::handlers {
namespace {

// JSON nodes of the hot reads' answers come from one arena per request, freed at once:
// allocating and destroying them one by one showed in profiles of GET workspace and list pages.
// This is the arena's first block; it grows if an answer needs more.
constexpr size_t kArenaBytes = 8 * 1024;

absl::Status ParseSort(std::string_view text, model::WorkspaceQuery& q) {
  std::vector<std::string> parts = absl::StrSplit(absl::AsciiStrToLower(AsAbsl(text)), ',');
  bool field_ok = parts[0] == "name" || parts[0] == "updated";
  bool dir_ok =
      parts.size() == 1 || (parts.size() == 2 && (parts[1] == "asc" || parts[1] == "desc"));
  if (!field_ok || !dir_ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query parameter 'sort' must be one of name,ASC name,DESC updated,ASC updated,DESC; got '",
        AsAbsl(text), "'"));
  }
  q.sort =
      parts[0] == "name" ? model::WorkspaceSortField::kName : model::WorkspaceSortField::kUpdated;
  q.descending = parts.size() == 2 && parts[1] == "desc";
  return absl::OkStatus();
}

absl::StatusOr<model::WorkspaceQuery> ParseListQuery(const Request& req,
                                                     const model::WorkspaceKey& scope) {
  model::WorkspaceQuery q{.account = scope.account, .org = scope.org, .project = scope.project};
  TERRANE_ASSIGN_OR_RETURN(q.limit, QueryInt(req, "limit", 30, 1, 1000));
  TERRANE_ASSIGN_OR_RETURN(q.page, QueryInt(req, "page", 1, 1, 1'000'000'000));
  q.search_term = std::string(req.Query("searchTerm").value_or(""));
  if (std::optional<std::string_view> sort = req.Query("sort")) {
    TERRANE_RETURN_IF_ERROR(ParseSort(*sort, q));
  }
  for (const std::string& s : req.QueryList("status")) {
    std::optional<model::WorkspaceStatus> status = model::ParseWorkspaceStatus(s);
    if (!status.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter 'status' has unknown value '", s,
                       "'; use inactive, active, provisioning, destroying, drifted, apply_needed, "
                       "rollback_applied, failed or unknown"));
    }
    q.statuses.push_back(*status);
  }
  for (const std::string& tag : req.QueryList("tags")) {
    size_t colon = tag.find(':');
    if (colon == std::string::npos) {
      q.tags.emplace_back(tag, std::nullopt);
    } else {
      q.tags.emplace_back(tag.substr(0, colon), tag.substr(colon + 1));
    }
  }
  return q;
}

absl::StatusOr<Response> List(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::WorkspaceQuery q,
                           ParseListQuery(req, WorkspaceKeyFrom(who.account, p)));
  TERRANE_ASSIGN_OR_RETURN(model::WorkspacePage page, d.store.ListWorkspaces(q));
  boost::json::monotonic_resource arena(kArenaBytes);
  boost::json::array out(&arena);
  out.reserve(page.items.size());
  for (const model::WorkspaceSummary& ws : page.items) {
    out.push_back(model::WorkspaceSummaryToJson(ws, out.storage()));
  }
  Response resp = JsonResponse(200, std::move(out));
  SetPageHeaders(resp, page.total, q.limit);
  return resp;
}

absl::StatusOr<Response> Create(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(auto parsed, model::ParseWorkspaceCreate(req.body));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  key.identifier = parsed.first;
  req.audit.details["workspace"] = key.identifier;
  TERRANE_RETURN_IF_ERROR(service::AuthorizeWorkspaceWrite(who, key, nullptr, parsed.second));
  TERRANE_RETURN_IF_ERROR(service::ValidateSecretReferences(d.store, key, parsed.second));
  TERRANE_RETURN_IF_ERROR(d.store.CreateWorkspace(key, parsed.second, d.clock.NowMillis()));
  return JsonResponse(200, boost::json::object());
}

// What a GET workspace answer depends on besides the stored data: the path and the Host header
// (the backend block names it). Length-prefixed, so no two requests share a key.
std::string AnswerKey(const model::WorkspaceKey& key, const Request& req) {
  std::string out;
  for (std::string_view part : {std::string_view(key.account), std::string_view(key.org),
                                std::string_view(key.project), std::string_view(key.identifier),
                                req.Header("host").value_or("")}) {
    absl::StrAppend(&out, part.size(), ":", absl::string_view(part.data(), part.size()));
  }
  return out;
}

absl::StatusOr<Response> Get(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  // Taken before the read, so an answer cached under it is at least as new as the counter.
  // Without a counter (an error reading it) the answer is rendered and not kept.
  std::optional<uint64_t> counter;
  std::string answer_key;
  if (d.answers != nullptr) {
    if (absl::StatusOr<uint64_t> c = d.store.ChangeCounter(); c.ok()) counter = *c;
  }
  Response resp;
  if (counter.has_value()) {
    answer_key = AnswerKey(key, req);
    if (std::optional<std::string> body = d.answers->Find(answer_key, *counter)) {
      resp.body = *std::move(body);
      return resp;
    }
  }
  TERRANE_ASSIGN_OR_RETURN(model::Workspace ws, d.store.GetWorkspace(key));
  boost::json::monotonic_resource arena(kArenaBytes);
  boost::json::object extra(&arena);
  extra["terraform_backend"] = BackendConfigJson(BackendConfigFor(req, ws.key), &arena);
  resp.body = model::WorkspaceJson(ws, extra);
  if (counter.has_value()) d.answers->Put(std::move(answer_key), *counter, resp.body);
  return resp;
}

absl::StatusOr<Response> Update(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(model::WorkspaceSpec spec,
                           model::ParseWorkspaceUpdate(req.body, key.identifier));
  // Checked first against the workspace as read (so secret references are not validated for a
  // caller who may not use them), then again inside the update's transaction, so a concurrent
  // update cannot turn an edit into an unpermitted delete of a variable.
  TERRANE_ASSIGN_OR_RETURN(model::Workspace current, d.store.GetWorkspace(key));
  TERRANE_RETURN_IF_ERROR(service::AuthorizeWorkspaceWrite(who, key, &current.spec, spec));
  TERRANE_RETURN_IF_ERROR(service::ValidateSecretReferences(d.store, key, spec));
  TERRANE_RETURN_IF_ERROR(d.store.UpdateWorkspace(
      key, spec, d.clock.NowMillis(), [&](const model::WorkspaceSpec& before) {
        return service::AuthorizeWorkspaceWrite(who, key, &before, spec);
      }));
  return JsonResponse(200, boost::json::object());
}

absl::StatusOr<Response> Delete(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_RETURN_IF_ERROR(d.store.DeleteWorkspace(WorkspaceKeyFrom(who.account, p)).status());
  return EmptyResponse(204);
}

absl::StatusOr<Response> BackendConfig(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Workspace ws,
                           d.store.GetWorkspace(WorkspaceKeyFrom(who.account, p)));
  Response resp;
  resp.content_type = "text/plain; charset=utf-8";
  resp.body = BackendConfigHcl(BackendConfigFor(req, ws.key));
  return resp;
}

absl::StatusOr<Response> Lock(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(boost::json::object body, ParseJsonObject(req.body, true));
  TERRANE_ASSIGN_OR_RETURN(std::string reason, OptionalString(body, "reason"));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(model::Lock lock,
                           service::LockManually(d.store, key, reason, who, d.clock.NowMillis()));
  req.audit.details["lock_id"] = lock.id;
  return JsonResponse(200, model::LockToJson(lock, key.identifier));
}

absl::StatusOr<Response> ForceUnlock(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_RETURN_IF_ERROR(service::UnlockState(d.store, WorkspaceKeyFrom(who.account, p), "", who));
  return EmptyResponse(200);
}

// Keeps the items of `key` whose type is in `types` (all when empty).
void KeepTypes(boost::json::object& out, std::string_view key,
               const std::vector<std::string>& types) {
  boost::json::array* items = out[key].if_array();
  if (types.empty() || items == nullptr) return;
  boost::json::array kept;
  for (boost::json::value& item : *items) {
    const boost::json::value* type =
        item.is_object() ? item.get_object().if_contains("type") : nullptr;
    if (type != nullptr && type->is_string() &&
        std::find(types.begin(), types.end(), std::string_view(type->get_string())) !=
            types.end()) {
      kept.push_back(std::move(item));
    }
  }
  out[key] = std::move(kept);
}

// `resource_types` filters resources and data sources; `limit`/`page` page through resources
// (iacm-api.md §5.4: without `limit` every record is returned).
absl::StatusOr<Response> Resources(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(int limit, QueryInt(req, "limit", 0, 1, 1000));
  TERRANE_ASSIGN_OR_RETURN(int page, QueryInt(req, "page", 1, 1, 1'000'000'000));
  TERRANE_ASSIGN_OR_RETURN(std::optional<storage::CurrentState> state,
                           d.store.GetCurrentState(WorkspaceKeyFrom(who.account, p)));
  TERRANE_ASSIGN_OR_RETURN(boost::json::object out,
                           model::ExtractResources(state.has_value() ? state->body : "{}"));
  std::vector<std::string> types = req.QueryList("resource_types");
  KeepTypes(out, "resources", types);
  KeepTypes(out, "data_sources", types);
  boost::json::array* all = out["resources"].if_array();
  if (limit > 0 && all != nullptr) {
    size_t begin = std::min(all->size(), static_cast<size_t>(page - 1) * limit);
    size_t end = std::min(all->size(), begin + static_cast<size_t>(limit));
    out["resources"] = boost::json::array(all->begin() + static_cast<std::ptrdiff_t>(begin),
                                          all->begin() + static_cast<std::ptrdiff_t>(end));
  }
  return JsonResponse(200, std::move(out));
}

}  // namespace

void RegisterWorkspaceRoutes(Router& r, const ApiDeps& d, std::string_view prefix) {
  std::string w = absl::StrCat(AsAbsl(prefix), "/orgs/{org}/projects/{project}/workspaces");
  std::string ws = w + "/{workspace}";
  auto bind = [&d](auto fn) { return BindDeps(d, fn); };
  r.Add("GET", w, bind(List));
  r.Add("POST", w, bind(Create), {.audit_action = "workspace.create"});
  r.Add("GET", ws, bind(Get));
  r.Add("PUT", ws, bind(Update), {.audit_action = "workspace.update"});
  r.Add("DELETE", ws, bind(Delete), {.audit_action = "workspace.delete"});
  r.Add("GET", ws + "/backend-config", bind(BackendConfig));
  r.Add("POST", ws + "/actions/lock", bind(Lock), {.audit_action = "lock.acquire"});
  r.Add("POST", ws + "/actions/force-unlock", bind(ForceUnlock),
        {.audit_action = "lock.force_release"});
  r.Add("GET", ws + "/resources", bind(Resources));
}

}  // namespace terrane::http::handlers
