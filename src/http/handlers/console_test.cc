#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "http/handlers/console_assets.h"
#include "http/handlers/routes.h"
#include "http/router.h"

namespace terrane::http::handlers {
namespace {

std::optional<std::string> HeaderOf(const Response& res, std::string_view name) {
  for (const auto& [key, value] : res.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

class ConsoleRoutesTest : public ::testing::Test {
 protected:
  ConsoleRoutesTest() { RegisterConsoleRoutes(router_); }

  Response Get(std::string target, std::optional<std::string> if_none_match = std::nullopt) {
    Request req;
    req.method = "GET";
    req.target = std::move(target);
    req.request_id = "req1";
    EXPECT_TRUE(ParseTarget(req.target, req));
    if (if_none_match.has_value()) req.headers.emplace_back("if-none-match", *if_none_match);
    return router_.Dispatch(req);
  }

  Router router_;
};

TEST(ConsoleAssetsTest, EmbedsTheFilesOfWebWithTypesAndStrongEtags) {
  bool saw_index = false;
  for (const ConsoleAsset& asset : ConsoleAssets()) {
    EXPECT_FALSE(asset.body.empty()) << asset.path;
    ASSERT_EQ(asset.etag.size(), 34u) << asset.path;  // "<32 hex>"
    EXPECT_EQ(asset.etag.front(), '"');
    EXPECT_EQ(asset.etag.back(), '"');
    if (asset.path == "index.html") {
      saw_index = true;
      EXPECT_EQ(asset.content_type, "text/html; charset=utf-8");
      EXPECT_EQ(asset.body.substr(0, 15), "<!DOCTYPE html>");
    }
    if (asset.path == "app.js") {
      EXPECT_EQ(asset.content_type, "text/javascript; charset=utf-8");
    }
    if (asset.path == "style.css") {
      EXPECT_EQ(asset.content_type, "text/css; charset=utf-8");
    }
  }
  EXPECT_TRUE(saw_index);
}

TEST_F(ConsoleRoutesTest, RootRedirectsToTheConsole) {
  Response res = Get("/");
  EXPECT_EQ(res.status, 302);
  EXPECT_EQ(HeaderOf(res, "Location"), "/console/");
}

TEST_F(ConsoleRoutesTest, ServesIndexWithStrictSecurityHeaders) {
  for (std::string target : {"/console/", "/console"}) {
    Response res = Get(target);
    EXPECT_EQ(res.status, 200) << target;
    EXPECT_EQ(res.content_type, "text/html; charset=utf-8");
    EXPECT_NE(res.body.find("<title>Terrane</title>"), std::string::npos);
    std::optional<std::string> csp = HeaderOf(res, "Content-Security-Policy");
    ASSERT_TRUE(csp.has_value());
    EXPECT_EQ(csp->rfind("default-src 'self';", 0), 0u) << *csp;
    EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string::npos) << *csp;
    EXPECT_EQ(csp->find("unsafe"), std::string::npos) << *csp;
    EXPECT_EQ(HeaderOf(res, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(HeaderOf(res, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-cache");
  }
}

TEST_F(ConsoleRoutesTest, ServesScriptsAndAnswers304ForAMatchingEtag) {
  Response res = Get("/console/app.js");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/javascript; charset=utf-8");
  std::optional<std::string> etag = HeaderOf(res, "ETag");
  ASSERT_TRUE(etag.has_value());

  Response same = Get("/console/app.js", *etag);
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(HeaderOf(same, "ETag"), *etag);
  EXPECT_EQ(Get("/console/app.js", "\"other\", " + *etag).status, 304);
  EXPECT_EQ(Get("/console/app.js", "\"other\"").status, 200);
  // Another file's tag is not this file's.
  std::optional<std::string> css_etag = HeaderOf(Get("/console/style.css"), "ETag");
  ASSERT_TRUE(css_etag.has_value());
  EXPECT_NE(*css_etag, *etag);
  EXPECT_EQ(Get("/console/app.js", *css_etag).status, 200);
}

TEST_F(ConsoleRoutesTest, UnknownFilesAre404GoaErrors) {
  for (std::string target : {"/console/missing.js", "/console/..%2Fapi.cc", "/console/a/b.js"}) {
    Response res = Get(target);
    EXPECT_EQ(res.status, 404) << target;
    EXPECT_EQ(res.content_type.rfind("application/vnd.goa.error", 0), 0u) << res.content_type;
  }
}

}  // namespace
}  // namespace terrane::http::handlers
