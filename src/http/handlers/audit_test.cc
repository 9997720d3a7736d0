// The audit trail through the real routes: every changing route is audited, allowed and
// refused changes are recorded with who and where, records outlive their workspace, never hold
// bodies, secret values or keys, and a failed audit write leaves the answer alone.
#include "http/handlers/audit.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/crypto.h"
#include "common/master_key_ring.h"
#include "common/strings.h"
#include "gtest/gtest.h"
#include "http/handlers/api.h"
#include "service/access_admin.h"
#include "storage/sqlite/sqlite_store.h"

namespace terrane::http::handlers {
namespace {

namespace json = boost::json;

class FixedClock final : public Clock {
 public:
  // Clock
  int64_t NowMillis() override { return now; }
  int64_t now = 1'700'000'000'000;
};

constexpr std::string_view kWs = "/iacm/api/orgs/default/projects/default/workspaces";

std::string StateBody(int serial, int managed, std::string_view marker = "") {
  std::string resources;
  for (int i = 0; i < managed; ++i) {
    resources += Cat(i == 0 ? "" : ",", R"({"mode":"managed","type":"terraform_data","name":"r)", i,
                     R"(","provider":"provider[\"terraform.io/builtin/terraform\"]",)",
                     R"("instances":[{"attributes":{"id":")", marker, i, R"("}}]})");
  }
  return Cat(R"({"version":4,"terraform_version":"1.11.4","serial":)", serial,
             R"(,"lineage":"lin-1","outputs":{},"resources":[)", resources, "]}");
}

class AuditRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/terrane-audit-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto opened = storage::SqliteStore::Open(dir_ + "/terrane.db");
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->CreateAccount("default", 1).ok());
    ASSERT_TRUE(store_->CreateAccount("other", 1).ok());
    ASSERT_TRUE(
        store_->CreateOrg({.account = "default", .identifier = "default", .name = "d"}).ok());
    ASSERT_TRUE(
        store_
            ->CreateProject(
                {.account = "default", .org = "default", .identifier = "default", .name = "d"})
            .ok());
    auto key = service::IssueKeyWithRole(
        *store_, {.account = "default", .principal = "admin", .key_name = "admin", .role = "admin"},
        1);
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = key->secret;
    auto other = service::IssueKeyWithRole(
        *store_,
        {.account = "other", .principal = "intruder", .key_name = "intruder", .role = "admin"}, 1);
    ASSERT_TRUE(other.ok()) << other.status();
    other_key_ = other->secret;
    auth_ = std::make_unique<service::Authenticator>(*store_, clock_);
    deps_ = std::make_unique<ApiDeps>(
        ApiDeps{.store = *store_, .clock = clock_, .auth = *auth_, .master_key = master_key_});
    RegisterApiRoutes(router_, *deps_);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // `key` nullopt: the account's admin key; "": no key at all.
  Response Call(std::string method, std::string target, std::string body = "",
                std::optional<std::string> key = std::nullopt) {
    Request req;
    req.method = std::move(method);
    req.target = std::move(target);
    EXPECT_TRUE(ParseTarget(req.target, req));
    std::string sent = key.value_or(key_);
    if (!sent.empty()) req.headers.emplace_back("x-api-key", sent);
    req.headers.emplace_back("harness-account", "default");
    req.body = std::move(body);
    req.request_id = Cat("req", ++requests_);
    req.remote = "192.0.2.7";
    return router_.Dispatch(req);
  }

  // A terraform-backend call with Basic auth, as terraform sends it.
  Response Backend(std::string method, std::string_view ws, std::string body,
                   std::string_view suffix = "") {
    Request req;
    req.method = std::move(method);
    req.target = Cat(kWs, "/", ws, "/terraform-backend", suffix, "?accountIdentifier=default");
    EXPECT_TRUE(ParseTarget(req.target, req));
    req.headers.emplace_back("authorization", "Basic " + Base64Encode("harness:" + key_));
    req.body = std::move(body);
    req.request_id = Cat("req", ++requests_);
    req.remote = "192.0.2.8";
    return router_.Dispatch(req);
  }

  std::vector<model::AuditRecord> Records(model::AuditQuery q = {}) {
    if (q.account.empty()) q.account = "default";
    q.limit = 1000;
    int64_t total = 0;
    auto got = store_->ListAuditRecords(q, &total);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::vector<model::AuditRecord>();
  }

  void CreateWorkspace(std::string_view id) {
    ASSERT_EQ(
        Call("POST", std::string(kWs),
             Cat(R"({"identifier":")", id, R"(","name":")", id, R"(","provisioner":"terraform"})"))
            .status,
        200);
  }

  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  FixedClock clock_;
  MasterKeyRing master_key_{MasterKey::Generate()};
  std::unique_ptr<service::Authenticator> auth_;
  std::unique_ptr<ApiDeps> deps_;
  Router router_;
  std::string key_;
  std::string other_key_;
  int requests_ = 0;
};

