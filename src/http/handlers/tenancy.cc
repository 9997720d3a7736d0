// /v1/orgs and /v1/orgs/{org}/projects (Harness platform v1 shapes).
#include <utility>

#include "boost/json/array.hpp"
#include "common/status_macros.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"
#include "model/tenancy.h"
#include "service/authz.h"

namespace terrane::http::handlers {
namespace {

std::string Param(const PathParams& p, std::string_view name) { return p.find(name)->second; }

absl::StatusOr<Response> CreateOrg(const ApiDeps& d, Request& req) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Org org, model::ParseOrgCreate(req.body));
  req.audit.details["org"] = org.identifier;
  org.account = who.account;
  org.created = org.updated = d.clock.NowMillis();
  TERRANE_RETURN_IF_ERROR(d.store.CreateOrg(org));
  return JsonResponse(201, model::OrgToJson(org));
}

absl::StatusOr<Response> ListOrgs(const ApiDeps& d, Request& req) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Org> orgs, d.store.ListOrgs(who.account));
  // Only the orgs the caller may view (a grant at the account or at that org).
  std::erase_if(orgs, [&](const model::Org& org) {
    return !service::Allows(who, model::Permission::kOrgView, {.scope = {.org = org.identifier}});
  });
  boost::json::array out;
  for (const model::Org& org : orgs) out.push_back(model::OrgToJson(org));
  Response resp = JsonResponse(200, std::move(out));
  SetPageHeaders(resp, static_cast<int64_t>(orgs.size()), static_cast<int>(orgs.size()));
  return resp;
}

absl::StatusOr<Response> GetOrg(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Org org, d.store.GetOrg(who.account, Param(p, "org")));
  return JsonResponse(200, model::OrgToJson(org));
}

absl::StatusOr<Response> DeleteOrg(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Org org, d.store.GetOrg(who.account, Param(p, "org")));
  TERRANE_RETURN_IF_ERROR(d.store.DeleteOrg(who.account, org.identifier));
  return JsonResponse(200, model::OrgToJson(org));
}

absl::StatusOr<Response> CreateProject(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Project project,
                           model::ParseProjectCreate(req.body, Param(p, "org")));
  req.audit.details["project"] = project.identifier;
  project.account = who.account;
  project.org = Param(p, "org");
  project.created = project.updated = d.clock.NowMillis();
  TERRANE_RETURN_IF_ERROR(d.store.CreateProject(project));
  return JsonResponse(201, model::ProjectToJson(project));
}

absl::StatusOr<Response> ListProjects(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  const std::string org = Param(p, "org");
  absl::StatusOr<std::vector<model::Project>> listed = d.store.ListProjects(who.account, org);
  // Only the projects the caller may view. A caller who may not view the org itself learns
  // nothing from the answer: a missing org lists like one with no project visible to them.
  if (!service::Allows(who, model::Permission::kProjectView, {.scope = {.org = org}}) &&
      absl::IsNotFound(listed.status())) {
    listed = std::vector<model::Project>();
  }
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Project> projects, std::move(listed));
  std::erase_if(projects, [&](const model::Project& project) {
    return !service::Allows(who, model::Permission::kProjectView,
                            {.scope = {.org = org, .project = project.identifier}});
  });
  boost::json::array out;
  for (const model::Project& project : projects) out.push_back(model::ProjectToJson(project));
  Response resp = JsonResponse(200, std::move(out));
  SetPageHeaders(resp, static_cast<int64_t>(projects.size()), static_cast<int>(projects.size()));
  return resp;
}

absl::StatusOr<Response> GetProject(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Project project,
                           d.store.GetProject(who.account, Param(p, "org"), Param(p, "project")));
  return JsonResponse(200, model::ProjectToJson(project));
}

absl::StatusOr<Response> DeleteProject(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Project project,
                           d.store.GetProject(who.account, Param(p, "org"), Param(p, "project")));
  TERRANE_RETURN_IF_ERROR(d.store.DeleteProject(who.account, project.org, project.identifier));
  return JsonResponse(200, model::ProjectToJson(project));
}

}  // namespace

void RegisterTenancyRoutes(Router& r, const ApiDeps& d) {
  r.Add("POST", "/v1/orgs", [&d](Request& q, const PathParams&) { return CreateOrg(d, q); },
        {.audit_action = "org.create"});
  r.Add("GET", "/v1/orgs", [&d](Request& q, const PathParams&) { return ListOrgs(d, q); });
  r.Add("GET", "/v1/orgs/{org}", [&d](Request& q, const PathParams& p) { return GetOrg(d, q, p); });
  r.Add("DELETE", "/v1/orgs/{org}",
        [&d](Request& q, const PathParams& p) { return DeleteOrg(d, q, p); },
        {.audit_action = "org.delete"});
  r.Add("POST", "/v1/orgs/{org}/projects",
        [&d](Request& q, const PathParams& p) { return CreateProject(d, q, p); },
        {.audit_action = "project.create"});
  r.Add("GET", "/v1/orgs/{org}/projects",
        [&d](Request& q, const PathParams& p) { return ListProjects(d, q, p); });
  r.Add("GET", "/v1/orgs/{org}/projects/{project}",
        [&d](Request& q, const PathParams& p) { return GetProject(d, q, p); });
  r.Add("DELETE", "/v1/orgs/{org}/projects/{project}",
        [&d](Request& q, const PathParams& p) { return DeleteProject(d, q, p); },
        {.audit_action = "project.delete"});
}

}  // namespace terrane::http::handlers
