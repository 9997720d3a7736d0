// The web console: `/` redirects to `/console/`, which serves web/index.html, and
// `/console/{file}` the other embedded files. No authentication: the files hold no data; the
// page calls the REST API with the key the user types in.
#include <string>

#include "common/strings.h"
#include "http/handlers/console_assets.h"
#include "http/handlers/routes.h"

namespace terrane::http::handlers {
namespace {

// Everything the page needs comes from this origin; nothing may frame it, and no URL of it
// reaches another site. Scripts and styles are files only (no inline code), so data rendered
// into the page cannot run.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void AddSecurityHeaders(Response& res) {
  res.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.headers.emplace_back("X-Frame-Options", "DENY");
}

const ConsoleAsset* FindAsset(std::string_view path) {
  for (const ConsoleAsset& asset : ConsoleAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

// True when an If-None-Match list names `etag` (or is `*`).
bool EtagMatches(const Request& req, std::string_view etag) {
  std::optional<std::string_view> header = req.Header("if-none-match");
  if (!header.has_value()) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*" || item == etag || item == Cat("W/", etag)) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

// Answers with the asset, or 304 when the browser's copy is current. `no-cache` makes the
// browser revalidate each time, so a new binary's console is picked up at once.
absl::StatusOr<Response> ServeAsset(const Request& req, std::string_view path) {
  const ConsoleAsset* asset = FindAsset(path);
  if (asset == nullptr) {
    return absl::NotFoundError(Cat("the console has no file '", path, "'; open /console/ instead"));
  }
  Response res{.content_type = std::string(asset->content_type)};
  AddSecurityHeaders(res);
  res.headers.emplace_back("ETag", asset->etag);
  res.headers.emplace_back("Cache-Control", "no-cache");
  if (EtagMatches(req, asset->etag)) {
    res.status = 304;
    return res;
  }
  res.body = std::string(asset->body);
  return res;
}

}  // namespace

void RegisterConsoleRoutes(Router& router) {
  router.Add("GET", "/", [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    Response res{.status = 302, .content_type = "text/plain; charset=utf-8"};
    res.headers.emplace_back("Location", "/console/");
    res.body = "the console is at /console/\n";
    return res;
  });
  router.Add("GET", "/console",
             [](Request& req, const PathParams&) { return ServeAsset(req, "index.html"); });
  router.Add("GET", "/console/{file}", [](Request& req, const PathParams& params) {
    return ServeAsset(req, params.at("file"));
  });
}

}  // namespace terrane::http::handlers
