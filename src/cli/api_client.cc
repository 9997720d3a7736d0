#include "cli/api_client.h"

#include "absl/strings/str_format.h"
#include "boost/json/parse.hpp"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli {
namespace {

namespace json = boost::json;

absl::StatusCode CodeForHttp(int status) {
  switch (status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
    case 422:
      return absl::StatusCode::kNotFound;
    case 408:
      return absl::StatusCode::kDeadlineExceeded;
    case 409:
      return absl::StatusCode::kFailedPrecondition;
    case 413:
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 423:
      return absl::StatusCode::kAborted;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status ErrorFromResponse(const HttpResponse& resp) {
  boost::system::error_code ec;
  json::value body = json::parse(resp.body, ec);
  const json::value* message =
      !ec && body.is_object() ? body.get_object().if_contains("message") : nullptr;
  std::string text;
  if (message != nullptr && message->is_string() && !message->get_string().empty()) {
    text = std::string(message->get_string());
  } else {
    std::string first = resp.body.substr(0, resp.body.find('\n'));
    text = Cat("the server answered HTTP ", resp.status, first.empty() ? "" : ": ",
               first.substr(0, 200));
  }
  return absl::Status(CodeForHttp(resp.status), text);
}

std::string QueryEscape(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += absl::StrFormat("%%%02X", c);
    }
  }
  return out;
}

std::string PathSegment(std::string_view value) { return QueryEscape(value); }

absl::StatusOr<ApiClient> ApiClient::Create(Settings settings) {
  TERRANE_ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(settings.address));
  return ApiClient(std::move(settings), std::move(endpoint));
}

std::string ApiClient::WorkspacesPath() const {
  return Cat("/iacm/api/orgs/", PathSegment(settings_.org), "/projects/",
             PathSegment(settings_.project), "/workspaces");
}

std::string ApiClient::WorkspacePath(std::string_view ws) const {
  return Cat(WorkspacesPath(), "/", PathSegment(ws));
}

HttpRequest ApiClient::Request(std::string_view method, std::string target,
                               std::string body) const {
  HttpRequest req{
      .method = std::string(method), .target = std::move(target), .body = std::move(body)};
  req.headers.emplace_back("Harness-Account", settings_.account);
  if (!settings_.api_key.empty()) req.headers.emplace_back("x-api-key", settings_.api_key);
  if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  return req;
}

absl::StatusOr<HttpResponse> ApiClient::Call(std::string_view method, std::string target,
                                             std::string body) {
  TERRANE_ASSIGN_OR_RETURN(HttpResponse resp,
                           Send(endpoint_, Request(method, std::move(target), std::move(body))));
  if (resp.status < 200 || resp.status >= 300) return ErrorFromResponse(resp);
  return resp;
}

absl::StatusOr<json::value> ApiClient::CallJson(std::string_view method, std::string target,
                                                std::string body) {
  TERRANE_ASSIGN_OR_RETURN(HttpResponse resp, Call(method, std::move(target), std::move(body)));
  if (resp.body.empty()) return json::value();
  boost::system::error_code ec;
  json::value doc = json::parse(resp.body, ec);
  if (ec) {
    return absl::InternalError(
        Cat("the server at ", settings_.address, " answered something that is not JSON"));
  }
  return doc;
}

absl::Status ApiClient::Stream(std::string target,
                               const std::function<void(std::string_view)>& on_line) {
  TERRANE_ASSIGN_OR_RETURN(
      HttpResponse resp, SendStreaming(endpoint_, Request("GET", std::move(target), ""), on_line));
  if (resp.status < 200 || resp.status >= 300) return ErrorFromResponse(resp);
  return absl::OkStatus();
}

}  // namespace terrane::cli
