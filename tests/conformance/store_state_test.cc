// Store conformance: state writes and their rules, versions, rollback, concurrent writers.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using absl::StatusCode;
using model::WorkspaceStatus;

TEST_P(StoreTest, NoStateBeforeTheFirstWrite) {
  CreateWorkspace("ws");
  ASSERT_OK_AND_ASSIGN(std::optional<CurrentState> current, store().GetCurrentState(Key("ws")));
  EXPECT_FALSE(current.has_value());
  int64_t total = -1;
  ASSERT_OK_AND_ASSIGN(std::vector<model::StateVersion> versions,
                       store().ListStateVersions(Key("ws"), 10, 1, &total));
  EXPECT_TRUE(versions.empty());
  EXPECT_EQ(total, 0);
  EXPECT_STATUS(store().GetCurrentState(Key("nope")), StatusCode::kNotFound, "workspace 'nope'");
}

TEST_P(StoreTest, WriteStoresExactBytesAndMetadata) {
  CreateWorkspace("ws", "ws", 1000);
  TestState state = MakeState(1, "lin-1", /*managed=*/3);
  ASSERT_OK_AND_ASSIGN(StateWriteResult result, Put(Key("ws"), state, 2000));
  EXPECT_TRUE(result.created);
  const model::StateVersion& v = result.version;
  EXPECT_EQ(v.id.size(), 36u);
  EXPECT_EQ(v.serial, 1);
  EXPECT_EQ(v.lineage, "lin-1");
  EXPECT_EQ(v.sha256, state.sha256);
  EXPECT_EQ(v.size, static_cast<int64_t>(state.body.size()));
  EXPECT_EQ(v.managed_resources, 3);
  EXPECT_EQ(v.created, 2000);
  EXPECT_EQ(v.created_by, "key_writer");
  EXPECT_EQ(v.rollback_source_id, "");

  ASSERT_OK_AND_ASSIGN(std::optional<CurrentState> current, store().GetCurrentState(Key("ws")));
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->body, state.body);
  EXPECT_EQ(current->version.id, v.id);
  EXPECT_EQ(current->version.sha256, state.sha256);

  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.state_checksum, state.sha256);
  EXPECT_EQ(ws.status, WorkspaceStatus::kActive);
  EXPECT_EQ(ws.updated, 2000);
  EXPECT_EQ(ws.created, 1000);
}

TEST_P(StoreTest, StatusFollowsManagedResources) {
  CreateWorkspace("ws");
  ASSERT_OK(Put(Key("ws"), MakeState(1, "l", 1), 10));
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.status, WorkspaceStatus::kActive);
  ASSERT_OK(Put(Key("ws"), MakeState(2, "l", 0), 11));  // terraform destroy leaves no resources
  ASSERT_OK_AND_ASSIGN(ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.status, WorkspaceStatus::kInactive);
}

TEST_P(StoreTest, WhileLockedAWriteNeedsTheHoldersId) {
  CreateWorkspace("ws");
  model::Lock holder = MakeLock("holder-id");
  ASSERT_OK(store().AcquireLock(Key("ws"), holder));

  absl::Status no_id = Put(Key("ws"), MakeState(1, "l"), 10).status();
  EXPECT_EQ(no_id.code(), StatusCode::kAborted) << no_id;
  EXPECT_EQ(LockPayload(no_id), holder.info_json);
  EXPECT_NE(no_id.message().find("?ID="), std::string::npos) << no_id;

  absl::Status wrong_id = Put(Key("ws"), MakeState(1, "l"), 10, "other-id").status();
  EXPECT_EQ(wrong_id.code(), StatusCode::kAborted) << wrong_id;
  EXPECT_EQ(LockPayload(wrong_id), holder.info_json);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_versions"), 0);

  ASSERT_OK_AND_ASSIGN(StateWriteResult ok, Put(Key("ws"), MakeState(1, "l"), 10, "holder-id"));
  EXPECT_TRUE(ok.created);
}