// Fails when a route that changes something has no audit action: a new route cannot be
// forgotten.
TEST_F(AuditRoutesTest, EveryChangingRouteHasAnAuditActionAndNoReadHasOne) {
  const std::regex name("^[a-z_]+\\.[a-z_]+$");
  std::set<std::string> actions;
  for (const RouteInfo& route : router_.Routes()) {
    SCOPED_TRACE(Cat(route.method, " ", route.pattern));
    std::string action(route.options.audit_action);
    if (route.method == "GET" || route.method == "HEAD") {
      EXPECT_EQ(action, "") << "reads are not audited";
      continue;
    }
    EXPECT_TRUE(std::regex_match(action, name)) << "no audit action, or not noun.verb";
    actions.insert(action);
  }
  EXPECT_EQ(actions,
            (std::set<std::string>{
                "lock.acquire",  "lock.force_release", "lock.release",     "org.create",
                "org.delete",    "project.create",     "project.delete",   "run.approve",
                "run.cancel",    "run.reject",         "run.start",        "secret.create",
                "secret.delete", "secret.update",      "state.delete",     "state.rollback",
                "state.write",   "workspace.create",   "workspace.delete", "workspace.update",
                "api_key.create", "api_key.revoke", "principal.create", "principal.delete",
                "role.create", "role.delete", "role_binding.create", "role_binding.delete"}));
}

TEST_F(AuditRoutesTest, RecordsAllowedAndRefusedChangesWithWhoWhereAndWhat) {
  CreateWorkspace("net");
  clock_.now += 5;
  ASSERT_EQ(Backend("POST", "net", StateBody(1, 2)).status, 200);
  clock_.now += 5;
  Response refused = Call("DELETE", Cat(kWs, "/net"));
  ASSERT_EQ(refused.status, 409);
  ASSERT_EQ(Call("GET", Cat(kWs, "/net")).status, 200);  // reads leave no record

  std::vector<model::AuditRecord> got = Records();
  ASSERT_EQ(got.size(), 3u);
  const model::AuditRecord& del = got[0];
  EXPECT_EQ(del.action, "workspace.delete");
  EXPECT_EQ(del.outcome, model::AuditOutcome::kRefused);
  EXPECT_EQ(del.http_status, 409);
  EXPECT_NE(del.message.find("workspace 'net' is active"), std::string::npos) << del.message;
  EXPECT_EQ(del.actor, "api_key:admin");
  EXPECT_EQ(del.actor_id.size(), 16u);
  EXPECT_EQ(del.remote, "192.0.2.7");
  EXPECT_EQ(del.time, 1'700'000'000'010);
  EXPECT_EQ(del.method, "DELETE");
  EXPECT_EQ(del.path, Cat(kWs, "/net"));
  EXPECT_EQ(del.org, "default");
  EXPECT_EQ(del.project, "default");
  EXPECT_EQ(del.workspace, "net");
  EXPECT_EQ(del.request_id, "req3");

  const model::AuditRecord& write = got[1];
  EXPECT_EQ(write.action, "state.write");
  EXPECT_EQ(write.outcome, model::AuditOutcome::kSuccess);
  EXPECT_EQ(write.remote, "192.0.2.8");
  EXPECT_EQ(write.workspace, "net");
  EXPECT_EQ(write.details.at("serial").as_int64(), 1);
  EXPECT_EQ(write.details.at("lineage").as_string(), "lin-1");
  EXPECT_EQ(write.details.at("sha256").as_string(), Sha256Hex(StateBody(1, 2)));
  EXPECT_TRUE(write.details.at("created").as_bool());

  const model::AuditRecord& create = got[2];
  EXPECT_EQ(create.action, "workspace.create");
  EXPECT_EQ(create.workspace, "net");  // from the body: the path has none
  EXPECT_EQ(create.http_status, 200);
  EXPECT_FALSE(create.details.contains("workspace"));
}

