// Store conformance: workspace deletion (preconditions, completeness, atomicity) and large
// state bodies.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using absl::StatusCode;

TEST_P(StoreTest, DeleteIsRefusedUnlessInactive) {
  CreateWorkspace("ws");
  ASSERT_OK(Put(Key("ws"), MakeState(1, "l", /*managed=*/2), 10));
  EXPECT_STATUS(store().DeleteWorkspace(Key("ws")), StatusCode::kFailedPrecondition,
                "workspace 'ws' is active: run a destroy pipeline first (terraform destroy) so it "
                "becomes inactive, then delete it. Deleting never destroys real infrastructure.");
  ASSERT_OK(store().GetWorkspace(Key("ws")));
  EXPECT_EQ(RowsFor("state_versions", WorkspaceRowId("ws")), 1);
}

TEST_P(StoreTest, DeleteIsRefusedWhileLocked) {
  CreateWorkspace("ws");
  model::Lock holder = MakeLock("holder-id");
  ASSERT_OK(store().AcquireLock(Key("ws"), holder));
  absl::Status refused = store().DeleteWorkspace(Key("ws")).status();
  EXPECT_EQ(refused.code(), StatusCode::kAborted) << refused;
  EXPECT_EQ(LockPayload(refused), holder.info_json);
  EXPECT_NE(refused.message().find("workspace 'ws' is locked (backend lock holder-id held by "),
            std::string::npos)
      << refused;
  EXPECT_NE(refused.message().find("): unlock it or wait for the operation to finish"),
            std::string::npos)
      << refused;
  ASSERT_OK(store().GetWorkspace(Key("ws")));
}

TEST_P(StoreTest, DeleteOfAnUnknownWorkspaceIsNotFound) {
  EXPECT_STATUS(store().DeleteWorkspace(Key("nope")), StatusCode::kNotFound,
                "workspace 'nope' not found in project 'proj'");
}

TEST_P(StoreTest, DeleteRemovesEverythingStoredWithTheWorkspace) {
  CreateWorkspace("ws", "ws", 100);  // 3 tags, 3 variables
  CreateWorkspace("keep");
  ASSERT_OK(Put(Key("keep"), MakeState(1, "k", 1), 10));
  for (int serial = 1; serial <= 3; ++serial) {
    // The last write has no managed resources, as after terraform destroy.
    ASSERT_OK(Put(Key("ws"), MakeState(serial, "l", serial < 3 ? 1 : 0), 10 + serial));
  }
  int64_t row = WorkspaceRowId("ws");
  ASSERT_GT(row, 0);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_blobs"), 4);

  ASSERT_OK_AND_ASSIGN(DeleteCounts counts, store().DeleteWorkspace(Key("ws")));
  EXPECT_EQ(counts.state_versions, 3);
  EXPECT_EQ(counts.variables, 3);
  for (const char* table : {"state_versions", "variables", "workspace_tags", "locks"}) {
    EXPECT_EQ(RowsFor(table, row), 0) << table;
  }
  EXPECT_EQ(backend().QueryInt(Cat("SELECT COUNT(*) FROM workspaces WHERE id = ", row)), 0);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_blobs"), 1);  // keep's
  EXPECT_STATUS(store().GetWorkspace(Key("ws")), StatusCode::kNotFound, "workspace 'ws'");
  ASSERT_OK_AND_ASSIGN(std::optional<CurrentState> kept, store().GetCurrentState(Key("keep")));
  EXPECT_TRUE(kept.has_value());
  model::WorkspaceQuery all;
  all.account = std::string(kAccount);
  all.org = std::string(kOrg);
  all.project = std::string(kProject);
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage listed, store().ListWorkspaces(all));
  EXPECT_EQ(listed.total, 1);
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].key.identifier, "keep");
}

