// Store conformance: the audit trail: appending, filtering and paging newest first, surviving
// the deletion of what it describes, and pruning by age.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/audit.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

model::AuditRecord Record(std::string_view action, std::string_view workspace, int64_t time,
                          int http_status = 200, std::string_view actor = "api_key:admin") {
  return model::AuditRecord{.time = time,
                            .account = std::string(kAccount),
                            .actor_id = "0123456789abcdef",
                            .actor = std::string(actor),
                            .remote = "127.0.0.1",
                            .action = std::string(action),
                            .method = "POST",
                            .path = Cat("/iacm/api/orgs/org/projects/proj/workspaces/", workspace),
                            .org = std::string(kOrg),
                            .project = std::string(kProject),
                            .workspace = std::string(workspace),
                            .http_status = http_status,
                            .outcome = model::AuditOutcomeForHttpStatus(http_status),
                            .message = http_status >= 400 ? "refused because" : "",
                            .request_id = Cat("req-", time)};
}

// The actions of `records`, in order.
std::vector<std::string> Actions(const std::vector<model::AuditRecord>& records) {
  std::vector<std::string> out;
  for (const model::AuditRecord& r : records) out.push_back(r.action);
  return out;
}

absl::StatusOr<std::vector<model::AuditRecord>> List(Store& store, model::AuditQuery q,
                                                     int64_t* total) {
  if (q.account.empty()) q.account = std::string(kAccount);
  return store.ListAuditRecords(q, total);
}

TEST_P(StoreTest, AuditRecordsRoundTripEveryField) {
  model::AuditRecord want = Record("state.write", "ws", 1234, 200);
  want.run = "run-0123456789abcdef";
  want.details = {{"serial", 7}, {"lineage", "l-1"}, {"sha256", std::string(64, 'a')}};
  ASSERT_OK_AND_ASSIGN(int64_t id, store().AppendAuditRecord(want));
  EXPECT_GT(id, 0);

  int64_t total = -1;
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> got, List(store(), {}, &total));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(total, 1);
  const model::AuditRecord& r = got[0];
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(r.time, 1234);
  EXPECT_EQ(r.account, kAccount);
  EXPECT_EQ(r.actor_id, "0123456789abcdef");
  EXPECT_EQ(r.actor, "api_key:admin");
  EXPECT_EQ(r.remote, "127.0.0.1");
  EXPECT_EQ(r.action, "state.write");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/iacm/api/orgs/org/projects/proj/workspaces/ws");
  EXPECT_EQ(r.org, kOrg);
  EXPECT_EQ(r.project, kProject);
  EXPECT_EQ(r.workspace, "ws");
  EXPECT_EQ(r.run, "run-0123456789abcdef");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.outcome, model::AuditOutcome::kSuccess);
  EXPECT_EQ(r.message, "");
  EXPECT_EQ(r.request_id, "req-1234");
  EXPECT_EQ(r.details, want.details);
}

TEST_P(StoreTest, AuditIdsIncreaseAndListsAreNewestFirst) {
  ASSERT_OK_AND_ASSIGN(int64_t first,
                       store().AppendAuditRecord(Record("workspace.create", "a", 5)));
  // Same millisecond, then an earlier clock: the order is the order of appending.
  ASSERT_OK_AND_ASSIGN(int64_t second, store().AppendAuditRecord(Record("lock.acquire", "a", 5)));
  ASSERT_OK_AND_ASSIGN(int64_t third, store().AppendAuditRecord(Record("lock.release", "a", 4)));
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> got, List(store(), {}, &total));
  EXPECT_EQ(Actions(got),
            (std::vector<std::string>{"lock.release", "lock.acquire", "workspace.create"}));
}

TEST_P(StoreTest, AuditListsFilterOnEveryField) {
  ASSERT_OK(store().AppendAuditRecord(Record("workspace.create", "a", 10)));
  ASSERT_OK(store().AppendAuditRecord(Record("workspace.delete", "a", 20, 409)));
  ASSERT_OK(store().AppendAuditRecord(Record("workspace.create", "b", 30, 200, "run:run-1")));
  model::AuditRecord other_project = Record("workspace.create", "a", 40);
  other_project.project = "other";
  ASSERT_OK(store().AppendAuditRecord(other_project));
  model::AuditRecord failed = Record("state.write", "b", 50, 503);
  ASSERT_OK(store().AppendAuditRecord(failed));

  struct Case {
    const char* name;
    model::AuditQuery q;
    std::vector<std::string> want;  // "action/workspace", newest first
  };
  std::vector<Case> cases = {
      {"action",
       {.action = "workspace.create"},
       {"workspace.create/a", "workspace.create/b", "workspace.create/a"}},
      {"workspace", {.workspace = "b"}, {"state.write/b", "workspace.create/b"}},
      {"project", {.project = "other"}, {"workspace.create/a"}},
      {"org",
       {.org = "org"},
       {"state.write/b", "workspace.create/a", "workspace.create/b", "workspace.delete/a",
        "workspace.create/a"}},
      {"actor by name", {.actor = "run:run-1"}, {"workspace.create/b"}},
      {"actor by id",
       {.actor = "0123456789abcdef", .project = "proj", .workspace = "a"},
       {"workspace.delete/a", "workspace.create/a"}},
      {"refused", {.outcome = model::AuditOutcome::kRefused}, {"workspace.delete/a"}},
      {"failed", {.outcome = model::AuditOutcome::kFailed}, {"state.write/b"}},
      {"from", {.from = 30}, {"state.write/b", "workspace.create/a", "workspace.create/b"}},
      {"to", {.to = 20}, {"workspace.delete/a", "workspace.create/a"}},
      {"window", {.from = 20, .to = 30}, {"workspace.create/b", "workspace.delete/a"}},
      {"nothing", {.action = "run.approve"}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    int64_t total = -1;
    ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> got, List(store(), c.q, &total));
    std::vector<std::string> names;
    for (const model::AuditRecord& r : got) names.push_back(Cat(r.action, "/", r.workspace));
    EXPECT_EQ(names, c.want);
    EXPECT_EQ(total, static_cast<int64_t>(c.want.size()));
  }
}

