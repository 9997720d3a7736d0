// Maps (method, path pattern) to handler functions. Patterns are literal segments and
// `{name}` captures, e.g. "/v1/orgs/{org}". Immutable after setup, so Dispatch is thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
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
  // The audit trail's name for what the route changes ("workspace.delete", "state.write"):
  // every route of a method other than GET has one, GET routes (reads) none. A string literal.
  std::string_view audit_action;
};

// A request to a route with an audit action, as its handler left it, with the outcome.
struct AuditedRequest {
  const Request& request;
  const PathParams& params;
  std::string_view action;  // the route's, or the handler's refinement (AuditFacts::action)
  int http_status;
  // What the client was told went wrong ("" on success); internal details stay hidden as in
  // the response.
  std::string_view error_message;
};

// Receives every audited request after its handler ran (http/handlers/audit.h stores them).
// Called concurrently from the server's threads; must not throw.
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual void Record(const AuditedRequest& request) = 0;
};

// A registered route, for checks over all of them (every change is audited).
struct RouteInfo {
  std::string method;
  std::string pattern;
  RouteOptions options;
};

class Router {
 public:
  void Add(std::string method, std::string_view pattern, Handler handler,
           RouteOptions options = {});

  // Replaces every route's handler by `wrap(method, pattern, handler)`, the pattern as given to
  // Add without empty segments ("/v1/orgs/{org}"): for checks that must cover every route
  // (access control). Setup only, like Add.
  void WrapHandlers(const std::function<Handler(std::string_view method, std::string_view pattern,
                                                Handler)>& wrap);

  // The options of the route matching `segments` for any method (defaults if none), so the
  // server can pick a body limit after reading only the header.
  RouteOptions OptionsFor(std::string_view method, const std::vector<std::string>& segments) const;

  // Runs the matching handler. Unknown path → 404, known path with another method → 405, both
  // as goa error bodies; a handler error is rendered by RenderError. Never throws.
  Response Dispatch(Request& req) const;

  // From now on every request to a route with an audit action is reported to `sink` once its
  // response is ready, whatever the outcome. Set before serving; without a sink (the default)
  // nothing is reported.
  void SetAuditSink(std::unique_ptr<AuditSink> sink);

  // Every route in the order added.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string text;                  // the pattern as registered
    std::vector<std::string> pattern;  // "{x}" entries capture
    Handler handler;
    RouteOptions options;
  };
  const Route* Match(std::string_view method, const std::vector<std::string>& segments,
                     PathParams* params, bool* path_known) const;

  void Audit(const Request& req, const PathParams& params, const Route& route,
             const absl::Status& error, const Response& res) const;

  std::vector<Route> routes_;
  std::unique_ptr<AuditSink> audit_;
};

}  // namespace terrane::http
