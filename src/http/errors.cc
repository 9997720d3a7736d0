#include "http/errors.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "common/log.h"
#include "common/strings.h"
#include "common/token_buckets.h"
#include "model/lock.h"

namespace terrane::http {
namespace {

constexpr char kApiKeyChallenge[] = "APIKey realm=\"terrane\", header=\"x-api-key\"";
constexpr char kBasicChallenge[] = "Basic realm=\"terrane\"";

constexpr std::string_view kGoaContentType = "application/vnd.goa.error";

// Debian's Abseil has its own absl::string_view, which std::string_view does not convert to.

// The snake_case goa error name for each status Terrane renders (iacm-api.md §6).
std::string_view GoaNameFor(int http_status) {
  switch (http_status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 408:
      return "timeout";
    case 409:
      return "conflict";
    case 423:
      return "locked";
    case 429:
      return "too_many_requests";
    case 499:
      return "context_cancelled";
    case 503:
      return "service_unavailable";
    default:
      return "internal_server_error";
  }
}

// Codes whose message may carry internals (SQL, paths, errno text): clients get a generic
// sentence pointing at the server log instead.
bool IsInternal(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

}  // namespace

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kDeadlineExceeded:
      return 408;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kAborted:
      return 423;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

Response RenderError(const absl::Status& status, std::string_view request_id,
                     bool lock_info_errors) {
  if (lock_info_errors) {
    if (auto lock_info = status.GetPayload(AsAbsl(model::kLockInfoPayload))) {
      // terraform decodes a 423 body as the holder's LockInfo (terraform-http-backend.md §4.4).
      return Response{.status = 423,
                      .content_type = "application/json",
                      .headers = {},
                      .body = std::string(*lock_info)};
    }
  }
  const int http_status = HttpStatusFor(status.code());
  std::string message;
  if (IsInternal(status.code())) {
    // Code and message only: payloads (a LockInfo names its holder) stay out of the log.
    TERRANE_LOG(error, "http", "request_id={} internal error: {}: {}", request_id,
                absl::StatusCodeToString(status.code()), std::string(status.message()));
    message = absl::StrCat("internal error; see the server log for request ", AsAbsl(request_id));
  } else if (status.message().empty()) {
    message = absl::StatusCodeToString(status.code());
  } else {
    message = std::string(status.message());
  }
  Response res = GoaError(http_status, GoaNameFor(http_status), message, request_id);
  for (auto& [name, value] : res.headers) {
    if (name == "Retry-After") {
      if (auto retry_after = status.GetPayload(AsAbsl(kRetryAfterPayload))) {
        value = std::string(*retry_after);
      }
    }
    // terraform sends Basic auth on its backend routes: the challenge there says so.
    if (name == "WWW-Authenticate" && lock_info_errors) value = kBasicChallenge;
  }
  return res;
}

Response GoaError(int http_status, std::string_view name, std::string_view message,
                  std::string_view request_id) {
  boost::json::object body;
  body["name"] = name;
  body["id"] = request_id;
  body["message"] = message;
  body["temporary"] = http_status == 503 || http_status == 429;
  body["timeout"] = http_status == 408;
  body["fault"] = http_status == 500 || http_status == 503;

  Response res{.status = http_status,
               .content_type = std::string(kGoaContentType),
               .headers = {},
               .body = boost::json::serialize(body)};
  // The challenge names the x-api-key header. A Basic challenge would make browsers (the web
  // console) pop up a password prompt; only terraform-backend routes, whose clients send Basic
  // auth, answer with one (RenderError).
  if (http_status == 401) res.headers.emplace_back("WWW-Authenticate", kApiKeyChallenge);
  if (http_status == 503 || http_status == 429) res.headers.emplace_back("Retry-After", "1");
  return res;
}

}  // namespace terrane::http
