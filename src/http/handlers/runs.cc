// Runs of a workspace (W/{ws}/runs...) and the project's executions: start, list, show, logs
// (whole or followed), plan artifacts, approve, reject, cancel.
#include <charconv>
#include <memory>

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "common/status_macros.h"
#include "common/strings.h"
#include "http/handlers/common.h"
#include "http/handlers/routes.h"
#include "runner/job_runner.h"

namespace terrane::http::handlers {
namespace {

// Largest piece of log sent at once.
constexpr int64_t kLogChunk = 1 << 20;
// How long one ChunkSource::Next waits for new output.
constexpr absl::Duration kFollowWait = absl::Seconds(1);

absl::StatusOr<runner::JobRunner*> Runner(const ApiDeps& d) {
  if (d.runner == nullptr) return absl::UnavailableError("this server does not execute runs");
  return d.runner;
}

std::string RunId(const PathParams& p) {
  auto it = p.find("run");
  return it == p.end() ? std::string() : it->second;
}

// Follows a run's log: what is stored from `offset` on, then new output as it arrives, until
// the run has ended and everything was sent.
class LogFollower final : public ChunkSource {
 public:
  LogFollower(storage::Store& store, runner::LogHub& hub, model::WorkspaceKey key,
              std::string run_id, int64_t offset)
      : store_(store), hub_(hub), key_(std::move(key)), run_id_(std::move(run_id)),
        offset_(offset) {}

  // ChunkSource
  std::optional<std::string> Next() override {
    if (done_) return std::nullopt;
    uint64_t seen = hub_.Version();
    // Read the run's status before the log: output stored before the run ended is then sure
    // to be read by this or the next call.
    absl::StatusOr<model::Run> run = store_.GetRun(key_, run_id_);
    absl::StatusOr<std::string> bytes = store_.ReadRunLog(run_id_, offset_, kLogChunk);
    if (!run.ok() || !bytes.ok()) {
      done_ = true;
      return std::string("\n[terrane] the run is gone (was its workspace deleted?)\n");
    }
    if (!bytes->empty()) {
      offset_ += static_cast<int64_t>(bytes->size());
      return *std::move(bytes);
    }
    if (model::IsFinal(run->status) || run->status == model::RunStatus::kWaitingApproval) {
      done_ = true;
      return std::nullopt;
    }
    hub_.WaitForChange(seen, kFollowWait);
    return std::string();
  }

