// AuditTrail, and GET /v1/audit: the account's audit trail, filtered and paged newest first.
#include "http/handlers/audit.h"

#include <charconv>
#include <optional>
#include <utility>

#include "boost/json/array.hpp"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"

namespace terrane::http::handlers {
namespace {

// The path part of a raw target: query strings may carry a lock ID and other client text that
// does not belong in the record's path.
std::string PathOf(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

absl::StatusOr<std::optional<int64_t>> QueryTime(const Request& req, std::string_view name) {
  std::optional<std::string_view> text = req.Query(name);
  if (!text.has_value() || text->empty()) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0) {
    return absl::InvalidArgumentError(
        Cat("query parameter '", name, "' must be a time in unix milliseconds, got '", *text, "'"));
  }
  return std::optional<int64_t>(value);
}

absl::StatusOr<model::AuditQuery> ParseAuditQuery(const Request& req, std::string account) {
  model::AuditQuery q{.account = std::move(account)};
  TERRANE_ASSIGN_OR_RETURN(q.limit, QueryInt(req, "limit", 30, 1, 1000));
  TERRANE_ASSIGN_OR_RETURN(q.page, QueryInt(req, "page", 1, 1, 1'000'000'000));
  q.actor = std::string(req.Query("actor").value_or(""));
  q.action = std::string(req.Query("action").value_or(""));
  q.org = std::string(req.Query("org").value_or(""));
  q.project = std::string(req.Query("project").value_or(""));
  q.workspace = std::string(req.Query("workspace").value_or(""));
  if (std::optional<std::string_view> outcome = req.Query("outcome");
      outcome.has_value() && !outcome->empty()) {
    q.outcome = model::ParseAuditOutcome(*outcome);
    if (!q.outcome.has_value()) {
      return absl::InvalidArgumentError(Cat("query parameter 'outcome' has unknown value '",
                                            *outcome, "'; use success, refused or failed"));
    }
  }
  TERRANE_ASSIGN_OR_RETURN(q.from, QueryTime(req, "from"));
  TERRANE_ASSIGN_OR_RETURN(q.to, QueryTime(req, "to"));
  return q;
}

absl::StatusOr<Response> List(const ApiDeps& d, Request& req, const PathParams&) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::AuditQuery q, ParseAuditQuery(req, who.account));
  int64_t total = 0;
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::AuditRecord> records,
                           d.store.ListAuditRecords(q, &total));
  boost::json::array out;
  out.reserve(records.size());
  for (const model::AuditRecord& r : records) out.push_back(model::AuditRecordToJson(r));
  Response resp = JsonResponse(200, std::move(out));
  SetPageHeaders(resp, total, q.limit);
  return resp;
}

}  // namespace

model::AuditRecord AuditRecordFor(const AuditedRequest& a, int64_t now) {
  const Request& req = a.request;
  model::AuditRecord r{.time = now,
                       .account = req.audit.account,
                       .actor_id = req.audit.actor_id,
                       .actor = req.audit.actor,
                       .remote = req.remote,
                       .action = std::string(a.action),
                       .method = req.method,
                       .path = PathOf(req.target),
                       .http_status = a.http_status,
                       .outcome = model::AuditOutcomeForHttpStatus(a.http_status),
                       .message = std::string(a.error_message),
                       .request_id = req.request_id,
                       .details = req.audit.details};
  // The path names what was addressed; a body or a result may name it too (a created
  // workspace or run). Other path parameters (a secret, a state version) are details.
  for (const auto& [name, value] : a.params) {
    if (name != "org" && name != "project" && name != "workspace" && name != "run") {
      r.details[name] = value;
    }
  }
  auto column = [&](std::string_view name, std::string& out) {
    auto it = a.params.find(name);
    if (it != a.params.end()) out = it->second;
    if (boost::json::value* v = r.details.if_contains(name)) {
      if (out.empty() && v->is_string()) out = std::string(v->get_string());
      r.details.erase(name);
    }
  };
  column("org", r.org);
  column("project", r.project);
  column("workspace", r.workspace);
  column("run", r.run);
  return r;
}

void AuditTrail::Record(const AuditedRequest& request) {
  model::AuditRecord record = AuditRecordFor(request, clock_.NowMillis());
  absl::StatusOr<int64_t> stored = store_.AppendAuditRecord(record);
  if (stored.ok()) return;
  int64_t failures = write_failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  TERRANE_LOG(error, "audit",
              "request_id={} action={} status={} audit record not stored ({} since start): {}",
              record.request_id, record.action, record.http_status, failures,
              stored.status().ToString());
}

void RegisterAuditRoutes(Router& r, const ApiDeps& d) {
  r.Add("GET", "/v1/audit", BindDeps(d, List));
}

}  // namespace terrane::http::handlers
