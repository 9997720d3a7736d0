#include "http/router.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/parse.hpp"
#include "http/errors.h"

namespace terrane::http {
namespace {

bool IsCapture(std::string_view part) {
  return part.size() >= 2 && part.front() == '{' && part.back() == '}';
}

// True when `segments` fit `pattern`; fills `params` (if given) with the captured segments.
bool PathMatches(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
                 PathParams* params) {
  if (pattern.size() != segments.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!IsCapture(pattern[i]) && pattern[i] != segments[i]) return false;
  }
  if (params != nullptr) {
    params->clear();
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (IsCapture(pattern[i])) {
        (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = segments[i];
      }
    }
  }
  return true;
}

// The path part of a raw target, so messages and logs never echo the query string.
std::string PathOf(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

// The `message` of a goa error body; "" for any other body.
std::string GoaMessage(const Response& res) {
  if (res.content_type.rfind("application/vnd.goa.error", 0) != 0) return std::string();
  boost::json::error_code ec;
  boost::json::value body = boost::json::parse(res.body, ec);
  const boost::json::value* message =
      !ec && body.is_object() ? body.get_object().if_contains("message") : nullptr;
  return message != nullptr && message->is_string() ? std::string(message->get_string())
                                                    : std::string();
}

}  // namespace

void Router::Add(std::string method, std::string_view pattern, Handler handler,
                 RouteOptions options) {
  Route route{.method = std::move(method),
              .text = std::string(pattern),
              .pattern = {},
              .handler = std::move(handler),
              .options = options};
  while (!pattern.empty()) {
    std::string_view part = pattern.substr(0, pattern.find('/'));
    pattern.remove_prefix(std::min(pattern.size(), part.size() + 1));
    if (!part.empty()) route.pattern.emplace_back(part);
  }
  routes_.push_back(std::move(route));
}

void Router::WrapHandlers(const std::function<Handler(std::string_view method,
                                                      std::string_view pattern, Handler)>& wrap) {
  for (Route& route : routes_) {
    route.handler = wrap(route.method, route.text, std::move(route.handler));
  }
}

const Router::Route* Router::Match(std::string_view method,
                                   const std::vector<std::string>& segments, PathParams* params,
                                   bool* path_known) const {
  *path_known = false;
  for (const Route& route : routes_) {
    if (!PathMatches(route.pattern, segments, nullptr)) continue;
    *path_known = true;
    if (route.method == method) {
      PathMatches(route.pattern, segments, params);
      return &route;
    }
  }
  // HEAD is served by the GET handler; the server drops the body.
  if (method == "HEAD") return Match("GET", segments, params, path_known);
  return nullptr;
}

RouteOptions Router::OptionsFor(std::string_view method,
                                const std::vector<std::string>& segments) const {
  bool path_known = false;
  if (const Route* route = Match(method, segments, nullptr, &path_known)) return route->options;
  for (const Route& route : routes_) {
    if (PathMatches(route.pattern, segments, nullptr)) return route.options;
  }
  return RouteOptions{};
}

Response Router::Dispatch(Request& req) const {
  PathParams params;
  bool path_known = false;
  const Route* route = Match(req.method, req.segments, &params, &path_known);
  if (route == nullptr && !path_known) {
    return GoaError(404, "not_found",
                    absl::StrCat("no route for ", req.method, " ", PathOf(req.target),
                                 ": see the API reference"),
                    req.request_id);
  }
  if (route == nullptr) {
    std::vector<std::string> allowed;
    for (const Route& candidate : routes_) {
      if (!PathMatches(candidate.pattern, req.segments, nullptr)) continue;
      allowed.push_back(candidate.method);
      if (candidate.method == "GET") allowed.push_back("HEAD");
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow = absl::StrJoin(allowed, ", ");
    Response res = GoaError(405, "method_not_allowed",
                            absl::StrCat("method ", req.method, " is not allowed on ",
                                         PathOf(req.target), "; allowed: ", allow),
                            req.request_id);
    res.headers.emplace_back("Allow", std::move(allow));
    return res;
  }
  absl::StatusOr<Response> result = route->handler(req, params);
  Response res =
      result.ok() ? *std::move(result)
                  : RenderError(result.status(), req.request_id, route->options.lock_info_errors);
  if (audit_ != nullptr && !route->options.audit_action.empty()) {
    Audit(req, params, *route, result.status(), res);
  }
  return res;
}

void Router::Audit(const Request& req, const PathParams& params, const Route& route,
                   const absl::Status& error, const Response& res) const {
  std::string message;
  if (res.status >= 400) {
    // A lock conflict's body is the holder's LockInfo: its message is the Status'. Server
    // errors keep to what the client saw.
    message = !error.ok() && res.status < 500 ? std::string(error.message()) : GoaMessage(res);
  }
  std::string_view action =
      req.audit.action.empty() ? route.options.audit_action : std::string_view(req.audit.action);
  audit_->Record(AuditedRequest{.request = req,
                                .params = params,
                                .action = action,
                                .http_status = res.status,
                                .error_message = message});
}

void Router::SetAuditSink(std::unique_ptr<AuditSink> sink) { audit_ = std::move(sink); }

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) {
    out.push_back(
        RouteInfo{.method = route.method, .pattern = route.text, .options = route.options});
  }
  return out;
}

}  // namespace terrane::http