TEST_P(StoreTest, AuditListsSeeOnlyTheirAccount) {
  ASSERT_OK(store().AppendAuditRecord(Record("workspace.create", "a", 10)));
  model::AuditRecord elsewhere = Record("workspace.delete", "a", 11);
  elsewhere.account = "other-account";
  ASSERT_OK(store().AppendAuditRecord(elsewhere));
  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> mine, List(store(), {}, &total));
  EXPECT_EQ(Actions(mine), std::vector<std::string>{"workspace.create"});
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> theirs,
                       List(store(), {.account = "other-account"}, &total));
  EXPECT_EQ(Actions(theirs), std::vector<std::string>{"workspace.delete"});
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> none,
                       List(store(), {.account = "nobody"}, &total));
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(total, 0);
}

TEST_P(StoreTest, AuditListsPageWithTheTotalOfEveryPage) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_OK(store().AppendAuditRecord(Record(Cat("test.a", i), "a", 100 + i)));
  }
  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> p1,
                       List(store(), {.limit = 3, .page = 1}, &total));
  EXPECT_EQ(Actions(p1), (std::vector<std::string>{"test.a6", "test.a5", "test.a4"}));
  EXPECT_EQ(total, 7);
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> p3,
                       List(store(), {.limit = 3, .page = 3}, &total));
  EXPECT_EQ(Actions(p3), std::vector<std::string>{"test.a0"});
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> p4,
                       List(store(), {.limit = 3, .page = 4}, &total));
  EXPECT_TRUE(p4.empty());
  EXPECT_EQ(total, 7);
}

TEST_P(StoreTest, AuditRecordsSurviveDeletingTheirWorkspaceProjectAndOrg) {
  CreateWorkspace("gone");
  ASSERT_OK(store().AppendAuditRecord(Record("workspace.create", "gone", 10)));
  ASSERT_OK(store().DeleteWorkspace(Key("gone")));
  ASSERT_OK(store().AppendAuditRecord(Record("workspace.delete", "gone", 11, 204)));
  ASSERT_OK(store().DeleteProject(kAccount, kOrg, kProject));
  ASSERT_OK(store().DeleteOrg(kAccount, kOrg));

  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> got,
                       List(store(), {.workspace = "gone"}, &total));
  EXPECT_EQ(Actions(got), (std::vector<std::string>{"workspace.delete", "workspace.create"}));
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM audit_log"), 2);
}

TEST_P(StoreTest, AuditMessagesAreCutToTheLimit) {
  model::AuditRecord r = Record("workspace.update", "a", 10, 400);
  r.message = std::string(model::kMaxAuditMessageBytes + 500, 'm');
  ASSERT_OK(store().AppendAuditRecord(r));
  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> got, List(store(), {}, &total));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message, std::string(model::kMaxAuditMessageBytes, 'm'));
}

TEST_P(StoreTest, PruneAuditRecordsDeletesOnlyOlderOnesOfEveryAccount) {
  ASSERT_OK(store().AppendAuditRecord(Record("test.old", "a", 99)));
  model::AuditRecord other = Record("test.old", "a", 50);
  other.account = "other-account";
  ASSERT_OK(store().AppendAuditRecord(other));
  ASSERT_OK(store().AppendAuditRecord(Record("test.edge", "a", 100)));
  ASSERT_OK(store().AppendAuditRecord(Record("test.new", "a", 200)));

  ASSERT_OK_AND_ASSIGN(int64_t pruned, store().PruneAuditRecords(100));
  EXPECT_EQ(pruned, 2);
  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::AuditRecord> left, List(store(), {}, &total));
  EXPECT_EQ(Actions(left), (std::vector<std::string>{"test.new", "test.edge"}));
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM audit_log"), 2);
  ASSERT_OK_AND_ASSIGN(int64_t again, store().PruneAuditRecords(100));
  EXPECT_EQ(again, 0);
}

}  // namespace
}  // namespace terrane::storage::testing
