// Store conformance: ListWorkspaces paging, sorting, search and filters.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using absl::StatusCode;
using model::WorkspaceSortField;
using model::WorkspaceStatus;

model::WorkspaceQuery Query(int limit = 30, int page = 1) {
  model::WorkspaceQuery q;
  q.account = std::string(kAccount);
  q.org = std::string(kOrg);
  q.project = std::string(kProject);
  q.limit = limit;
  q.page = page;
  return q;
}

std::vector<std::string> Identifiers(const model::WorkspacePage& page) {
  std::vector<std::string> ids;
  for (const model::WorkspaceSummary& item : page.items) ids.push_back(item.key.identifier);
  return ids;
}

using Ids = std::vector<std::string>;

TEST_P(StoreTest, ListSortsByNameWithTiesOnIdentifier) {
  CreateWorkspace("c", "Beta", 1);
  CreateWorkspace("a", "Beta", 2);
  CreateWorkspace("b", "Alpha", 3);
  CreateWorkspace("d", "Gamma", 4);
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(Query()));
  EXPECT_EQ(Identifiers(page), (Ids{"b", "a", "c", "d"}));
  EXPECT_EQ(page.total, 4);

  model::WorkspaceQuery q = Query();
  q.descending = true;
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"d", "c", "a", "b"}));
}

TEST_P(StoreTest, ListSortsByUpdated) {
  CreateWorkspace("x", "X", 30);
  CreateWorkspace("y", "Y", 10);
  CreateWorkspace("z", "Z", 20);
  CreateWorkspace("w", "W", 20);
  ASSERT_OK(store().UpdateWorkspace(Key("y"), FullSpec("Y"), 40));  // y becomes the newest
  model::WorkspaceQuery q = Query();
  q.sort = WorkspaceSortField::kUpdated;
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"w", "z", "x", "y"}));
  q.descending = true;
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"y", "x", "z", "w"}));
}

TEST_P(StoreTest, ListReturnsSummaryFields) {
  CreateWorkspace("ws", "Named", 55);
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(Query()));
  ASSERT_EQ(page.items.size(), 1u);
  const model::WorkspaceSummary& item = page.items[0];
  EXPECT_EQ(item.key.account, kAccount);
  EXPECT_EQ(item.key.org, kOrg);
  EXPECT_EQ(item.key.project, kProject);
  EXPECT_EQ(item.key.identifier, "ws");
  EXPECT_EQ(item.name, "Named");
  EXPECT_EQ(item.description, "description of Named");
  EXPECT_EQ(item.status, WorkspaceStatus::kInactive);
  EXPECT_EQ(item.created, 55);
  EXPECT_EQ(item.updated, 55);
}

TEST_P(StoreTest, ListPagesAreFullExceptTheLastAndPastTheEndIsEmpty) {
  for (char c = 'a'; c <= 'g'; ++c) CreateWorkspace(std::string(1, c));
  Ids all;
  for (int p = 1; p <= 3; ++p) {
    ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(Query(3, p)));
    EXPECT_EQ(page.total, 7);
    EXPECT_EQ(page.items.size(), p < 3 ? 3u : 1u);
    for (const std::string& id : Identifiers(page)) all.push_back(id);
  }
  EXPECT_EQ(all, (Ids{"a", "b", "c", "d", "e", "f", "g"}));
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage past, store().ListWorkspaces(Query(3, 4)));
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, 7);
  ASSERT_OK_AND_ASSIGN(past, store().ListWorkspaces(Query(1000, 1'000'000)));
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, 7);
}

TEST_P(StoreTest, PagesConcatenateToTheFullListingInEveryOrder) {
  for (int i = 0; i < 11; ++i) {
    // Names and update times repeat, so ties on identifier decide many positions.
    ASSERT_OK(store().CreateWorkspace(Key(Cat("w", (i * 7) % 11)), FullSpec(Cat("Name ", i % 3)),
                                      100 + i % 4));
  }
  for (WorkspaceSortField sort : {WorkspaceSortField::kName, WorkspaceSortField::kUpdated}) {
    for (bool descending : {false, true}) {
      model::WorkspaceQuery q = Query(1000);
      q.sort = sort;
      q.descending = descending;
      ASSERT_OK_AND_ASSIGN(model::WorkspacePage full, store().ListWorkspaces(q));
      ASSERT_EQ(full.items.size(), 11u);
      Ids paged;
      for (int p = 1; p <= 4; ++p) {
        q.limit = 3;
        q.page = p;
        ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(q));
        EXPECT_EQ(page.total, 11);
        for (const std::string& id : Identifiers(page)) paged.push_back(id);
      }
      EXPECT_EQ(paged, Identifiers(full))
          << "sort " << static_cast<int>(sort) << " desc " << descending;
    }
  }
}

TEST_P(StoreTest, ListRejectsBadPagingAndUnknownProjects) {
  EXPECT_STATUS(store().ListWorkspaces(Query(0)), StatusCode::kInvalidArgument, "limit");
  EXPECT_STATUS(store().ListWorkspaces(Query(1001)), StatusCode::kInvalidArgument, "limit");
  EXPECT_STATUS(store().ListWorkspaces(Query(30, 0)), StatusCode::kInvalidArgument, "page");
  model::WorkspaceQuery q = Query();
  q.project = "nope";
  EXPECT_STATUS(store().ListWorkspaces(q), StatusCode::kNotFound, "project 'nope' not found");
}