TEST_F(AuditRoutesTest, RecordsRefusedAuthenticationUnderTheAddressedAccount) {
  ASSERT_EQ(Call("DELETE", Cat(kWs, "/net"), "", "").status, 401);
  ASSERT_EQ(Call("DELETE", Cat(kWs, "/net"), "", "tk.0123456789abcdef.nope").status, 401);
  ASSERT_EQ(Call("DELETE", Cat(kWs, "/net"), "", other_key_).status, 403);
  std::vector<model::AuditRecord> got = Records({.action = "workspace.delete"});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].http_status, 403);
  EXPECT_EQ(got[0].actor, "api_key:intruder");  // a valid key of another account
  EXPECT_NE(got[0].message.find("another account"), std::string::npos);
  for (size_t i : {1u, 2u}) {
    EXPECT_EQ(got[i].http_status, 401);
    EXPECT_EQ(got[i].outcome, model::AuditOutcome::kRefused);
    EXPECT_EQ(got[i].actor, "");
    EXPECT_EQ(got[i].actor_id, "");
    EXPECT_EQ(got[i].account, "default");
  }
  EXPECT_TRUE(Records({.account = "other"}).empty());
}

TEST_F(AuditRoutesTest, RecordsSurviveTheDeletionOfTheirWorkspace) {
  CreateWorkspace("gone");
  std::string lock = R"({"ID":"lock-1","Operation":"OperationTypeApply","Who":"me@host"})";
  ASSERT_EQ(Backend("LOCK", "gone", lock).status, 200);
  ASSERT_EQ(Backend("POST", "gone", StateBody(1, 0), "").status, 423);  // no ?ID=
  ASSERT_EQ(Backend("UNLOCK", "gone", "").status, 200);
  ASSERT_EQ(Call("DELETE", Cat(kWs, "/gone")).status, 204);
  ASSERT_EQ(Call("GET", Cat(kWs, "/gone")).status, 404);

  std::vector<std::string> actions;
  for (const model::AuditRecord& r : Records({.workspace = "gone"})) {
    actions.push_back(Cat(r.action, " ", r.http_status));
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"workspace.delete 204", "lock.force_release 200",
                                               "state.write 423", "lock.acquire 200",
                                               "workspace.create 200"}));
  EXPECT_EQ(Records({.action = "lock.acquire"})[0].details.at("lock_id").as_string(), "lock-1");
}