TEST_P(StoreTest, ADeletedIdentifierIsReusableWithNothingOldShowingThrough) {
  CreateWorkspace("ws", "old", 100);
  std::vector<std::string> old_ids;
  for (int serial = 1; serial <= 2; ++serial) {
    ASSERT_OK_AND_ASSIGN(StateWriteResult r, Put(Key("ws"), MakeState(serial, "l"), 10 + serial));
    old_ids.push_back(r.version.id);
  }
  ASSERT_OK(store().DeleteWorkspace(Key("ws")));

  ASSERT_OK(store().CreateWorkspace(Key("ws"), FullSpec("reborn"), 500));
  ASSERT_OK_AND_ASSIGN(std::optional<CurrentState> current, store().GetCurrentState(Key("ws")));
  EXPECT_FALSE(current.has_value());
  int64_t total = -1;
  ASSERT_OK(store().ListStateVersions(Key("ws"), 10, 1, &total));
  EXPECT_EQ(total, 0);
  for (const std::string& id : old_ids) {
    EXPECT_STATUS(store().GetStateVersion(Key("ws"), id), StatusCode::kNotFound, id);
    EXPECT_STATUS(store().RollbackState(Key("ws"), id, "k", 600), StatusCode::kNotFound, id);
  }
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.spec.name, "reborn");
  EXPECT_EQ(ws.created, 500);
  EXPECT_EQ(ws.spec.terraform_variables.at("region").created, 500);
  EXPECT_EQ(ws.status, model::WorkspaceStatus::kInactive);
  EXPECT_EQ(ws.state_checksum, "");
  EXPECT_FALSE(ws.lock.has_value());
}

TEST_P(StoreTest, ADeleteFailingHalfWayChangesNothing) {
  CreateWorkspace("ws");
  TestState last = MakeState(2, "l");
  ASSERT_OK(Put(Key("ws"), MakeState(1, "l"), 10));
  ASSERT_OK(Put(Key("ws"), last, 11));
  int64_t row = WorkspaceRowId("ws");
  backend().InjectStateVersionDeleteFailure();

  absl::Status failed = store().DeleteWorkspace(Key("ws")).status();
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(WorkspaceRowId("ws"), row);
  EXPECT_EQ(RowsFor("state_versions", row), 2);
  EXPECT_EQ(RowsFor("variables", row), 3);
  EXPECT_EQ(RowsFor("workspace_tags", row), 3);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_blobs"), 2);
  ASSERT_OK_AND_ASSIGN(std::optional<CurrentState> current, store().GetCurrentState(Key("ws")));
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->body, last.body);
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.spec.terraform_variables.size(), 2u);
}

TEST_P(StoreTest, A256MiBStateRoundTrips) {
  constexpr size_t kSize = size_t{256} << 20;
  CreateWorkspace("big");
  TestState state = MakeState(1, "big-lineage", 1);
  // Pad the body to exactly kSize inside a JSON string, allocating once.
  std::string head = state.body.substr(0, state.body.size() - 2);  // drop "}\n"
  std::string tail = "\"}\n";
  std::string body;
  body.reserve(kSize);
  body.append(head).append(",\"pad\":\"");
  body.append(kSize - body.size() - tail.size(), 'x');
  body.append(tail);
  ASSERT_EQ(body.size(), kSize);
  state.body = std::move(body);
  state.sha256 = Sha256Hex(state.body);

  ASSERT_OK_AND_ASSIGN(StateWriteResult written, Put(Key("big"), state, 10));
  EXPECT_EQ(written.version.size, static_cast<int64_t>(kSize));
  {
    ASSERT_OK_AND_ASSIGN(std::optional<CurrentState> current, store().GetCurrentState(Key("big")));
    ASSERT_TRUE(current.has_value());
    ASSERT_EQ(current->body.size(), kSize);
    EXPECT_TRUE(current->body == state.body);  // not EXPECT_EQ: never print 256 MiB
  }
  ASSERT_OK_AND_ASSIGN(CurrentState by_id, store().GetStateVersion(Key("big"), written.version.id));
  EXPECT_EQ(Sha256Hex(by_id.body), state.sha256);
}

}  // namespace
}  // namespace terrane::storage::testing
