#include "http/router.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/synchronization/mutex.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "http/errors.h"
#include "model/lock.h"

namespace terrane::http {
namespace {

std::optional<std::string> HeaderOf(const Response& res, std::string_view name) {
  for (const auto& [key, value] : res.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Request MakeRequest(std::string method, std::string target) {
  Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.request_id = "req1";
  EXPECT_TRUE(ParseTarget(req.target, req));
  return req;
}

// A handler answering "<tag> k=v k=v" for the captured params.
Handler Echo(std::string tag) {
  return [tag](Request& req, const PathParams& params) -> absl::StatusOr<Response> {
    std::string body = tag + " " + req.method;
    for (const auto& [key, value] : params) body += " " + key + "=" + value;
    return Response{.status = 200, .content_type = "text/plain", .headers = {}, .body = body};
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add("GET", "/v1/orgs", Echo("list"));
    router_.Add("POST", "/v1/orgs", Echo("create"));
    router_.Add("GET", "/v1/orgs/{org}", Echo("get"));
    router_.Add("DELETE", "/v1/orgs/{org}", Echo("delete"));
    router_.Add("GET", "/v1/orgs/{org}/ws/{ws}/terraform-backend", Echo("state"),
                {.body_limit = 64 << 20, .lock_info_errors = true});
    router_.Add("LOCK", "/v1/orgs/{org}/ws/{ws}/terraform-backend", Echo("lock"),
                {.body_limit = 4096, .lock_info_errors = true});
    router_.Add("GET", "/v1/orgs/special", Echo("special"));
  }

  Response Run(std::string method, std::string target) {
    Request req = MakeRequest(std::move(method), std::move(target));
    return router_.Dispatch(req);
  }

  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoutes) {
  Response res = Run("GET", "/v1/orgs");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "list GET");
  EXPECT_EQ(Run("POST", "/v1/orgs").body, "create POST");
}

TEST_F(RouterTest, CapturesDecodedSegments) {
  EXPECT_EQ(Run("GET", "/v1/orgs/acme").body, "get GET org=acme");
  EXPECT_EQ(Run("GET", "/v1/orgs/a%2Fb%20c").body, "get GET org=a/b c");
  EXPECT_EQ(Run("LOCK", "/v1/orgs/o1/ws/prod.eu/terraform-backend?x=1").body,
            "lock LOCK org=o1 ws=prod.eu");
}

TEST_F(RouterTest, FirstAddedRouteWins) {
  EXPECT_EQ(Run("GET", "/v1/orgs/special").body, "get GET org=special");
}

TEST_F(RouterTest, TrailingAndDoubledSlashesDoNotMatter) {
  EXPECT_EQ(Run("GET", "/v1/orgs/").body, "list GET");
  EXPECT_EQ(Run("GET", "//v1//orgs//acme/").body, "get GET org=acme");
}

TEST_F(RouterTest, UnknownPathIs404WithoutQuery) {
  Response res = Run("GET", "/v2/nothing?secret=abc");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.content_type, "application/vnd.goa.error");
  boost::json::value body = boost::json::parse(res.body);
  EXPECT_EQ(body.at("name").as_string(), "not_found");
  EXPECT_EQ(body.at("id").as_string(), "req1");
  EXPECT_EQ(body.at("message").as_string(), "no route for GET /v2/nothing: see the API reference");
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
}

TEST_F(RouterTest, SegmentCountMustMatch) {
  EXPECT_EQ(Run("GET", "/v1/orgs/acme/extra").status, 404);
  EXPECT_EQ(Run("GET", "/v1").status, 404);
}

TEST_F(RouterTest, KnownPathOtherMethodIs405WithAllow) {
  Response res = Run("PUT", "/v1/orgs/acme");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(HeaderOf(res, "Allow"), "DELETE, GET, HEAD");
  boost::json::value body = boost::json::parse(res.body);
  EXPECT_EQ(body.at("name").as_string(), "method_not_allowed");
  EXPECT_EQ(res.content_type, "application/vnd.goa.error");
}

TEST_F(RouterTest, MethodsAreCaseSensitive) { EXPECT_EQ(Run("get", "/v1/orgs").status, 405); }

TEST_F(RouterTest, HeadUsesTheGetHandler) {
  EXPECT_EQ(Run("HEAD", "/v1/orgs/acme").body, "get HEAD org=acme");
  Response res = Run("HEAD", "/v1/orgs/x/ws/y/terraform-backend/lock");
  EXPECT_EQ(res.status, 404);
}

TEST_F(RouterTest, HandlerErrorsAreRendered) {
  router_.Add("GET", "/fail/{code}", [](Request&, const PathParams& params) {
    absl::Status status = absl::NotFoundError("workspace w1 not found");
    if (params.at("code") == "internal") status = absl::InternalError("db exploded");
    return absl::StatusOr<Response>(status);
  });
  Response res = Run("GET", "/fail/notfound");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(boost::json::parse(res.body).at("message").as_string(), "workspace w1 not found");
  res = Run("GET", "/fail/internal");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(boost::json::parse(res.body).at("message").as_string(),
            "internal error; see the server log for request req1");
}

TEST_F(RouterTest, LockInfoErrorsFollowRouteOptions) {
  auto locked = [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    absl::Status status = absl::AbortedError("locked");
    status.SetPayload(std::string(model::kLockInfoPayload), absl::Cord(R"({"ID":"abc"})"));
    return status;
  };
  router_.Add("POST", "/v1/orgs/{org}/ws/{ws}/terraform-backend", locked,
              {.body_limit = 1 << 20, .lock_info_errors = true});
  router_.Add("POST", "/v1/orgs/{org}/lock", locked);

  Response res = Run("POST", "/v1/orgs/o/ws/w/terraform-backend");
  EXPECT_EQ(res.status, 423);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, R"({"ID":"abc"})");

