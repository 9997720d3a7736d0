// {prefix}/.../workspaces/{workspace}/terraform-backend[/lock]: terraform's `http` backend
// (terraform-http-backend.md §10). Success answers are exactly 200; lock conflicts answer 423
// with the holder's LockInfo; an unknown workspace is an error terraform cannot mistake for
// "no state yet" (422, never 404).
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "http/errors.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"
#include "service/state.h"

namespace terrane::http::handlers {
namespace {

// terraform reads a 404 on GET as "no state yet" and would plan to create everything again;
// an unknown workspace therefore answers 422, which terraform reports as an error.
absl::StatusOr<Response> BackendResult(absl::StatusOr<Response> result, const Request& req,
                                       const model::WorkspaceKey& key) {
  if (!absl::IsNotFound(result.status())) return result;
  return GoaError(422, "unknown_workspace",
                  absl::StrCat(result.status().message(), ". Workspace '", key.identifier,
                               "' does not exist in org '", key.org, "', project '", key.project,
                               "': check the backend address or create the workspace first. "
                               "Terrane never treats an unknown workspace as empty state."),
                  req.request_id);
}

absl::StatusOr<model::WorkspaceKey> Authorize(const ApiDeps& d, Request& req, const PathParams& p,
                                              service::Principal* who) {
  TERRANE_ASSIGN_OR_RETURN(*who, AuthenticateBackend(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who->account, p);
  const std::optional<model::WorkspaceKey>& only = who->only_workspace;
  if (only.has_value() && (only->org != key.org || only->project != key.project ||
                           only->identifier != key.identifier)) {
    return absl::PermissionDeniedError(
        "this run credential belongs to another workspace's run and cannot reach this state");
  }
  return key;
}

absl::StatusOr<Response> ReadState(const ApiDeps& d, const Request& req,
                                   const model::WorkspaceKey& key) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<storage::CurrentState> state,
                           d.store.GetCurrentState(key));
  if (!state.has_value()) {
    // terraform's "no state yet" answer; the workspace itself exists.
    return GoaError(404, "not_found", "this workspace has no state yet", req.request_id);
  }
  Response resp;
  resp.body = std::move(state->body);
  resp.headers.emplace_back("x-terrane-state-serial", std::to_string(state->version.serial));
  return resp;
}

absl::StatusOr<Response> WriteStateBody(const ApiDeps& d, Request& req,
                                        const model::WorkspaceKey& key,
                                        const service::Principal& who) {
  std::optional<std::string> lock_id;
  if (std::optional<std::string_view> id = req.Query("ID")) lock_id = std::string(*id);
  service::StateUpload upload{
      .body = req.body, .content_md5 = req.Header("content-md5"), .lock_id = lock_id};
  TERRANE_ASSIGN_OR_RETURN(storage::StateWriteResult result,
                           service::WriteState(d.store, key, upload, who, d.clock.NowMillis()));
  boost::json::object& facts = req.audit.details;
  facts["version"] = result.version.id;
  facts["serial"] = result.version.serial;
  facts["lineage"] = result.version.lineage;
  facts["sha256"] = result.version.sha256;
  facts["created"] = result.created;
  return JsonResponse(200, boost::json::object{{"id", result.version.id},
                                               {"serial", result.version.serial},
                                               {"created", result.created}});
}

absl::StatusOr<Response> Handle(const ApiDeps& d, Request& req, const PathParams& p,
                                bool lock_route) {
  service::Principal who;
  TERRANE_ASSIGN_OR_RETURN(model::WorkspaceKey key, Authorize(d, req, p, &who));
  auto run = [&]() -> absl::StatusOr<Response> {
    const std::string& m = req.method;
    if (m == "LOCK" || (lock_route && m == "POST")) {
      TERRANE_ASSIGN_OR_RETURN(
          model::Lock lock, service::LockState(d.store, key, req.body, who, d.clock.NowMillis()));
      req.audit.details["lock_id"] = lock.id;
      return EmptyResponse(200);
    }
    if (m == "UNLOCK" || (lock_route && m == "DELETE")) {
      // terraform force-unlock sends no body (terraform-http-backend.md §4.6).
      if (req.body.empty()) req.audit.action = "lock.force_release";
      TERRANE_RETURN_IF_ERROR(service::UnlockState(d.store, key, req.body, who));
      return EmptyResponse(200);
    }
    // The router serves HEAD with the GET handler; the server drops the body.
    if ((m == "GET" || m == "HEAD") && !lock_route) return ReadState(d, req, key);
    if ((m == "POST" || m == "PUT") && !lock_route) return WriteStateBody(d, req, key, who);
    TERRANE_RETURN_IF_ERROR(d.store.GetWorkspace(key).status());
    Response refused = GoaError(405, "method_not_allowed",
                                "the terraform state cannot be deleted through the backend; run a "
                                "destroy and delete the workspace instead",
                                req.request_id);
    refused.headers.emplace_back("Allow", "GET, HEAD, LOCK, POST, PUT, UNLOCK");
    return refused;
  };
  return BackendResult(run(), req, key);
}

}  // namespace

void RegisterStateBackendRoutes(Router& r, const ApiDeps& d, std::string_view prefix) {
  std::string state = absl::StrCat(AsAbsl(prefix),
                                   "/orgs/{org}/projects/{project}/workspaces/{workspace}/"
                                   "terraform-backend");
  // What each method does on the two addresses, for the audit trail.
  auto options = [&d](std::string_view method, bool lock_route) {
    bool write = !lock_route && (method == "POST" || method == "PUT");
    RouteOptions o{.body_limit = write ? d.max_state_bytes : 64 << 10, .lock_info_errors = true};
    if (method == "LOCK" || (lock_route && method == "POST")) o.audit_action = "lock.acquire";
    if (method == "UNLOCK" || (lock_route && method == "DELETE")) o.audit_action = "lock.release";
    if (write) o.audit_action = "state.write";
    if (!lock_route && method == "DELETE") o.audit_action = "state.delete";  // always refused
    return o;
  };
  for (const char* m : {"GET", "POST", "PUT", "LOCK", "UNLOCK", "DELETE"}) {
    r.Add(
        m, state, [&d](Request& q, const PathParams& p) { return Handle(d, q, p, false); },
        options(m, false));
  }
  for (const char* m : {"POST", "DELETE", "LOCK", "UNLOCK"}) {
    r.Add(
        m, state + "/lock", [&d](Request& q, const PathParams& p) { return Handle(d, q, p, true); },
        options(m, true));
  }
}

}  // namespace terrane::http::handlers