TEST_F(AuditRoutesTest, RecordsNeverHoldBodiesSecretValuesOrKeys) {
  const std::string secret_value = "s3cr3t-value-7f1e";
  const std::string state_marker = "state-marker-91ab";
  ASSERT_EQ(Call("POST", "/v1/secrets",
                 Cat(R"({"secret":{"identifier":"db","name":"db","spec":{"type":"SecretText",)",
                     R"("value_type":"Inline","value":")", secret_value, R"("}}})"))
                .status,
            201);
  ASSERT_EQ(Call("PUT", "/v1/secrets/db",
                 Cat(R"({"secret":{"name":"db","spec":{"type":"SecretText","value_type":"Inline",)",
                     R"("value":")", secret_value, R"(2"}}})"))
                .status,
            200);
  // A body the server refuses still leaves no trace of itself.
  ASSERT_EQ(
      Call("POST", "/v1/secrets", Cat(R"({"secret":{"value":")", secret_value, R"("})")).status,
      400);
  CreateWorkspace("app");
  ASSERT_EQ(Backend("POST", "app", StateBody(1, 1, state_marker)).status, 200);
  ASSERT_EQ(Backend("POST", "app", StateBody(1, 2, state_marker)).status, 409);
  ASSERT_EQ(Call("POST", "/v1/orgs", R"({"org":{"identifier":"o2","name":"o2"}})",
                 key_.substr(0, key_.size() - 1) + "x")
                .status,
            401);

  std::string all;
  for (const model::AuditRecord& r : Records()) all += json::serialize(AuditRecordToJson(r));
  EXPECT_EQ(all.find(secret_value), std::string::npos) << all;
  EXPECT_EQ(all.find(state_marker), std::string::npos) << all;
  EXPECT_EQ(all.find(key_.substr(key_.rfind('.') + 1)), std::string::npos) << all;
  EXPECT_EQ(all.find("\"resources\""), std::string::npos) << all;
  std::vector<model::AuditRecord> secrets = Records({.action = "secret.update"});
  ASSERT_EQ(secrets.size(), 1u);
  EXPECT_EQ(secrets[0].details.at("secret").as_string(), "db");
}

TEST_F(AuditRoutesTest, AFailedAuditWriteKeepsTheAnswerAndIsCounted) {
  auto trail = std::make_unique<AuditTrail>(*store_, clock_);
  AuditTrail* audit = trail.get();
  router_.SetAuditSink(std::move(trail));
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/terrane.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "ALTER TABLE audit_log RENAME TO audit_log_away", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(raw);

  EXPECT_EQ(Call("POST", std::string(kWs),
                 R"({"identifier":"kept","name":"kept","provisioner":"terraform"})")
                .status,
            200);
  EXPECT_EQ(Call("GET", Cat(kWs, "/kept")).status, 200);
  EXPECT_EQ(Call("DELETE", Cat(kWs, "/missing")).status, 404);
  EXPECT_EQ(audit->write_failures(), 2);
}

TEST_F(AuditRoutesTest, TheAuditRouteFiltersAndPagesTheCallersAccount) {
  CreateWorkspace("a");
  CreateWorkspace("b");
  ASSERT_EQ(Call("DELETE", Cat(kWs, "/nope")).status, 404);
  Response all = Call("GET", "/v1/audit?limit=2");
  ASSERT_EQ(all.status, 200);
  json::value body = json::parse(all.body);
  ASSERT_EQ(body.as_array().size(), 2u);
  EXPECT_EQ(body.as_array()[0].at("action").as_string(), "workspace.delete");
  EXPECT_EQ(body.as_array()[0].at("outcome").as_string(), "refused");
  auto header = [&](std::string_view name) {
    for (const auto& [k, v] : all.headers) {
      if (k == name) return v;
    }
    return std::string();
  };
  EXPECT_EQ(header("x-total-items"), "3");
  EXPECT_EQ(header("x-total-pages"), "2");

  Response filtered = Call("GET", "/v1/audit?workspace=b&outcome=success&action=workspace.create");
  ASSERT_EQ(filtered.status, 200);
  ASSERT_EQ(json::parse(filtered.body).as_array().size(), 1u);
  EXPECT_EQ(json::parse(filtered.body).as_array()[0].at("workspace").as_string(), "b");

  EXPECT_EQ(Call("GET", "/v1/audit?outcome=maybe").status, 400);
  EXPECT_EQ(Call("GET", "/v1/audit?from=yesterday").status, 400);
  Response theirs = Call("GET", "/v1/audit", "", other_key_);
  EXPECT_EQ(theirs.status, 403);  // another account's key, refused like every REST route
  // Reading the trail is not itself recorded.
  EXPECT_EQ(Records().size(), 3u);
}

}  // namespace
}  // namespace terrane::http::handlers