  res = Run("POST", "/v1/orgs/o/lock");
  EXPECT_EQ(res.status, 423);
  EXPECT_EQ(res.content_type, "application/vnd.goa.error");
}

TEST_F(RouterTest, OptionsForPrefersTheSameMethod) {
  Request req = MakeRequest("LOCK", "/v1/orgs/o/ws/w/terraform-backend");
  EXPECT_EQ(router_.OptionsFor("LOCK", req.segments).body_limit, 4096u);
  EXPECT_EQ(router_.OptionsFor("GET", req.segments).body_limit, 64u << 20);
  // Another method on a known path: the first route of that path.
  RouteOptions other = router_.OptionsFor("PUT", req.segments);
  EXPECT_EQ(other.body_limit, 64u << 20);
  EXPECT_TRUE(other.lock_info_errors);
}

TEST_F(RouterTest, OptionsForUnknownPathIsDefault) {
  Request req = MakeRequest("POST", "/nowhere");
  RouteOptions options = router_.OptionsFor("POST", req.segments);
  EXPECT_EQ(options.body_limit, RouteOptions{}.body_limit);
  EXPECT_FALSE(options.lock_info_errors);
}

TEST_F(RouterTest, HandlerCanReadAndConsumeTheRequest) {
  router_.Add("PUT", "/echo", [](Request& req, const PathParams&) -> absl::StatusOr<Response> {
    return Response{.status = 201,
                    .content_type = "application/octet-stream",
                    .headers = {},
                    .body = std::move(req.body)};
  });
  Request req = MakeRequest("PUT", "/echo");
  req.body = std::string(1000, 'x');
  Response res = router_.Dispatch(req);
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body.size(), 1000u);
}

// Keeps what the router reports, as the audit trail would store it.
struct Reported {
  std::string action;
  std::string path;
  int status = 0;
  std::string message;
  std::string actor;
  std::string param;
};

class RecordingSink final : public AuditSink {
 public:
  explicit RecordingSink(std::vector<Reported>* out) : out_(out) {}
  // AuditSink
  void Record(const AuditedRequest& r) override {
    auto it = r.params.find("org");
    out_->push_back({.action = std::string(r.action),
                     .path = r.request.target,
                     .status = r.http_status,
                     .message = std::string(r.error_message),
                     .actor = r.request.audit.actor,
                     .param = it == r.params.end() ? "" : it->second});
  }

 private:
  std::vector<Reported>* out_;
};

