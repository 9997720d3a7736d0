// Store conformance: ChangeCounter, which answer caches rely on to never serve stale data.
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

TEST_P(StoreTest, ChangeCounterStaysWhileNothingIsCommitted) {
  CreateWorkspace("calm");
  ASSERT_OK_AND_ASSIGN(uint64_t before, store().ChangeCounter());
  // Reads commit nothing.
  ASSERT_OK(store().GetWorkspace(Key("calm")));
  ASSERT_OK(store().ListOrgs(kAccount));
  ASSERT_OK_AND_ASSIGN(uint64_t after, store().ChangeCounter());
  EXPECT_EQ(after, before);
}

TEST_P(StoreTest, ChangeCounterMovesOnEveryCommitOfThisStore) {
  CreateWorkspace("busy");
  ASSERT_OK_AND_ASSIGN(uint64_t c0, store().ChangeCounter());
  ASSERT_OK(store().SetWorkspaceStatus(Key("busy"), model::WorkspaceStatus::kFailed, 1500));
  ASSERT_OK_AND_ASSIGN(uint64_t c1, store().ChangeCounter());
  EXPECT_NE(c1, c0);
  ASSERT_OK(store().AcquireLock(Key("busy"), MakeLock("lock-1")));
  ASSERT_OK_AND_ASSIGN(uint64_t c2, store().ChangeCounter());
  EXPECT_NE(c2, c1);
  ASSERT_OK(Put(Key("busy"), MakeState(1, "lineage-1"), 2000, "lock-1"));
  ASSERT_OK_AND_ASSIGN(uint64_t c3, store().ChangeCounter());
  EXPECT_NE(c3, c2);
}

TEST_P(StoreTest, ChangeCounterSeesCommitsOfAnotherStoreAndOfRawConnections) {
  CreateWorkspace("shared");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> other, backend().OpenStore());
  ASSERT_OK_AND_ASSIGN(uint64_t c0, store().ChangeCounter());
  // Another server sharing the database.
  ASSERT_OK(other->SetWorkspaceStatus(Key("shared"), model::WorkspaceStatus::kDrifted, 1500));
  ASSERT_OK_AND_ASSIGN(uint64_t c1, store().ChangeCounter());
  EXPECT_NE(c1, c0);
  // Any other writer, e.g. an admin command.
  backend().Exec("UPDATE workspaces SET description = 'edited elsewhere'");
  ASSERT_OK_AND_ASSIGN(uint64_t c2, store().ChangeCounter());
  EXPECT_NE(c2, c1);
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("shared")));
  EXPECT_EQ(ws.spec.description, "edited elsewhere");
  EXPECT_EQ(ws.status, model::WorkspaceStatus::kDrifted);
}

}  // namespace
}  // namespace terrane::storage::testing
