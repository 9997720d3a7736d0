// Store conformance: the lock slot (acquire, idempotent retry, conflicts, release, force) and
// concurrent acquisition.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using absl::StatusCode;

void ExpectSameLock(const model::Lock& got, const model::Lock& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.origin, want.origin);
  EXPECT_EQ(got.info_json, want.info_json);
  EXPECT_EQ(got.operation, want.operation);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.principal_id, want.principal_id);
  EXPECT_EQ(got.principal_type, want.principal_type);
  EXPECT_EQ(got.display_name, want.display_name);
  EXPECT_EQ(got.created, want.created);
}

TEST_P(StoreTest, AcquiredLockIsStoredWithEveryField) {
  CreateWorkspace("ws");
  model::Lock lock = MakeLock("11111111-aaaa", model::LockOrigin::kManual);
  ASSERT_OK_AND_ASSIGN(model::Lock got, store().AcquireLock(Key("ws"), lock));
  ExpectSameLock(got, lock);
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  ASSERT_TRUE(ws.lock.has_value());
  ExpectSameLock(*ws.lock, lock);
}

TEST_P(StoreTest, AcquireWithTheHoldersIdReturnsTheHeldLock) {
  CreateWorkspace("ws");
  model::Lock first = MakeLock("retry-id");
  ASSERT_OK(store().AcquireLock(Key("ws"), first));
  model::Lock retry = first;
  retry.created = 9999;  // a retry carries a new timestamp; the held lock wins
  ASSERT_OK_AND_ASSIGN(model::Lock got, store().AcquireLock(Key("ws"), retry));
  ExpectSameLock(got, first);
}

TEST_P(StoreTest, AcquireConflictCarriesTheHoldersLockInfo) {
  CreateWorkspace("ws");
  model::Lock holder = MakeLock("holder-id");
  ASSERT_OK(store().AcquireLock(Key("ws"), holder));
  absl::Status conflict = store().AcquireLock(Key("ws"), MakeLock("other-id")).status();
  EXPECT_EQ(conflict.code(), StatusCode::kAborted) << conflict;
  EXPECT_EQ(LockPayload(conflict), holder.info_json);
  EXPECT_NE(conflict.message().find("workspace 'ws' is already locked by Alice"), std::string::npos)
      << conflict;
  EXPECT_NE(conflict.message().find("holder-id"), std::string::npos) << conflict;
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  ASSERT_TRUE(ws.lock.has_value());
  EXPECT_EQ(ws.lock->id, "holder-id");
}

TEST_P(StoreTest, ReleaseNeedsTheHoldersIdUnlessForced) {
  CreateWorkspace("ws");
  model::Lock holder = MakeLock("holder-id");
  ASSERT_OK(store().AcquireLock(Key("ws"), holder));

  absl::Status wrong = store().ReleaseLock(Key("ws"), "other-id").status();
  EXPECT_EQ(wrong.code(), StatusCode::kAborted) << wrong;
  EXPECT_EQ(LockPayload(wrong), holder.info_json);
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_TRUE(ws.lock.has_value());

  ASSERT_OK_AND_ASSIGN(std::optional<model::Lock> released,
                       store().ReleaseLock(Key("ws"), "holder-id"));
  ASSERT_TRUE(released.has_value());
  ExpectSameLock(*released, holder);
  ASSERT_OK_AND_ASSIGN(ws, store().GetWorkspace(Key("ws")));
  EXPECT_FALSE(ws.lock.has_value());

  ASSERT_OK(store().AcquireLock(Key("ws"), MakeLock("second", model::LockOrigin::kRun)));
  ASSERT_OK_AND_ASSIGN(released, store().ReleaseLock(Key("ws"), std::nullopt));
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(released->id, "second");
  EXPECT_EQ(released->origin, model::LockOrigin::kRun);
}

TEST_P(StoreTest, ReleasingAnUnlockedWorkspaceSucceeds) {
  CreateWorkspace("ws");
  ASSERT_OK_AND_ASSIGN(std::optional<model::Lock> released,
                       store().ReleaseLock(Key("ws"), "whatever"));
  EXPECT_FALSE(released.has_value());
  ASSERT_OK_AND_ASSIGN(released, store().ReleaseLock(Key("ws"), std::nullopt));
  EXPECT_FALSE(released.has_value());
}

TEST_P(StoreTest, LocksOfUnknownWorkspacesAreNotFound) {
  EXPECT_STATUS(store().AcquireLock(Key("nope"), MakeLock("x")), StatusCode::kNotFound,
                "workspace 'nope'");
  EXPECT_STATUS(store().ReleaseLock(Key("nope"), std::nullopt), StatusCode::kNotFound,
                "workspace 'nope'");
}

TEST_P(StoreTest, LocksAreIndependentPerWorkspace) {
  CreateWorkspace("a");
  CreateWorkspace("b");
  ASSERT_OK(store().AcquireLock(Key("a"), MakeLock("same-id")));
  ASSERT_OK(store().AcquireLock(Key("b"), MakeLock("other")));
  ASSERT_OK(store().ReleaseLock(Key("a"), "same-id"));
  ASSERT_OK_AND_ASSIGN(model::Workspace b, store().GetWorkspace(Key("b")));
  ASSERT_TRUE(b.lock.has_value());
  EXPECT_EQ(b.lock->id, "other");
}

TEST_P(StoreTest, ConcurrentAcquireHasExactlyOneWinner) {
  CreateWorkspace("ws");
  constexpr int kThreads = 8;
  std::atomic<int> winners{0};
  std::atomic<int> conflicts{0};
  std::atomic<int> other_errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      absl::Status status = store().AcquireLock(Key("ws"), MakeLock(Cat("id-", i))).status();
      if (status.ok()) {
        ++winners;
      } else if (status.code() == StatusCode::kAborted) {
        ++conflicts;
      } else {
        ++other_errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM locks"), 1);
}

}  // namespace
}  // namespace terrane::storage::testing