TEST_P(StoreTest, AnIdWhileUnlockedIsStale) {
  CreateWorkspace("ws");
  EXPECT_STATUS(Put(Key("ws"), MakeState(1, "l"), 10, "gone-id"), StatusCode::kFailedPrecondition,
                "the state is not locked; the lock ID in this write is stale");
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_versions"), 0);
  ASSERT_OK(Put(Key("ws"), MakeState(1, "l"), 10));  // -lock=false writes carry no ID
}

TEST_P(StoreTest, SerialRulesCompareWithTheCurrentVersion) {
  CreateWorkspace("ws");
  ASSERT_OK(Put(Key("ws"), MakeState(5, "l"), 10));
  EXPECT_EQ(Put(Key("ws"), MakeState(4, "l"), 11).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Put(Key("ws"), MakeState(5, "l", 0, "different"), 11).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_versions"), 1);
  ASSERT_OK_AND_ASSIGN(StateWriteResult new_lineage, Put(Key("ws"), MakeState(1, "other"), 12));
  EXPECT_TRUE(new_lineage.created);
  ASSERT_OK_AND_ASSIGN(StateWriteResult next, Put(Key("ws"), MakeState(2, "other"), 13));
  EXPECT_TRUE(next.created);
}

TEST_P(StoreTest, IdenticalBytesStoreNothing) {
  CreateWorkspace("ws");
  TestState state = MakeState(1, "l", 1);
  ASSERT_OK_AND_ASSIGN(StateWriteResult first, Put(Key("ws"), state, 10));
  ASSERT_OK_AND_ASSIGN(StateWriteResult again, Put(Key("ws"), state, 20));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.version.id, first.version.id);
  EXPECT_EQ(again.version.created, 10);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_versions"), 1);
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.updated, 10);
}

TEST_P(StoreTest, VersionsListNewestFirstInPages) {
  CreateWorkspace("ws");
  std::vector<std::string> ids;
  for (int serial = 1; serial <= 5; ++serial) {
    // Versions 3 to 5 share a timestamp: insertion order breaks the tie.
    ASSERT_OK_AND_ASSIGN(StateWriteResult r,
                         Put(Key("ws"), MakeState(serial, "l"), serial < 3 ? serial : 3));
    ids.push_back(r.version.id);
  }
  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::StateVersion> page1,
                       store().ListStateVersions(Key("ws"), 2, 1, &total));
  EXPECT_EQ(total, 5);
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].id, ids[4]);
  EXPECT_EQ(page1[1].id, ids[3]);
  ASSERT_OK_AND_ASSIGN(std::vector<model::StateVersion> page3,
                       store().ListStateVersions(Key("ws"), 2, 3, &total));
  ASSERT_EQ(page3.size(), 1u);
  EXPECT_EQ(page3[0].id, ids[0]);
  EXPECT_EQ(page3[0].serial, 1);
  ASSERT_OK_AND_ASSIGN(std::vector<model::StateVersion> past,
                       store().ListStateVersions(Key("ws"), 2, 4, &total));
  EXPECT_TRUE(past.empty());
  EXPECT_EQ(total, 5);
}

TEST_P(StoreTest, VersionsAreOnlyReadableThroughTheirWorkspace) {
  CreateWorkspace("a");
  CreateWorkspace("b");
  TestState state = MakeState(1, "l", 0, "a's secret");
  ASSERT_OK_AND_ASSIGN(StateWriteResult a, Put(Key("a"), state, 10));
  ASSERT_OK_AND_ASSIGN(CurrentState got, store().GetStateVersion(Key("a"), a.version.id));
  EXPECT_EQ(got.body, state.body);
  EXPECT_EQ(got.version.id, a.version.id);
  EXPECT_STATUS(store().GetStateVersion(Key("b"), a.version.id), StatusCode::kNotFound,
                Cat("state version '", a.version.id, "' not found in workspace 'b'"));
  EXPECT_STATUS(store().RollbackState(Key("b"), a.version.id, "k", 11), StatusCode::kNotFound,
                "not found in workspace 'b'");
  EXPECT_STATUS(store().GetStateVersion(Key("a"), "no-such-id"), StatusCode::kNotFound,
                "'no-such-id'");
}

