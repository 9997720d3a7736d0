// The REST API of a Terrane server as the CLI uses it: authenticated calls with the account,
// org and project of the settings, goa error bodies turned into Status values. Thread-compatible.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "cli/config.h"
#include "cli/http_client.h"

namespace terrane::cli {

class ApiClient {
 public:
  // InvalidArgument when the address is malformed.
  static absl::StatusOr<ApiClient> Create(Settings settings);

  const Settings& settings() const { return settings_; }
  const Endpoint& endpoint() const { return endpoint_; }

  // /iacm/api/orgs/{org}/projects/{project}/workspaces[/{ws}] of the settings' scope, each
  // identifier percent-encoded as one path segment (see PathSegment).
  std::string WorkspacesPath() const;
  std::string WorkspacePath(std::string_view ws) const;

  // One call. A non-2xx answer becomes an error whose message is the server's goa `message`
  // (its code follows the HTTP status: 404 NotFound, 409 FailedPrecondition, 401
  // Unauthenticated, ...); network problems are Unavailable naming the address.
  absl::StatusOr<HttpResponse> Call(std::string_view method, std::string target,
                                    std::string body = "");
  // Call, with the body parsed as JSON (null for an empty body).
  absl::StatusOr<boost::json::value> CallJson(std::string_view method, std::string target,
                                              std::string body = "");
  // Call whose 2xx body is handed over line by line as it arrives (followed run logs); see
  // SendStreaming.
  absl::Status Stream(std::string target, const std::function<void(std::string_view)>& on_line);

 private:
  ApiClient(Settings settings, Endpoint endpoint)
      : settings_(std::move(settings)), endpoint_(std::move(endpoint)) {}
  HttpRequest Request(std::string_view method, std::string target, std::string body) const;

  Settings settings_;
  Endpoint endpoint_;
};

// The Status a non-2xx response stands for (see ApiClient::Call).
absl::Status ErrorFromResponse(const HttpResponse& resp);

// Percent-encodes a query parameter value.
std::string QueryEscape(std::string_view value);

// Percent-encodes an identifier as one path segment: "a?b", "a/../b" or "a b" name that
// identifier on the server (which decodes each segment) instead of another route or resource.
std::string PathSegment(std::string_view value);

}  // namespace terrane::cli