class AuditedRouterTest : public RouterTest {
 protected:
  AuditedRouterTest() {
    router_.SetAuditSink(std::make_unique<RecordingSink>(&reported_));
    router_.Add("PUT", "/v1/orgs/{org}", Authenticated(absl::OkStatus()),
                {.audit_action = "org.update"});
    router_.Add("POST", "/v1/orgs/{org}/refuse",
                Authenticated(absl::FailedPreconditionError("org 'o' is busy: try later")),
                {.audit_action = "org.refuse"});
    router_.Add("POST", "/v1/orgs/{org}/explode",
                Authenticated(absl::InternalError("sqlite: disk I/O error at page 7")),
                {.audit_action = "org.explode"});
    router_.Add("POST", "/v1/orgs/{org}/refine",
                [](Request& req, const PathParams&) -> absl::StatusOr<Response> {
                  req.audit.action = "org.refined";
                  return GoaError(405, "method_not_allowed", "not through here", req.request_id);
                },
                {.audit_action = "org.refine"});
    router_.Add("POST", "/v1/orgs/{org}/locked",
                [](Request&, const PathParams&) -> absl::StatusOr<Response> {
                  absl::Status status = absl::AbortedError("locked by api_key:ci");
                  status.SetPayload(std::string(model::kLockInfoPayload),
                                    absl::Cord(R"({"ID":"abc"})"));
                  return status;
                },
                {.lock_info_errors = true, .audit_action = "org.lock"});
  }

  // A handler that names its caller, as authentication does, then answers `status`.
  static Handler Authenticated(absl::Status status) {
    return [status](Request& req, const PathParams&) -> absl::StatusOr<Response> {
      req.audit.actor = "api_key:ci";
      if (!status.ok()) return status;
      return Response{.status = 204, .content_type = "", .headers = {}, .body = ""};
    };
  }

  std::vector<Reported> reported_;
};

TEST_F(AuditedRouterTest, ReportsAuditedRoutesWithTheirOutcome) {
  EXPECT_EQ(Run("PUT", "/v1/orgs/acme?x=1").status, 204);
  EXPECT_EQ(Run("POST", "/v1/orgs/acme/refuse").status, 409);
  ASSERT_EQ(reported_.size(), 2u);
  EXPECT_EQ(reported_[0].action, "org.update");
  EXPECT_EQ(reported_[0].status, 204);
  EXPECT_EQ(reported_[0].message, "");
  EXPECT_EQ(reported_[0].actor, "api_key:ci");
  EXPECT_EQ(reported_[0].param, "acme");
  EXPECT_EQ(reported_[1].action, "org.refuse");
  EXPECT_EQ(reported_[1].status, 409);
  EXPECT_EQ(reported_[1].message, "org 'o' is busy: try later");
}

TEST_F(AuditedRouterTest, ServerErrorsReportWhatTheClientSawOnly) {
  EXPECT_EQ(Run("POST", "/v1/orgs/acme/explode").status, 500);
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].status, 500);
  EXPECT_EQ(reported_[0].message, "internal error; see the server log for request req1");
}

TEST_F(AuditedRouterTest, HandlersRefineTheActionAndGoaAnswersKeepTheirMessage) {
  EXPECT_EQ(Run("POST", "/v1/orgs/acme/refine").status, 405);
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].action, "org.refined");
  EXPECT_EQ(reported_[0].message, "not through here");
}

TEST_F(AuditedRouterTest, LockConflictsReportTheStatusMessageNotTheLockInfo) {
  Response res = Run("POST", "/v1/orgs/acme/locked");
  EXPECT_EQ(res.body, R"({"ID":"abc"})");
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].status, 423);
  EXPECT_EQ(reported_[0].message, "locked by api_key:ci");
}

TEST_F(AuditedRouterTest, RoutesWithoutAnActionAndUnroutedRequestsAreNotReported) {
  EXPECT_EQ(Run("GET", "/v1/orgs").status, 200);
  EXPECT_EQ(Run("HEAD", "/v1/orgs/acme").status, 200);
  EXPECT_EQ(Run("POST", "/v1/orgs").status, 200);  // registered without an action
  EXPECT_EQ(Run("POST", "/nowhere").status, 404);
  EXPECT_EQ(Run("PATCH", "/v1/orgs/acme").status, 405);
  EXPECT_TRUE(reported_.empty());
}

TEST_F(AuditedRouterTest, RoutesListsEveryRouteWithItsOptions) {
  std::vector<RouteInfo> routes = router_.Routes();
  ASSERT_EQ(routes.size(), 12u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/v1/orgs");
  EXPECT_EQ(routes[0].options.audit_action, "");
  EXPECT_EQ(routes[7].method, "PUT");
  EXPECT_EQ(routes[7].pattern, "/v1/orgs/{org}");
  EXPECT_EQ(routes[7].options.audit_action, "org.update");
  EXPECT_EQ(routes[11].options.audit_action, "org.lock");
  EXPECT_TRUE(routes[11].options.lock_info_errors);
}

}  // namespace
}  // namespace terrane::http
