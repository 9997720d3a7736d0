// Maps (method, path pattern) to handler functions. Patterns are literal segments and
// `{name}` captures, e.g. "/v1/orgs/{org}". Immutable after setup, so Dispatch is thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "http/message.h"

namespace terrane::http {

using PathParams = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<absl::StatusOr<Response>(Request&, const PathParams&)>;

struct RouteOptions {
  // Largest accepted body; larger bodies are answered 413 before being read in full.
  // 0: the server's default (ServerOptions::max_body_bytes).
  size_t body_limit = 0;
  // Errors carrying a LockInfo payload render it as the 423 body (terraform-backend routes).
  bool lock_info_errors = false;
};

class Router {
 public:
  void Add(std::string method, std::string_view pattern, Handler handler,
           RouteOptions options = {});

  // The options of the route matching `segments` for any method (defaults if none), so the
  // server can pick a body limit after reading only the header.
  RouteOptions OptionsFor(std::string_view method, const std::vector<std::string>& segments) const;

  // Runs the matching handler. Unknown path → 404, known path with another method → 405, both
  // as goa error bodies; a handler error is rendered by RenderError. Never throws.
  Response Dispatch(Request& req) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> pattern;  // "{x}" entries capture
    Handler handler;
    RouteOptions options;
  };
  const Route* Match(std::string_view method, const std::vector<std::string>& segments,
                     PathParams* params, bool* path_known) const;

  std::vector<Route> routes_;
};

}  // namespace terrane::http
