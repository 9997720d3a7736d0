#include "model/run.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace terrane::model {
namespace {

namespace model = ::terrane::model;  // inside a TEST, `Run` is testing::Test::Run

std::vector<std::string> StepNames(const Run& run) {
  std::vector<std::string> names;
  for (const RunStep& step : run.steps) names.push_back(step.name);
  return names;
}

TEST(ParseRunCreateTest, ProvisionWithEveryOption) {
  absl::StatusOr<model::Run> run = ParseRunCreate(
      R"({"operation":"provision","approval_required":true,
          "targets":["module.net.aws_vpc.main[\"a\"]"],"replace":["terraform_data.web"]})");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->operation, RunOperation::kProvision);
  EXPECT_TRUE(run->approval_required);
  EXPECT_EQ(run->targets, std::vector<std::string>{"module.net.aws_vpc.main[\"a\"]"});
  EXPECT_EQ(run->replace, std::vector<std::string>{"terraform_data.web"});
  EXPECT_EQ(StepNames(*run), (std::vector<std::string>{"init", "plan", "approval", "apply"}));
}

TEST(ParseRunCreateTest, RulesOfTheOptions) {
  EXPECT_EQ(ParseRunCreate(R"({"operation":"plan","approval_required":true})").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRunCreate(R"({"operation":"destroy","replace":["a.b"]})").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRunCreate(R"({"operation":"apply"})").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRunCreate(R"({"operation":"plan","targets":["-lock=false"]})").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRunCreate(R"({"operation":"plan","targets":["a.b\nc.d"]})").status().code(),
            absl::StatusCode::kInvalidArgument);
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

TEST(CountPlanChangesTest, CountsActionsOfEachMode) {
  const std::string plan = R"({
      "resource_changes":[
        {"change":{"actions":["create"]}},
        {"change":{"actions":["delete","create"]}},
        {"change":{"actions":["update"]}},
        {"change":{"actions":["no-op"]}},
        {"change":{"actions":["read"]}}],
      "resource_drift":[{"change":{"actions":["delete"]}}]})";
  absl::StatusOr<ChangeCounts> changes = CountPlanChanges(plan, /*drift=*/false);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_EQ(changes->add, 2);
  EXPECT_EQ(changes->change, 1);
  EXPECT_EQ(changes->destroy, 1);
  EXPECT_TRUE(changes->has_changes);
  absl::StatusOr<ChangeCounts> drift = CountPlanChanges(plan, /*drift=*/true);
  ASSERT_TRUE(drift.ok()) << drift.status();
  EXPECT_EQ(drift->add, 0);
  EXPECT_EQ(drift->destroy, 1);
}

TEST(CountPlanChangesTest, OutputOnlyChangesAndRefusals) {
  absl::StatusOr<ChangeCounts> outputs =
      CountPlanChanges(R"({"output_changes":{"o":{"actions":["update"]}}})", false);
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ(outputs->add + outputs->change + outputs->destroy, 0);
  EXPECT_TRUE(outputs->has_changes);
  EXPECT_EQ(CountPlanChanges("[]", false).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CountPlanChanges("{", false).status().code(), absl::StatusCode::kInvalidArgument);
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
