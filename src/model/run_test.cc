#include "model/run.h"

#include <string>

#include "gtest/gtest.h"

namespace terrane::model {
namespace {

Run ProvisionRun(StepStatus plan, StepStatus apply) {
  Run run{.operation = RunOperation::kProvision};
  run.steps = {RunStep{.name = "init", .status = StepStatus::kSucceeded},
               RunStep{.name = "plan", .status = plan}, RunStep{.name = "apply", .status = apply}};
  run.status_before = "active";
  run.checksum_before = "aaa";
  return run;
}

TEST(StatusAfterFailureTest, AStateWrittenBeforeTheApplyStepChangesNothing) {
  // terraform interrupted during plan saved a refreshed state: the checksum moved
  std::string why;
  auto status = StatusAfterFailure(ProvisionRun(StepStatus::kCancelled, StepStatus::kSkipped),
                                   "bbb", &why);
  EXPECT_EQ(status, WorkspaceStatus::kActive);
  EXPECT_NE(why.find("before applying anything"), std::string::npos) << why;
}

TEST(StatusAfterFailureTest, AnApplyThatChangedTheStateFails) {
  std::string why;
  auto status = StatusAfterFailure(ProvisionRun(StepStatus::kSucceeded, StepStatus::kCancelled),
                                   "bbb", &why);
  EXPECT_EQ(status, WorkspaceStatus::kFailed);
  EXPECT_NE(why.find("state changed"), std::string::npos) << why;
  // an interrupted apply that wrote nothing restores what it found
  status = StatusAfterFailure(ProvisionRun(StepStatus::kSucceeded, StepStatus::kFailed), "aaa",
                              &why);
  EXPECT_EQ(status, WorkspaceStatus::kActive);
  EXPECT_NE(why.find("did not change"), std::string::npos) << why;
}

TEST(StatusAfterFailureTest, PlansNeverChangeTheStatus) {
  model::Run run{.operation = RunOperation::kPlan};
  std::string why;
  EXPECT_EQ(StatusAfterFailure(run, "zzz", &why), std::nullopt);
}

}  // namespace
}  // namespace terrane::model