TEST_P(StoreTest, RollbackCopiesAVersionForward) {
  CreateWorkspace("ws");
  TestState v1_state = MakeState(1, "l", 1, "v1");
  ASSERT_OK_AND_ASSIGN(StateWriteResult v1, Put(Key("ws"), v1_state, 10));
  ASSERT_OK(Put(Key("ws"), MakeState(2, "l", 2, "v2"), 20));

  ASSERT_OK_AND_ASSIGN(model::StateVersion copy,
                       store().RollbackState(Key("ws"), v1.version.id, "key_admin", 30));
  EXPECT_NE(copy.id, v1.version.id);
  EXPECT_EQ(copy.serial, 1);
  EXPECT_EQ(copy.lineage, "l");
  EXPECT_EQ(copy.sha256, v1_state.sha256);
  EXPECT_EQ(copy.size, v1.version.size);
  EXPECT_EQ(copy.managed_resources, 1);
  EXPECT_EQ(copy.created, 30);
  EXPECT_EQ(copy.created_by, "key_admin");
  EXPECT_EQ(copy.rollback_source_id, v1.version.id);

  ASSERT_OK_AND_ASSIGN(std::optional<CurrentState> current, store().GetCurrentState(Key("ws")));
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->version.id, copy.id);
  EXPECT_EQ(current->body, v1_state.body);
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.status, WorkspaceStatus::kRollbackApplied);
  EXPECT_EQ(ws.state_checksum, v1_state.sha256);
  EXPECT_EQ(ws.updated, 30);
  int64_t total = 0;
  ASSERT_OK(store().ListStateVersions(Key("ws"), 10, 1, &total));
  EXPECT_EQ(total, 3);

  // terraform's next write is the copy's serial + 1 = 2, a serial v2 already used: accepted,
  // because only the current version counts.
  ASSERT_OK_AND_ASSIGN(StateWriteResult next, Put(Key("ws"), MakeState(2, "l", 1, "v3"), 40));
  EXPECT_TRUE(next.created);
}

TEST_P(StoreTest, RollbackIsRefusedWhileLocked) {
  CreateWorkspace("ws");
  ASSERT_OK_AND_ASSIGN(StateWriteResult v1, Put(Key("ws"), MakeState(1, "l"), 10));
  model::Lock holder = MakeLock("holder-id", model::LockOrigin::kManual);
  ASSERT_OK(store().AcquireLock(Key("ws"), holder));
  absl::Status refused = store().RollbackState(Key("ws"), v1.version.id, "k", 11).status();
  EXPECT_EQ(refused.code(), StatusCode::kAborted) << refused;
  EXPECT_EQ(LockPayload(refused), holder.info_json);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_versions"), 1);
}

TEST_P(StoreTest, ConcurrentWritersOfOneSerialStoreExactlyOne) {
  CreateWorkspace("ws");
  ASSERT_OK(Put(Key("ws"), MakeState(1, "l"), 1));
  constexpr int kWriters = 6;
  std::vector<TestState> states;
  for (int i = 0; i < kWriters; ++i) states.push_back(MakeState(2, "l", 1, Cat(i)));
  std::atomic<int> stored{0};
  std::atomic<int> refused{0};
  std::atomic<bool> torn_read{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<StateWriteResult> r = Put(Key("ws"), states[i], 2);
      if (r.ok() && r->created) ++stored;
      if (r.status().code() == StatusCode::kFailedPrecondition) ++refused;
    });
    threads.emplace_back([&] {  // readers see whole versions only
      absl::StatusOr<std::optional<CurrentState>> cur = store().GetCurrentState(Key("ws"));
      if (!cur.ok() || !cur->has_value() || Sha256Hex((*cur)->body) != (*cur)->version.sha256) {
        torn_read = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(refused.load(), kWriters - 1);
  EXPECT_FALSE(torn_read.load());
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM state_versions"), 2);
}

}  // namespace
}  // namespace terrane::storage::testing
