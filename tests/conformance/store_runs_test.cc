// Runs in the store: the queue and its per-workspace order, the lock a run takes, how runs end,
// start-up recovery, logs and artifacts, and what deleting a workspace does to them.
#include <string>
#include <vector>

#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using ::absl::StatusCode;

model::Run NewRun(std::string id, const model::WorkspaceKey& ws, model::RunOperation op,
                  int64_t created, bool approval = false) {
  model::Run run{.id = std::move(id),
                 .workspace = ws,
                 .operation = op,
                 .approval_required = approval,
                 .steps = model::StepsFor(op, approval),
                 .created_by = "api_key:test",
                 .created = created};
  return run;
}

TEST_P(StoreTest, RunsQueueInOrderAndOneWorkspaceRunsOneAtATime) {
  CreateWorkspace("a");
  CreateWorkspace("b");
  ASSERT_OK(store().CreateRun(NewRun("run-a1", Key("a"), model::RunOperation::kProvision, 1)));
  ASSERT_OK(store().CreateRun(NewRun("run-a2", Key("a"), model::RunOperation::kPlan, 2)));
  ASSERT_OK(store().CreateRun(NewRun("run-b1", Key("b"), model::RunOperation::kPlan, 3)));
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> first, store().ClaimNextRun(10));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, "run-a1");
  EXPECT_EQ(first->status, model::RunStatus::kRunning);
  EXPECT_EQ(first->status_before, "inactive");
  EXPECT_EQ(first->started, 10);
  // a2 waits for a1; b1 may start.
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> second, store().ClaimNextRun(11));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->id, "run-b1");
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> none, store().ClaimNextRun(12));
  EXPECT_FALSE(none.has_value());

  // The provision holds the lock and shows in the status.
  ASSERT_OK_AND_ASSIGN(model::Workspace a, store().GetWorkspace(Key("a")));
  EXPECT_EQ(a.status, model::WorkspaceStatus::kProvisioning);
  ASSERT_TRUE(a.lock.has_value());
  EXPECT_EQ(a.lock->id, "run-a1");
  EXPECT_EQ(a.lock->origin, model::LockOrigin::kRun);

  model::Run done = *first;
  done.status = model::RunStatus::kSucceeded;
  done.finished = 20;
  ASSERT_OK(store().FinishRun(
      RunOutcome{.run = done, .workspace_status = model::WorkspaceStatus::kActive}));
  ASSERT_OK_AND_ASSIGN(a, store().GetWorkspace(Key("a")));
  EXPECT_EQ(a.status, model::WorkspaceStatus::kActive);
  EXPECT_FALSE(a.lock.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> third, store().ClaimNextRun(21));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->id, "run-a2");
  EXPECT_EQ(third->status_before, "active");

  int64_t total = 0;
  ASSERT_OK_AND_ASSIGN(std::vector<model::Run> listed, store().ListRuns(Key("a"), 10, 1, &total));
  EXPECT_EQ(total, 2);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, "run-a2");  // newest first
  EXPECT_EQ(listed[1].status, model::RunStatus::kSucceeded);
  model::WorkspaceKey project = Key("");
  ASSERT_OK_AND_ASSIGN(listed, store().ListRuns(project, 2, 2, &total));
  EXPECT_EQ(total, 3);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, "run-a1");
}

TEST_P(StoreTest, ARunCannotBeQueuedOrStartedWhileSomeoneElseHoldsTheLock) {
  CreateWorkspace("ws");
  ASSERT_OK(store().CreateRun(NewRun("run-1", Key("ws"), model::RunOperation::kDestroy, 1)));
  ASSERT_OK(store().AcquireLock(Key("ws"), MakeLock("cli-lock")));
  EXPECT_STATUS(store().CreateRun(NewRun("run-2", Key("ws"), model::RunOperation::kPlan, 2)),
                StatusCode::kAborted, "is locked");
  // The run queued before the lock ends failed at its claim, changing nothing.
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> claimed, store().ClaimNextRun(3));
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->status, model::RunStatus::kFailed);
  EXPECT_NE(claimed->message.find("cli-lock"), std::string::npos) << claimed->message;
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.status, model::WorkspaceStatus::kInactive);
  EXPECT_EQ(ws.lock->id, "cli-lock");
  ASSERT_OK_AND_ASSIGN(model::Run stored, store().GetRun(Key("ws"), "run-1"));
  EXPECT_EQ(stored.status, model::RunStatus::kFailed);
}

TEST_P(StoreTest, StateWritesDuringARunLeaveTheStatusToTheRun) {
  CreateWorkspace("ws");
  ASSERT_OK(store().CreateRun(NewRun("run-1", Key("ws"), model::RunOperation::kProvision, 1)));
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> run, store().ClaimNextRun(2));
  ASSERT_TRUE(run.has_value());
  ASSERT_OK(Put(Key("ws"), MakeState(1, "lin", 2), 3, std::string("run-1")));
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.status, model::WorkspaceStatus::kProvisioning);
  // A write without the run's lock id is refused while the run holds the workspace.
  EXPECT_STATUS(Put(Key("ws"), MakeState(2, "lin", 2), 4), StatusCode::kAborted, "locked");
}

