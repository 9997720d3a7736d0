// A measurement, not a test: ListWorkspaces latency with 100k workspaces in one project.
// Disabled by default; run with
//   store_conformance_test --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_List*'
// It prints the median latency per scenario and asserts only correctness.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

constexpr int kWorkspaces = 100'000;
constexpr int kRuns = 21;

// CPU time of this thread: separates the query's own cost from time lost to other processes
// on a shared machine.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Scenario {
  std::string label;
  model::WorkspaceQuery query;
};

std::vector<Scenario> Scenarios() {
  auto q = [](int page, model::WorkspaceSortField sort, bool descending) {
    model::WorkspaceQuery query;
    query.account = std::string(kAccount);
    query.org = std::string(kOrg);
    query.project = std::string(kProject);
    query.page = page;
    query.sort = sort;
    query.descending = descending;
    return query;
  };
  using F = model::WorkspaceSortField;
  constexpr int kLast = (kWorkspaces + 29) / 30;
  std::vector<Scenario> s = {
      {"name asc, page 1", q(1, F::kName, false)},
      {"name asc, middle page", q(kLast / 2, F::kName, false)},
      {"name asc, last page", q(kLast, F::kName, false)},
      {"name desc, last page", q(kLast, F::kName, true)},
      {"updated asc, middle page", q(kLast / 2, F::kUpdated, false)},
      {"updated desc, last page", q(kLast, F::kUpdated, true)},
      {"past the end", q(kLast + 10, F::kName, false)},
  };
  Scenario search{"search 'space 12', page 1", q(1, F::kName, false)};
  search.query.search_term = "space 12";
  s.push_back(search);
  Scenario status{"status=active, last page", q(kWorkspaces / 4 / 30, F::kName, false)};
  status.query.statuses = {model::WorkspaceStatus::kActive};
  s.push_back(status);
  Scenario tag{"tag team=t3, page 1", q(1, F::kName, false)};
  tag.query.tags = {{"team", "t3"}};
  s.push_back(tag);
  return s;
}

TEST_P(StoreTest, DISABLED_ListLatencyAt100kWorkspaces) {
  backend().Exec(
      Cat("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ", kWorkspaces,
          ") INSERT INTO workspaces(project_id, identifier, name, name_lower, description,"
          " provisioner, status, settings_json, created, updated)"
          " SELECT p.id, 'ws_' || n.i, 'Workspace ' || (n.i % 5000), 'workspace ' || (n.i % 5000),"
          " '', 'terraform', CASE n.i % 4 WHEN 0 THEN 'active' ELSE 'inactive' END, '{}', n.i,"
          " (n.i * 7919) % 100000 FROM n, projects p WHERE p.identifier = '",
          kProject, "'"));
  backend().Exec(
      "INSERT INTO workspace_tags(workspace_id, key, value)"
      " SELECT id, 'team', 't' || (id % 10) FROM workspaces");
  for (const Scenario& scenario : Scenarios()) {
    std::vector<double> wall_ms;
    std::vector<double> cpu_ms;
    model::WorkspacePage page;
    for (int run = 0; run < kRuns; ++run) {
      double cpu_start = ThreadCpuMs();
      auto start = std::chrono::steady_clock::now();
      ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(scenario.query));
      auto elapsed = std::chrono::steady_clock::now() - start;
      wall_ms.push_back(std::chrono::duration<double, std::milli>(elapsed).count());
      cpu_ms.push_back(ThreadCpuMs() - cpu_start);
    }
    std::sort(wall_ms.begin(), wall_ms.end());
    std::sort(cpu_ms.begin(), cpu_ms.end());
    std::printf("%-28s wall p50 %6.2f max %6.2f | cpu p50 %6.2f ms | items %2zu total %lld\n",
                scenario.label.c_str(), wall_ms[kRuns / 2], wall_ms.back(), cpu_ms[kRuns / 2],
                page.items.size(), static_cast<long long>(page.total));
    EXPECT_GT(page.total, 0);
  }
}

}  // namespace
}  // namespace terrane::storage::testing