 private:
  storage::Store& store_;
  runner::LogHub& hub_;
  model::WorkspaceKey key_;
  std::string run_id_;
  int64_t offset_;
  bool done_ = false;
};

absl::StatusOr<Response> Create(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(runner::JobRunner * jobs, Runner(d));
  TERRANE_ASSIGN_OR_RETURN(model::Run run, model::ParseRunCreate(req.body));
  req.audit.details["operation"] = model::ToString(run.operation);
  TERRANE_ASSIGN_OR_RETURN(model::Run queued,
                           jobs->Enqueue(WorkspaceKeyFrom(who.account, p), std::move(run), who));
  req.audit.details["run"] = queued.id;
  return JsonResponse(200, model::RunToJson(queued));
}

absl::StatusOr<Response> ListFor(const ApiDeps& d, Request& req, model::WorkspaceKey key) {
  TERRANE_ASSIGN_OR_RETURN(int limit, QueryInt(req, "limit", 30, 1, 1000));
  TERRANE_ASSIGN_OR_RETURN(int page, QueryInt(req, "page", 1, 1, 1'000'000'000));
  int64_t total = 0;
  TERRANE_ASSIGN_OR_RETURN(std::vector<model::Run> runs, d.store.ListRuns(key, limit, page, &total));
  boost::json::array out;
  for (const model::Run& run : runs) out.push_back(model::RunToJson(run));
  Response resp = JsonResponse(200, out);
  SetPageHeaders(resp, total, limit);
  return resp;
}

absl::StatusOr<Response> List(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  return ListFor(d, req, WorkspaceKeyFrom(who.account, p));
}

absl::StatusOr<Response> Executions(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  key.identifier.clear();
  return ListFor(d, req, std::move(key));
}

absl::StatusOr<Response> Get(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Run run,
                           d.store.GetRun(WorkspaceKeyFrom(who.account, p), RunId(p)));
  return JsonResponse(200, model::RunToJson(run));
}

absl::StatusOr<bool> QueryBool(const Request& req, std::string_view name) {
  std::optional<std::string_view> v = req.Query(name);
  if (!v.has_value() || *v == "false" || *v == "0") return false;
  if (v->empty() || *v == "true" || *v == "1") return true;
  return absl::InvalidArgumentError(
      Cat("query parameter '", AsAbsl(name), "' must be true or false"));
}

absl::StatusOr<Response> Logs(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  model::WorkspaceKey key = WorkspaceKeyFrom(who.account, p);
  TERRANE_ASSIGN_OR_RETURN(model::Run run, d.store.GetRun(key, RunId(p)));
  TERRANE_ASSIGN_OR_RETURN(int offset, QueryInt(req, "offset", 0, 0, 2'000'000'000));
  TERRANE_ASSIGN_OR_RETURN(bool follow, QueryBool(req, "follow"));
  Response resp;
  resp.content_type = "text/plain; charset=utf-8";
  if (follow) {
    TERRANE_ASSIGN_OR_RETURN(runner::JobRunner * jobs, Runner(d));
    resp.stream = std::make_shared<LogFollower>(d.store, jobs->hub(), key, run.id, offset);
    return resp;
  }
  std::string all;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(std::string part,
                             d.store.ReadRunLog(run.id, offset + static_cast<int64_t>(all.size()),
                                                kLogChunk));
    if (part.empty()) break;
    all += part;
  }
  resp.headers.emplace_back("x-run-status", std::string(model::ToString(run.status)));
  resp.body = std::move(all);
  return resp;
}

absl::StatusOr<Response> Plan(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(model::Run run,
                           d.store.GetRun(WorkspaceKeyFrom(who.account, p), RunId(p)));
  std::string_view format = req.Query("format").value_or("text");
  if (format != "text" && format != "json") {
    return absl::InvalidArgumentError("query parameter 'format' must be text or json");
  }
  absl::StatusOr<std::string> bytes =
      d.store.GetRunArtifact(run.id, format == "json" ? "plan_json" : "plan_human");
  if (absl::IsNotFound(bytes.status())) {
    return absl::NotFoundError(Cat("run ", run.id, " has no plan (yet): its plan step is ",
                                            "pending or failed"));
  }
  if (!bytes.ok()) return bytes.status();
  Response resp;
  resp.content_type = format == "json" ? "application/json" : "text/plain; charset=utf-8";
  resp.body = *std::move(bytes);
  return resp;
}

template <bool kApprove>
absl::StatusOr<Response> Decide(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(runner::JobRunner * jobs, Runner(d));
  TERRANE_ASSIGN_OR_RETURN(model::Run run,
                           jobs->Decide(WorkspaceKeyFrom(who.account, p), RunId(p), kApprove, who));
  return JsonResponse(200, model::RunToJson(run));
}

absl::StatusOr<Response> Cancel(const ApiDeps& d, Request& req, const PathParams& p) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, AuthenticateRest(req, d.auth));
  TERRANE_ASSIGN_OR_RETURN(runner::JobRunner * jobs, Runner(d));
  TERRANE_ASSIGN_OR_RETURN(model::Run run,
                           jobs->Cancel(WorkspaceKeyFrom(who.account, p), RunId(p), who));
  return JsonResponse(200, model::RunToJson(run));
}

}  // namespace

void RegisterRunRoutes(Router& r, const ApiDeps& d, std::string_view prefix) {
  std::string project = Cat(AsAbsl(prefix), "/orgs/{org}/projects/{project}");
  std::string runs = project + "/workspaces/{workspace}/runs";
  std::string run = runs + "/{run}";
  auto bind = [&d](auto fn) { return BindDeps(d, fn); };
  r.Add("POST", runs, bind(Create), {.audit_action = "run.start"});
  r.Add("GET", runs, bind(List));
  r.Add("GET", run, bind(Get));
  r.Add("GET", run + "/logs", bind(Logs));
  r.Add("GET", run + "/plan", bind(Plan));
  r.Add("POST", run + "/approve", bind(Decide<true>), {.audit_action = "run.approve"});
  r.Add("POST", run + "/reject", bind(Decide<false>), {.audit_action = "run.reject"});
  r.Add("POST", run + "/cancel", bind(Cancel), {.audit_action = "run.cancel"});
  r.Add("GET", project + "/executions", bind(Executions));
}

}  // namespace terrane::http::handlers
