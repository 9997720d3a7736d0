#include "http/errors.h"

#include <string>

#include "absl/strings/cord.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "common/token_buckets.h"
#include "model/lock.h"

namespace terrane::http {
namespace {

std::optional<std::string> HeaderOf(const Response& res, std::string_view name) {
  for (const auto& [key, value] : res.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

struct Row {
  absl::StatusCode code;
  int http_status;
  const char* name;
  bool temporary;
  bool timeout;
  bool fault;
};

constexpr Row kTable[] = {
    {absl::StatusCode::kInvalidArgument, 400, "bad_request", false, false, false},
    {absl::StatusCode::kUnauthenticated, 401, "unauthorized", false, false, false},
    {absl::StatusCode::kPermissionDenied, 403, "forbidden", false, false, false},
    {absl::StatusCode::kNotFound, 404, "not_found", false, false, false},
    {absl::StatusCode::kDeadlineExceeded, 408, "timeout", false, true, false},
    {absl::StatusCode::kAlreadyExists, 409, "conflict", false, false, false},
    {absl::StatusCode::kFailedPrecondition, 409, "conflict", false, false, false},
    {absl::StatusCode::kAborted, 423, "locked", false, false, false},
    {absl::StatusCode::kResourceExhausted, 429, "too_many_requests", true, false, false},
    {absl::StatusCode::kCancelled, 499, "context_cancelled", false, false, false},
    {absl::StatusCode::kUnavailable, 503, "service_unavailable", true, false, true},
    {absl::StatusCode::kInternal, 500, "internal_server_error", false, false, true},
    {absl::StatusCode::kUnknown, 500, "internal_server_error", false, false, true},
    {absl::StatusCode::kDataLoss, 500, "internal_server_error", false, false, true},
    {absl::StatusCode::kOutOfRange, 500, "internal_server_error", false, false, true},
    {absl::StatusCode::kUnimplemented, 500, "internal_server_error", false, false, true},
};

TEST(HttpStatusForTest, EveryCode) {
  for (const Row& row : kTable) {
    EXPECT_EQ(HttpStatusFor(row.code), row.http_status) << absl::StatusCodeToString(row.code);
  }
}

TEST(RenderErrorTest, GoaBodyForEveryCode) {
  for (const Row& row : kTable) {
    SCOPED_TRACE(absl::StatusCodeToString(row.code));
    Response res = RenderError(absl::Status(row.code, "boom"), "abc123");
    EXPECT_EQ(res.status, row.http_status);
    EXPECT_EQ(res.content_type, "application/vnd.goa.error");
    boost::json::object body = boost::json::parse(res.body).as_object();
    EXPECT_EQ(body.size(), 6u);
    EXPECT_EQ(body.at("name").as_string(), row.name);
    EXPECT_EQ(body.at("id").as_string(), "abc123");
    EXPECT_EQ(body.at("temporary").as_bool(), row.temporary);
    EXPECT_EQ(body.at("timeout").as_bool(), row.timeout);
    EXPECT_EQ(body.at("fault").as_bool(), row.fault);
  }
}

TEST(RenderErrorTest, ClientErrorsKeepTheirMessage) {
  Response res = RenderError(absl::InvalidArgumentError("identifier must match ^[a-z]+$"), "r1");
  EXPECT_EQ(res.body,
            R"({"name":"bad_request","id":"r1","message":"identifier must match ^[a-z]+$",)"
            R"("temporary":false,"timeout":false,"fault":false})");
  EXPECT_TRUE(res.headers.empty());
}

TEST(RenderErrorTest, EmptyMessageFallsBackToCodeName) {
  Response res = RenderError(absl::NotFoundError(""), "r1");
  EXPECT_EQ(boost::json::parse(res.body).at("message").as_string(), "NOT_FOUND");
}

TEST(RenderErrorTest, InternalMessagesAreHidden) {
  for (auto code :
       {absl::StatusCode::kInternal, absl::StatusCode::kUnknown, absl::StatusCode::kDataLoss}) {
    Response res = RenderError(absl::Status(code, "sqlite: disk I/O error at /var/x.db"), "r9");
    EXPECT_EQ(boost::json::parse(res.body).at("message").as_string(),
              "internal error; see the server log for request r9");
    EXPECT_EQ(res.body.find("sqlite"), std::string::npos);
  }
}

TEST(RenderErrorTest, MessageIsJsonEscaped) {
  Response res = RenderError(absl::InvalidArgumentError("bad \"name\"\n\\ \x01"), "r1");
  EXPECT_EQ(boost::json::parse(res.body).at("message").as_string(), "bad \"name\"\n\\ \x01");
}

// Regression: every 401 asked for Basic auth, so a browser (the web console) popped up a
// password prompt; only terraform-backend routes, whose client sends Basic auth, ask for it.
TEST(RenderErrorTest, UnauthorizedAsksForTheApiKeyHeaderOrBasicAuthOnBackendRoutes) {
  Response rest = RenderError(absl::UnauthenticatedError("missing credentials"), "r1");
  EXPECT_EQ(HeaderOf(rest, "WWW-Authenticate"), "APIKey realm=\"terrane\", header=\"x-api-key\"");
  Response backend = RenderError(absl::UnauthenticatedError("missing credentials"), "r1",
                                 /*lock_info_errors=*/true);
  EXPECT_EQ(HeaderOf(backend, "WWW-Authenticate"), "Basic realm=\"terrane\"");
  EXPECT_EQ(backend.status, 401);
}

TEST(RenderErrorTest, UnavailableCarriesRetryAfter) {
  Response res = RenderError(absl::UnavailableError("database busy"), "r1");
  EXPECT_EQ(HeaderOf(res, "Retry-After"), "1");
  EXPECT_EQ(HeaderOf(res, "WWW-Authenticate"), std::nullopt);
}

TEST(RenderErrorTest, TooManyRequestsCarriesTheLimitersRetryAfter) {
  Response res = RenderError(TooManyRequests("slow down", 7), "r1");
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(HeaderOf(res, "Retry-After"), "7");
  EXPECT_EQ(boost::json::parse(res.body).at("name").as_string(), "too_many_requests");
  EXPECT_EQ(boost::json::parse(res.body).at("temporary").as_bool(), true);
  // A 429 without the payload still tells the client when to come back.
  EXPECT_EQ(HeaderOf(RenderError(absl::ResourceExhaustedError("full"), "r2"), "Retry-After"), "1");
}

absl::Status LockedWithInfo(absl::StatusCode code, std::string_view info) {
  absl::Status status(code, "workspace is locked");
  status.SetPayload(std::string(model::kLockInfoPayload), absl::Cord(std::string(info)));
  return status;
}

constexpr std::string_view kLockInfo =
    R"({"ID":"5f2a","Operation":"OperationTypeApply","Who":"alice@host","Version":"1.11.4"})";

TEST(RenderErrorTest, LockInfoPayloadBecomesThe423Body) {
  Response res = RenderError(LockedWithInfo(absl::StatusCode::kAborted, kLockInfo), "r1",
                             /*lock_info_errors=*/true);
  EXPECT_EQ(res.status, 423);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, kLockInfo);
}

TEST(RenderErrorTest, LockInfoPayloadWinsForAnyCode) {
  Response res = RenderError(LockedWithInfo(absl::StatusCode::kFailedPrecondition, kLockInfo), "r1",
                             /*lock_info_errors=*/true);
  EXPECT_EQ(res.status, 423);
  EXPECT_EQ(res.body, kLockInfo);
}

TEST(RenderErrorTest, LockInfoPayloadIgnoredOutsideStateRoutes) {
  Response res = RenderError(LockedWithInfo(absl::StatusCode::kAborted, kLockInfo), "r1");
  EXPECT_EQ(res.status, 423);
  EXPECT_EQ(res.content_type, "application/vnd.goa.error");
  boost::json::value body = boost::json::parse(res.body);
  EXPECT_EQ(body.at("name").as_string(), "locked");
  EXPECT_EQ(body.at("message").as_string(), "workspace is locked");
}

TEST(RenderErrorTest, StateRouteWithoutPayloadIsGoa) {
  Response res = RenderError(absl::AbortedError("locked by a run"), "r1", true);
  EXPECT_EQ(res.status, 423);
  EXPECT_EQ(res.content_type, "application/vnd.goa.error");
}

TEST(GoaErrorTest, ExplicitStatus) {
  Response res = GoaError(413, "payload_too_large", "body exceeds 1024 bytes", "r2");
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(res.content_type, "application/vnd.goa.error");
  EXPECT_EQ(res.body,
            R"({"name":"payload_too_large","id":"r2","message":"body exceeds 1024 bytes",)"
            R"("temporary":false,"timeout":false,"fault":false})");
}

}  // namespace
}  // namespace terrane::http
