#include "model/run.h"

#include <string>

#include "gtest/gtest.h"

namespace terrane::model {
namespace {

TEST(ParseRunCreateTest, FillsStepsForEachOperation) {
  absl::StatusOr<model::Run> run = ParseRunCreate(
      R"({"operation":"provision","approval_required":true,"targets":["terraform_data.a"],
          "replace":["terraform_data.b"]})");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->operation, RunOperation::kProvision);
  std::vector<std::string> names;
  for (const RunStep& s : run->steps) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"init", "plan", "approval", "apply"}));
  EXPECT_EQ(run->targets, std::vector<std::string>{"terraform_data.a"});
  EXPECT_EQ(run->replace, std::vector<std::string>{"terraform_data.b"});
  absl::StatusOr<model::Run> drift = ParseRunCreate(R"({"operation":"drift"})");
  ASSERT_TRUE(drift.ok());
  EXPECT_EQ(drift->steps.size(), 2u);
  EXPECT_EQ(drift->steps[1].name, "detect-drift");
}

TEST(ParseRunCreateTest, RefusesBadInputNamingTheField) {
  for (auto [body, field] : std::vector<std::pair<std::string, std::string>>{
           {"", "operation"},
           {R"({"operation":1})", "operation"},
           {R"({"operation":"apply"})", "operation"},
           {R"({"operation":"plan","approval_required":"yes"})", "approval_required"},
           {R"({"operation":"plan","approval_required":true})", "approval_required"},
           {R"({"operation":"destroy","replace":["a.b"]})", "replace"},
           {R"({"operation":"plan","targets":["-var=x"]})", "targets"},
           {R"({"operation":"plan","targets":["a\nb"]})", "targets"},
           {R"({"operation":"plan","targets":[""]})", "targets"},
           {R"([1])", "object"}}) {
    absl::StatusOr<model::Run> run = ParseRunCreate(body);
    ASSERT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_NE(run.status().message().find(field), std::string::npos)
        << body << ": " << run.status();
  }
}

TEST(CountPlanChangesTest, CountsActionsReplacementsAndOutputs) {
  constexpr std::string_view kPlan = R"({
    "resource_changes": [
      {"change": {"actions": ["create"]}},
      {"change": {"actions": ["update"]}},
      {"change": {"actions": ["delete", "create"]}},
      {"change": {"actions": ["no-op"]}},
      {"change": {"actions": ["read"]}}],
    "output_changes": {"o": {"actions": ["no-op"]}}})";
  absl::StatusOr<ChangeCounts> c = CountPlanChanges(kPlan, false);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((std::tuple{c->add, c->change, c->destroy, c->has_changes}),
            (std::tuple{2, 1, 1, true}));
  absl::StatusOr<ChangeCounts> outputs_only =
      CountPlanChanges(R"({"output_changes": {"o": {"actions": ["update"]}}})", true);
  ASSERT_TRUE(outputs_only.ok());
  EXPECT_EQ((std::tuple{outputs_only->add, outputs_only->change, outputs_only->has_changes}),
            (std::tuple{0, 0, true}));
  absl::StatusOr<ChangeCounts> drift = CountPlanChanges(
      R"({"resource_drift": [{"change": {"actions": ["update"]}}],
          "resource_changes": [{"change": {"actions": ["create"]}}]})", true);
  EXPECT_EQ((std::tuple{drift->add, drift->change}), (std::tuple{0, 1}));
  EXPECT_FALSE(CountPlanChanges("not json", false).ok());
}

TEST(RunJsonTest, StepsRoundTripThroughTheirStoredForm) {
  std::vector<RunStep> steps{{.name = "init", .status = StepStatus::kSucceeded, .started = 1,
                              .finished = 2, .exit_code = 0},
                             {.name = "plan", .status = StepStatus::kPending}};
  absl::StatusOr<std::vector<RunStep>> back = StepsFromJsonText(StepsToJsonText(steps));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].exit_code, 0);
  EXPECT_EQ((*back)[0].finished, 2);
  EXPECT_FALSE((*back)[1].exit_code.has_value());
  EXPECT_EQ((*back)[1].status, StepStatus::kPending);
}

model::Run ProvisionRun(StepStatus plan, StepStatus apply) {
  model::Run run{.operation = RunOperation::kProvision};
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

// A NUL ends a process argument: "-target=terraform_data.a\0x" would reach terraform as
// -target=terraform_data.a, a different address from the one the run shows.
TEST(ParseRunCreateTest, RegressionAddressesWithControlCharactersAreRefused) {
  for (const char* body : {R"({"operation":"plan","targets":["terraform_data.a\u0000x"]})",
                           R"({"operation":"plan","replace":["terraform_data.a\u001bx"]})",
                           R"({"operation":"plan","targets":["terraform_data.a\u007f"]})"}) {
    SCOPED_TRACE(body);
    absl::StatusOr<model::Run> run = ParseRunCreate(body);
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(run.status().message().find("not a resource address"), std::string::npos)
        << run.status();
  }
}

// Boost.JSON refuses documents deeper than 32 levels by default; terraform 1.11 prints 37 levels
// for a resource whose input is a 30-level object, and such a plan failed its run.
TEST(CountPlanChangesTest, RegressionPlansDeeperThan32LevelsAreRead) {
  std::string deep = "\"leaf\"";
  for (int i = 0; i < 100; ++i) deep = "{\"a\":" + deep + "}";
  const std::string plan = R"({"resource_changes":[{"change":{"actions":["create"],"after":)" +
                           deep + "}}]}";
  absl::StatusOr<ChangeCounts> changes = CountPlanChanges(plan, /*drift=*/false);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_EQ(changes->add, 1);

  std::string too_deep = "1";
  for (size_t i = 0; i < kMaxPlanJsonDepth + 1; ++i) too_deep = "[" + too_deep + "]";
  EXPECT_EQ(CountPlanChanges(R"({"x":)" + too_deep + "}", false).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace terrane::model