TEST_P(StoreTest, DeleteIsRefusedWhileARunIsQueuedAndTakesFinishedRunsWithIt) {
  CreateWorkspace("ws");
  ASSERT_OK(store().CreateRun(NewRun("run-1", Key("ws"), model::RunOperation::kPlan, 1)));
  EXPECT_STATUS(store().DeleteWorkspace(Key("ws")), StatusCode::kFailedPrecondition,
                "has run run-1 (plan, queued)");
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> run, store().ClaimNextRun(2));
  ASSERT_OK(store().AppendRunLog("run-1", "hello\n"));
  ASSERT_OK(store().PutRunArtifact("run-1", "plan_json", "{}"));
  run->status = model::RunStatus::kSucceeded;
  ASSERT_OK(store().FinishRun(RunOutcome{.run = *run}));
  int64_t row = WorkspaceRowId("ws");
  EXPECT_EQ(RowsFor("runs", row), 1);
  ASSERT_OK_AND_ASSIGN(DeleteCounts counts, store().DeleteWorkspace(Key("ws")));
  EXPECT_EQ(counts.runs, 1);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM runs"), 0);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM run_logs"), 0);
  EXPECT_EQ(backend().QueryInt("SELECT COUNT(*) FROM run_artifacts"), 0);
  EXPECT_STATUS(store().ReadRunLog("run-1", 0, 100), StatusCode::kNotFound, "run-1");
}

TEST_P(StoreTest, RunLogsReadFromAnyOffsetAcrossChunks) {
  CreateWorkspace("ws");
  ASSERT_OK(store().CreateRun(NewRun("run-1", Key("ws"), model::RunOperation::kPlan, 1)));
  ASSERT_OK(store().AppendRunLog("run-1", "abc"));
  ASSERT_OK(store().AppendRunLog("run-1", ""));
  ASSERT_OK(store().AppendRunLog("run-1", "defg"));
  ASSERT_OK(store().AppendRunLog("run-1", "hi"));
  EXPECT_EQ(store().ReadRunLog("run-1", 0, 100).value_or("?"), "abcdefghi");
  EXPECT_EQ(store().ReadRunLog("run-1", 2, 100).value_or("?"), "cdefghi");
  EXPECT_EQ(store().ReadRunLog("run-1", 3, 3).value_or("?"), "def");
  EXPECT_EQ(store().ReadRunLog("run-1", 8, 100).value_or("?"), "i");
  EXPECT_EQ(store().ReadRunLog("run-1", 9, 100).value_or("?"), "");
  EXPECT_EQ(store().ReadRunLog("run-1", 50, 100).value_or("?"), "");
  ASSERT_OK(store().PutRunArtifact("run-1", "plan_human", "v1"));
  ASSERT_OK(store().PutRunArtifact("run-1", "plan_human", "v2"));
  EXPECT_EQ(store().GetRunArtifact("run-1", "plan_human").value_or("?"), "v2");
  EXPECT_STATUS(store().GetRunArtifact("run-1", "plan_json"), StatusCode::kNotFound, "plan_json");
}

TEST_P(StoreTest, StartUpRecoveryFailsInFlightRunsAndReleasesTheirLocks) {
  CreateWorkspace("a");
  CreateWorkspace("b");
  ASSERT_OK(store().CreateRun(NewRun("run-a", Key("a"), model::RunOperation::kProvision, 1)));
  ASSERT_OK(store().CreateRun(NewRun("run-b", Key("b"), model::RunOperation::kDestroy, 2, true)));
  ASSERT_OK(store().CreateRun(NewRun("run-a2", Key("a"), model::RunOperation::kPlan, 3)));
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> a, store().ClaimNextRun(4));
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> b, store().ClaimNextRun(5));
  // a was applying and wrote state before the crash; b was waiting for approval.
  for (model::RunStep& step : a->steps) step.status = model::StepStatus::kSucceeded;
  a->steps.back().status = model::StepStatus::kRunning;
  ASSERT_OK(store().SaveRun(*a));
  ASSERT_OK(Put(Key("a"), MakeState(1, "lin", 1), 6, std::string("run-a")));
  b->status = model::RunStatus::kWaitingApproval;
  ASSERT_OK(store().SaveRun(*b));

  ASSERT_OK_AND_ASSIGN(std::vector<model::Run> ended, store().FailInFlightRuns("crash", 7));
  ASSERT_EQ(ended.size(), 2u);
  ASSERT_OK_AND_ASSIGN(model::Run ra, store().GetRun(Key("a"), "run-a"));
  EXPECT_EQ(ra.status, model::RunStatus::kFailed);
  EXPECT_EQ(ra.finished, 7);
  EXPECT_NE(ra.message.find("crash; the state changed"), std::string::npos) << ra.message;
  ASSERT_OK_AND_ASSIGN(model::Workspace wa, store().GetWorkspace(Key("a")));
  EXPECT_EQ(wa.status, model::WorkspaceStatus::kFailed);
  EXPECT_FALSE(wa.lock.has_value());
  ASSERT_OK_AND_ASSIGN(model::Workspace wb, store().GetWorkspace(Key("b")));
  EXPECT_EQ(wb.status, model::WorkspaceStatus::kInactive);  // restored: nothing changed
  EXPECT_FALSE(wb.lock.has_value());
  // The queued run that never started is kept and can start now.
  ASSERT_OK_AND_ASSIGN(std::optional<model::Run> next, store().ClaimNextRun(8));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, "run-a2");
  ASSERT_OK_AND_ASSIGN(std::vector<model::Run> waiting,
                       store().ListRunsInStatus(model::RunStatus::kWaitingApproval, 10));
  EXPECT_TRUE(waiting.empty());
}

}  // namespace
}  // namespace terrane::storage::testing
