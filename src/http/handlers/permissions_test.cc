// The permission matrix: every route of the table × every built-in role (and a custom role, a
// key bound elsewhere, a key of another account), from the table's data, against the real
// handlers and store. Allowed means the handler ran (any answer but 403); refused means 403
// naming the missing permission, the same for existing and missing resources.
#include "http/handlers/permissions.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_replace.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "http/handlers/api.h"
#include "service/access_admin.h"
#include "storage/sqlite/sqlite_store.h"

namespace terrane::http::handlers {
namespace {

class PermissionMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/terrane-permissions-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    auto opened = storage::SqliteStore::Open(*dir_ + "/terrane.db");
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = opened->release();
    clock_ = new SystemClock();
    auth_ = new service::Authenticator(*store_, *clock_);
    master_key_ = new MasterKeyRing(MasterKey::Generate());
    deps_ =
        new ApiDeps{.store = *store_, .clock = *clock_, .auth = *auth_, .master_key = *master_key_};
    router_ = new Router();
    RegisterApiRoutes(*router_, *deps_);
    for (const char* account : {"default", "acct_b"}) {
      ASSERT_TRUE(store_->CreateAccount(account, 1).ok());
    }
    for (const auto& [org, project] : {std::pair{"o", "p"}, std::pair{"o2", "p2"}}) {
      ASSERT_TRUE(store_->CreateOrg({.account = "default", .identifier = org, .name = org}).ok());
      ASSERT_TRUE(
          store_
              ->CreateProject(
                  {.account = "default", .org = org, .identifier = project, .name = project})
              .ok());
    }
    model::PermissionSet approver;
    approver.set(static_cast<size_t>(model::Permission::kWorkspaceView));
    approver.set(static_cast<size_t>(model::Permission::kWorkspaceApprove));
    ASSERT_TRUE(
        store_
            ->CreateRole({.account = "default", .identifier = "approver", .permissions = approver})
            .ok());
    ASSERT_TRUE(store_->CreatePrincipal({.account = "default", .identifier = "dummy"}).ok());
    // "w" is what the routes address; "keep" makes deleting the project always refused, so the
    // project-scoped bindings under test survive the admin's DELETE routes.
    for (const char* ws : {"w", "keep"}) {
      ASSERT_TRUE(store_
                      ->CreateWorkspace(
                          {.account = "default", .org = "o", .project = "p", .identifier = ws},
                          {.name = ws, .provisioner = "terraform"}, 1)
                      .ok());
    }
  }
  static void TearDownTestSuite() {
    delete router_;
    delete deps_;
    delete master_key_;
    delete auth_;
    delete clock_;
    delete store_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  // A key whose principal holds `role` at `scope` in `account`.
  static std::string KeyFor(std::string_view account, std::string_view role, model::Scope scope) {
    static int n = 0;
    absl::StatusOr<service::IssuedKey> key =
        service::IssueKeyWithRole(*store_,
                                  service::KeyWithRole{.account = std::string(account),
                                                       .principal = "p" + std::to_string(++n),
                                                       .key_name = std::string(role),
                                                       .role = std::string(role),
                                                       .scope = std::move(scope)},
                                  1);
    EXPECT_TRUE(key.ok()) << key.status();
    return key.ok() ? key->secret : "";
  }

  // `pattern` with every capture filled in; `missing` names objects that do not exist.
  static std::string Path(std::string_view pattern, bool missing) {
    return absl::StrReplaceAll(std::string(pattern), {{"{org}", "o"},
                                                      {"{project}", "p"},
                                                      {"{workspace}", missing ? "nope" : "w"},
                                                      {"{run}", "r1"},
                                                      {"{version}", "v1"},
                                                      {"{secret}", missing ? "nope" : "s"},
                                                      {"{role}", missing ? "nope" : "viewer"},
                                                      {"{principal}", missing ? "nope" : "dummy"},
                                                      {"{key}", "0000000000000000"},
                                                      {"{binding}", "nope"}});
  }

  static Response Call(const RoutePermission& route, const std::string& key, bool missing = false,
                       std::string_view account = "default") {
    Request req;
    req.method = std::string(route.method);
    req.target = Path(route.pattern, missing);
    EXPECT_TRUE(ParseTarget(req.target, req));
    req.headers = {{"x-api-key", key}, {"harness-account", std::string(account)}};
    req.body = "{}";
    return router_->Dispatch(req);
  }

  static std::string* dir_;
  static storage::Store* store_;
  static SystemClock* clock_;
  static service::Authenticator* auth_;
  static MasterKeyRing* master_key_;
  static ApiDeps* deps_;
  static Router* router_;
};

std::string* PermissionMatrixTest::dir_ = nullptr;
storage::Store* PermissionMatrixTest::store_ = nullptr;
SystemClock* PermissionMatrixTest::clock_ = nullptr;
service::Authenticator* PermissionMatrixTest::auth_ = nullptr;
MasterKeyRing* PermissionMatrixTest::master_key_ = nullptr;
ApiDeps* PermissionMatrixTest::deps_ = nullptr;
Router* PermissionMatrixTest::router_ = nullptr;

TEST_F(PermissionMatrixTest, EveryRegisteredRouteHasExactlyOneEntry) {
  std::set<std::pair<std::string, std::string>> registered;
  Router probe;
  RegisterApiRoutes(probe, *deps_);
  probe.WrapHandlers([&](std::string_view method, std::string_view pattern, Handler h) {
    const RoutePermission* entry = FindRoutePermission(method, pattern);
    EXPECT_NE(entry, nullptr) << method << " " << pattern;
    if (entry != nullptr) registered.emplace(entry->method, entry->pattern);
    return h;
  });
  std::set<std::pair<std::string, std::string>> table;
  for (const RoutePermission& route : RoutePermissions()) {
    EXPECT_TRUE(table.emplace(route.method, route.pattern).second)
        << "listed twice: " << route.method << " " << route.pattern;
  }
  EXPECT_EQ(registered, table);
}

TEST_F(PermissionMatrixTest, EachRoleIsAllowedExactlyWhatItsPermissionsSay) {
  struct Caller {
    std::string name;
    std::string key;
    model::PermissionSet permissions;
    model::Scope scope;  // where its one binding is
  };
  std::vector<Caller> callers;
  for (const model::Role& role : model::BuiltinRoles()) {
    for (const model::Scope& scope : {model::Scope{}, model::Scope{"o", ""}, model::Scope{"o", "p"},
                                      model::Scope{"o2", "p2"}}) {
      callers.push_back({role.identifier + "@" + model::DescribeScope(scope),
                         KeyFor("default", role.identifier, scope), role.permissions, scope});
    }
  }
  const model::Role approver = *store_->GetRole("default", "approver");
  callers.push_back({"approver@project",
                     KeyFor("default", "approver", {"o", "p"}),
                     approver.permissions,
                     {"o", "p"}});

  int allowed = 0;
  int refused = 0;
  for (const RoutePermission& route : RoutePermissions()) {
    if (route.auth == RouteAuth::kNone) continue;
    // The scope the route's path names once its captures are filled in (org o, project p).
    model::Scope scope;
    if (route.pattern.find("{org}") != std::string_view::npos) scope.org = "o";
    if (route.pattern.find("{project}") != std::string_view::npos) scope.project = "p";
    for (const Caller& caller : callers) {
      const bool holds = caller.permissions.test(static_cast<size_t>(route.permission)) &&
                         model::ScopeContains(caller.scope, scope);
      Response resp = Call(route, caller.key);
      SCOPED_TRACE(caller.name + " " + std::string(route.method) + " " +
                   std::string(route.pattern) + " -> " + std::to_string(resp.status) + " " +
                   resp.body);
      if (holds || route.filtered) {
        EXPECT_NE(resp.status, 403);
        ++allowed;
      } else {
        EXPECT_EQ(resp.status, 403);
        EXPECT_NE(
            resp.body.find(std::string("permission '") +
                           std::string(model::PermissionName(route.permission)) + "' is required"),
            std::string::npos);
        // The same answer whether or not the addressed object exists.
        Response missing = Call(route, caller.key, /*missing=*/true);
        EXPECT_EQ(missing.status, 403);
        ++refused;
      }
    }
  }
  EXPECT_GT(allowed, 100);
  EXPECT_GT(refused, 100);
}

TEST_F(PermissionMatrixTest, AnotherAccountsKeyLearnsNothing) {
  const std::string other = KeyFor("acct_b", "admin", {});
  for (const RoutePermission& route : RoutePermissions()) {
    if (route.auth == RouteAuth::kNone) continue;
    SCOPED_TRACE(std::string(route.method) + " " + std::string(route.pattern));
    Response existing = Call(route, other, false, "default");
    Response missing = Call(route, other, true, "default");
    EXPECT_EQ(existing.status, route.auth == RouteAuth::kBackend ? 403 : 403);
    EXPECT_EQ(existing.status, missing.status);
    // Bodies differ only in the request id.
    EXPECT_NE(existing.body.find("belongs to another account"), std::string::npos);
    EXPECT_NE(missing.body.find("belongs to another account"), std::string::npos);
  }
}

}  // namespace
}  // namespace terrane::http::handlers
