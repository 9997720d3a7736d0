// A small synchronous HTTP/1.1 client over plain TCP for the CLI: one request per connection,
// whole responses or a streamed body delivered line by line. Only `http_client.cc` includes
// Beast. Thread-compatible; each call opens its own connection.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace terrane::cli {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query, already encoded
  HeaderList headers;
  std::string body;  // sent with Content-Length when not empty
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // names lower-cased
  std::string body;    // for a streamed 2xx response: empty (the lines went to the callback)

  // The first header named `name` (lower case), or "" when absent.
  std::string Header(std::string_view name) const;
};

// Where a server is: `http://HOST:PORT[/PREFIX]`, or `HOST:PORT`.
struct Endpoint {
  std::string host;
  std::string port;
  std::string prefix;   // "" or "/path" without a trailing slash
  std::string address;  // as given, for messages
};

// InvalidArgument for anything but http:// (or no scheme) with a host.
absl::StatusOr<Endpoint> ParseEndpoint(std::string_view address);

// Largest response body read into memory (state downloads included).
inline constexpr size_t kMaxResponseBytes = size_t{1} << 30;

// Sends `req` to `endpoint` and reads the whole response. Unavailable, naming the address, when
// the server cannot be reached or the connection breaks; any HTTP status is a success here.
absl::StatusOr<HttpResponse> Send(const Endpoint& endpoint, const HttpRequest& req);

// Like Send, but a 2xx body is handed to `on_line` one line at a time, with its '\n' (a last
// unterminated line without), as it arrives, until the server ends the body; the lines
// concatenated are the body. Other statuses are read whole into `body`.
absl::StatusOr<HttpResponse> SendStreaming(const Endpoint& endpoint, const HttpRequest& req,
                                           const std::function<void(std::string_view)>& on_line);

}  // namespace terrane::cli