TEST_P(StoreTest, ListSearchIsACaseInsensitiveSubstringOfTheName) {
  CreateWorkspace("a", "Prod Network");
  CreateWorkspace("b", "staging-PRODUCT");
  CreateWorkspace("c", "dev");
  model::WorkspaceQuery q = Query();
  q.search_term = "pRoD";
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"a", "b"}));
  EXPECT_EQ(page.total, 2);
  q.search_term = "identifier-not-name";
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(page.total, 0);
}

TEST_P(StoreTest, ListSearchTreatsLikeWildcardsLiterally) {
  CreateWorkspace("underscore", "a_b");
  CreateWorkspace("letter", "aXb");
  CreateWorkspace("percent", "100% done");
  CreateWorkspace("digits", "1000 done");
  CreateWorkspace("backslash", "back\\slash");
  model::WorkspaceQuery q = Query();
  q.search_term = "a_b";
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"underscore"}));
  q.search_term = "100%";
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"percent"}));
  q.search_term = "%";
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"percent"}));
  q.search_term = "_";
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"underscore"}));
  q.search_term = "k\\s";
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"backslash"}));
}

TEST_P(StoreTest, ListFiltersByStatus) {
  CreateWorkspace("idle");
  CreateWorkspace("live");
  CreateWorkspace("rolled");
  ASSERT_OK(Put(Key("live"), MakeState(1, "l", /*managed=*/2), 10));
  ASSERT_OK(Put(Key("rolled"), MakeState(1, "l", 1), 10));
  ASSERT_OK_AND_ASSIGN(std::vector<model::StateVersion> versions,
                       store().ListStateVersions(Key("rolled"), 10, 1, nullptr));
  ASSERT_OK(store().RollbackState(Key("rolled"), versions[0].id, "key_admin", 11));

  model::WorkspaceQuery q = Query();
  q.statuses = {WorkspaceStatus::kActive};
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"live"}));
  EXPECT_EQ(page.items[0].status, WorkspaceStatus::kActive);
  q.statuses = {WorkspaceStatus::kInactive, WorkspaceStatus::kRollbackApplied};
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"idle", "rolled"}));
  EXPECT_EQ(page.total, 2);
  q.statuses = {WorkspaceStatus::kDrifted};
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(page.total, 0);
}

TEST_P(StoreTest, ListFiltersByTagsAllOfWhichMustMatch) {
  model::WorkspaceSpec spec = FullSpec("one");  // team=platform env=prod bare=""
  ASSERT_OK(store().CreateWorkspace(Key("one"), spec, 1));
  spec.name = "two";
  spec.tags = {{"team", "platform"}, {"env", "dev"}};
  ASSERT_OK(store().CreateWorkspace(Key("two"), spec, 1));
  spec.name = "three";
  spec.tags = {};
  ASSERT_OK(store().CreateWorkspace(Key("three"), spec, 1));

  model::WorkspaceQuery q = Query();
  q.tags = {{"team", std::nullopt}};
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"one", "two"}));
  q.tags = {{"team", "platform"}, {"env", "dev"}};
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"two"}));
  EXPECT_EQ(page.total, 1);
  q.tags = {{"bare", ""}};
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(Identifiers(page), (Ids{"one"}));
  q.tags = {{"env", "staging"}};
  ASSERT_OK_AND_ASSIGN(page, store().ListWorkspaces(q));
  EXPECT_EQ(page.total, 0);
}

TEST_P(StoreTest, ListCombinesFiltersWithPaging) {
  for (int i = 0; i < 5; ++i) {
    model::WorkspaceSpec spec = FullSpec(Cat("Service ", i));
    spec.tags = {{"tier", i % 2 == 0 ? "even" : "odd"}};
    ASSERT_OK(store().CreateWorkspace(Key(Cat("s", i)), spec, 100 + i));
  }
  CreateWorkspace("other", "unrelated");
  model::WorkspaceQuery q = Query(2, 2);
  q.search_term = "service";
  q.tags = {{"tier", "even"}};
  q.statuses = {WorkspaceStatus::kInactive};
  q.descending = true;
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(q));
  EXPECT_EQ(page.total, 3);  // s0, s2, s4
  EXPECT_EQ(Identifiers(page), (Ids{"s0"}));
}

TEST_P(StoreTest, ListOnlyShowsTheAddressedProject) {
  SeedProject(kAccount, kOrg, "proj2");
  CreateWorkspace("mine");
  ASSERT_OK(store().CreateWorkspace(Key("theirs", "proj2"), FullSpec("theirs"), 1));
  ASSERT_OK_AND_ASSIGN(model::WorkspacePage page, store().ListWorkspaces(Query()));
  EXPECT_EQ(Identifiers(page), (Ids{"mine"}));
  EXPECT_EQ(page.total, 1);
}

}  // namespace
}  // namespace terrane::storage::testing
