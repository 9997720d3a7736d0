// Store conformance: accounts, API keys, orgs, projects and workspace CRUD. The other
// store_*_test.cc files add lists, locks, state and deletion to the same suite.
#include "absl/status/status.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using absl::StatusCode;

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(AllStoreBackends()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST_P(StoreTest, AccountsAreCreatedOnce) {
  ASSERT_OK_AND_ASSIGN(bool exists, store().AccountExists("other"));
  EXPECT_FALSE(exists);
  ASSERT_OK(store().CreateAccount("other", 5));
  ASSERT_OK_AND_ASSIGN(exists, store().AccountExists("other"));
  EXPECT_TRUE(exists);
  EXPECT_STATUS(store().CreateAccount("other", 6), StatusCode::kAlreadyExists, "'other'");
}

TEST_P(StoreTest, ApiKeysRoundTripAndNameTheirErrors) {
  ASSERT_OK(store().CreatePrincipal({.account = std::string(kAccount), .identifier = "ci"}));
  model::ApiKey key{.id = "key_1",
                    .account = std::string(kAccount),
                    .name = "ci",
                    .secret_sha256 = std::string(64, 'a'),
                    .created = 77,
                    .principal = "ci",
                    .expires = 99};
  ASSERT_OK(store().CreateApiKey(key));
  ASSERT_OK_AND_ASSIGN(model::ApiKey got, store().GetApiKey("key_1"));
  EXPECT_EQ(got.id, "key_1");
  EXPECT_EQ(got.account, kAccount);
  EXPECT_EQ(got.name, "ci");
  EXPECT_EQ(got.secret_sha256, key.secret_sha256);
  EXPECT_EQ(got.created, 77);
  EXPECT_EQ(got.principal, "ci");
  EXPECT_EQ(got.expires, 99);
  EXPECT_EQ(got.revoked, 0);

  EXPECT_STATUS(store().CreateApiKey(key), StatusCode::kAlreadyExists, "'key_1'");
  key.id = "key_2";
  key.account = "nobody";
  EXPECT_STATUS(store().CreateApiKey(key), StatusCode::kNotFound, "account 'nobody'");
  EXPECT_STATUS(store().GetApiKey("key_2"), StatusCode::kNotFound, "'key_2'");
}

TEST_P(StoreTest, OrgsRoundTripListInOrderAndRefuseDuplicates) {
  model::Org org{.account = std::string(kAccount),
                 .identifier = "b_org",
                 .name = "B",
                 .description = "second",
                 .tags = {{"k", "v"}, {"bare", ""}},
                 .created = 10,
                 .updated = 11};
  ASSERT_OK(store().CreateOrg(org));
  ASSERT_OK_AND_ASSIGN(model::Org got, store().GetOrg(kAccount, "b_org"));
  EXPECT_EQ(got.account, kAccount);
  EXPECT_EQ(got.identifier, "b_org");
  EXPECT_EQ(got.name, "B");
  EXPECT_EQ(got.description, "second");
  EXPECT_EQ(got.tags, org.tags);
  EXPECT_EQ(got.created, 10);
  EXPECT_EQ(got.updated, 11);

  org.identifier = "a_org";
  ASSERT_OK(store().CreateOrg(org));
  ASSERT_OK_AND_ASSIGN(std::vector<model::Org> orgs, store().ListOrgs(kAccount));
  ASSERT_EQ(orgs.size(), 3u);  // a_org, b_org and the seeded "org"
  EXPECT_EQ(orgs[0].identifier, "a_org");
  EXPECT_EQ(orgs[1].identifier, "b_org");
  EXPECT_EQ(orgs[2].identifier, "org");

  EXPECT_STATUS(store().CreateOrg(org), StatusCode::kAlreadyExists, "org 'a_org' already exists");
  org.account = "nobody";
  EXPECT_STATUS(store().CreateOrg(org), StatusCode::kNotFound, "account 'nobody' not found");
  EXPECT_STATUS(store().GetOrg(kAccount, "zzz"), StatusCode::kNotFound, "org 'zzz' not found");
  EXPECT_STATUS(store().ListOrgs("nobody"), StatusCode::kNotFound, "account 'nobody'");
}

TEST_P(StoreTest, OrgIdentifiersAreScopedToTheirAccount) {
  SeedProject("acct2", "org", "proj");
  ASSERT_OK_AND_ASSIGN(std::vector<model::Org> orgs, store().ListOrgs("acct2"));
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0].account, "acct2");
  ASSERT_OK(store().CreateWorkspace(model::WorkspaceKey{"acct2", "org", "proj", "ws"},
                                    FullSpec("in acct2"), 5));
  EXPECT_STATUS(store().GetWorkspace(Key("ws")), StatusCode::kNotFound, "workspace 'ws'");
}

TEST_P(StoreTest, DeleteOrgRefusedWhileItHasProjects) {
  EXPECT_STATUS(store().DeleteOrg(kAccount, kOrg), StatusCode::kFailedPrecondition,
                "org 'org' still has 1 project(s); delete them first");
  ASSERT_OK(store().DeleteProject(kAccount, kOrg, kProject));
  ASSERT_OK(store().DeleteOrg(kAccount, kOrg));
  EXPECT_STATUS(store().GetOrg(kAccount, kOrg), StatusCode::kNotFound, "org 'org' not found");
  EXPECT_STATUS(store().DeleteOrg(kAccount, kOrg), StatusCode::kNotFound, "org 'org' not found");
}

TEST_P(StoreTest, ProjectsRoundTripListInOrderAndRefuseDuplicates) {
  model::Project project{.account = std::string(kAccount),
                         .org = std::string(kOrg),
                         .identifier = "alpha",
                         .name = "Alpha",
                         .description = "first",
                         .tags = {{"cost", "42"}},
                         .created = 20,
                         .updated = 21};
  ASSERT_OK(store().CreateProject(project));
  ASSERT_OK_AND_ASSIGN(model::Project got, store().GetProject(kAccount, kOrg, "alpha"));
  EXPECT_EQ(got.account, kAccount);
  EXPECT_EQ(got.org, kOrg);
  EXPECT_EQ(got.identifier, "alpha");
  EXPECT_EQ(got.name, "Alpha");
  EXPECT_EQ(got.description, "first");
  EXPECT_EQ(got.tags, project.tags);
  EXPECT_EQ(got.created, 20);
  EXPECT_EQ(got.updated, 21);

  ASSERT_OK_AND_ASSIGN(std::vector<model::Project> projects, store().ListProjects(kAccount, kOrg));
  ASSERT_EQ(projects.size(), 2u);
  EXPECT_EQ(projects[0].identifier, "alpha");
  EXPECT_EQ(projects[1].identifier, "proj");

  EXPECT_STATUS(store().CreateProject(project), StatusCode::kAlreadyExists,
                "project 'alpha' already exists in org 'org'");
  project.org = "nope";
  EXPECT_STATUS(store().CreateProject(project), StatusCode::kNotFound, "org 'nope' not found");
  EXPECT_STATUS(store().GetProject(kAccount, kOrg, "zzz"), StatusCode::kNotFound,
                "project 'zzz' not found in org 'org'");
  EXPECT_STATUS(store().ListProjects(kAccount, "nope"), StatusCode::kNotFound, "org 'nope'");
}

TEST_P(StoreTest, DeleteProjectRefusedWhileItHasWorkspaces) {
  CreateWorkspace("ws");
  EXPECT_STATUS(store().DeleteProject(kAccount, kOrg, kProject), StatusCode::kFailedPrecondition,
                "project 'proj' still has 1 workspace(s); delete them first");
  ASSERT_OK(store().DeleteWorkspace(Key("ws")));
  ASSERT_OK(store().DeleteProject(kAccount, kOrg, kProject));
  EXPECT_STATUS(store().GetProject(kAccount, kOrg, kProject), StatusCode::kNotFound,
                "project 'proj' not found");
}

void ExpectVariablesEqual(const model::VariableMap& got, const model::VariableMap& want,
                          int64_t created, int64_t updated) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [key, var] : want) {
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key;
    EXPECT_EQ(it->second.key, key);
    EXPECT_EQ(it->second.value, var.value) << key;
    EXPECT_EQ(it->second.value_type, var.value_type) << key;
    EXPECT_EQ(it->second.created, created) << key;
    EXPECT_EQ(it->second.updated, updated) << key;
  }
}

TEST_P(StoreTest, CreateThenGetReturnsEveryField) {
  model::WorkspaceSpec spec = FullSpec("My Workspace");
  ASSERT_OK(store().CreateWorkspace(Key("ws-1"), spec, 1234));
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws-1")));
  EXPECT_EQ(ws.key.account, kAccount);
  EXPECT_EQ(ws.key.org, kOrg);
  EXPECT_EQ(ws.key.project, kProject);
  EXPECT_EQ(ws.key.identifier, "ws-1");
  EXPECT_EQ(ws.spec.name, "My Workspace");
  EXPECT_EQ(ws.spec.description, spec.description);
  EXPECT_EQ(ws.spec.provisioner, "terraform");
  EXPECT_EQ(ws.spec.tags, spec.tags);
  EXPECT_EQ(ws.spec.settings, spec.settings);
  ExpectVariablesEqual(ws.spec.terraform_variables, spec.terraform_variables, 1234, 1234);
  ExpectVariablesEqual(ws.spec.environment_variables, spec.environment_variables, 1234, 1234);
  EXPECT_EQ(ws.status, model::WorkspaceStatus::kInactive);
  EXPECT_EQ(ws.created, 1234);
  EXPECT_EQ(ws.updated, 1234);
  EXPECT_EQ(ws.state_checksum, "");
  EXPECT_FALSE(ws.lock.has_value());
}

TEST_P(StoreTest, CreateNamesWhatIsMissingOrDuplicate) {
  CreateWorkspace("ws");
  EXPECT_STATUS(store().CreateWorkspace(Key("ws"), FullSpec("x"), 1), StatusCode::kAlreadyExists,
                "workspace 'ws' already exists in project 'proj'");
  EXPECT_STATUS(store().CreateWorkspace(Key("ws", "nope"), FullSpec("x"), 1), StatusCode::kNotFound,
                "project 'nope' not found in org 'org'");
  EXPECT_STATUS(
      store().CreateWorkspace({std::string(kAccount), "nope", "p", "ws"}, FullSpec("x"), 1),
      StatusCode::kNotFound, "org 'nope' not found in account 'acct'");
  EXPECT_STATUS(store().CreateWorkspace({"nobody", "o", "p", "ws"}, FullSpec("x"), 1),
                StatusCode::kNotFound, "account 'nobody' not found");
  EXPECT_STATUS(store().GetWorkspace(Key("missing")), StatusCode::kNotFound,
                "workspace 'missing' not found in project 'proj'");
  EXPECT_STATUS(store().UpdateWorkspace(Key("missing"), FullSpec("x"), 1), StatusCode::kNotFound,
                "workspace 'missing'");
}

TEST_P(StoreTest, IdentifiersAreCaseSensitiveAndScopedToTheirProject) {
  SeedProject(kAccount, kOrg, "proj2");
  CreateWorkspace("ws", "lower");
  CreateWorkspace("WS", "upper");
  ASSERT_OK(store().CreateWorkspace(Key("ws", "proj2"), FullSpec("other project"), 1));
  ASSERT_OK_AND_ASSIGN(model::Workspace upper, store().GetWorkspace(Key("WS")));
  EXPECT_EQ(upper.spec.name, "upper");
  ASSERT_OK_AND_ASSIGN(model::Workspace other, store().GetWorkspace(Key("ws", "proj2")));
  EXPECT_EQ(other.spec.name, "other project");
}

TEST_P(StoreTest, UpdateReplacesTheSpecAndKeepsSurvivingVariableTimestamps) {
  CreateWorkspace("ws", "before", 1000);
  model::WorkspaceSpec spec;
  spec.name = "after";
  spec.description = "";
  spec.provisioner = "opentofu";
  spec.tags = {{"env", "dev"}};
  spec.settings = boost::json::object{{"repository_commit", "v1.2.0"}};
  spec.terraform_variables["region"] = Var("region", "eu-west-1");  // unchanged
  spec.terraform_variables["size"] = Var("size", "5");
  spec.environment_variables["NEW"] = Var("NEW", "1");
  ASSERT_OK(store().UpdateWorkspace(Key("ws"), spec, 2000));

  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.spec.name, "after");
  EXPECT_EQ(ws.spec.description, "");
  EXPECT_EQ(ws.spec.provisioner, "opentofu");
  EXPECT_EQ(ws.spec.tags, spec.tags);
  EXPECT_EQ(ws.spec.settings, spec.settings);
  EXPECT_EQ(ws.created, 1000);
  EXPECT_EQ(ws.updated, 2000);
  EXPECT_EQ(ws.status, model::WorkspaceStatus::kInactive);
  ASSERT_EQ(ws.spec.terraform_variables.size(), 2u);
  const model::Variable& region = ws.spec.terraform_variables.at("region");
  EXPECT_EQ(region.created, 1000);
  EXPECT_EQ(region.updated, 1000);  // same value and type: not touched
  const model::Variable& size = ws.spec.terraform_variables.at("size");
  EXPECT_EQ(size.value, "5");
  EXPECT_EQ(size.created, 1000);
  EXPECT_EQ(size.updated, 2000);
  ASSERT_EQ(ws.spec.environment_variables.size(), 1u);  // TF_TOKEN dropped
  const model::Variable& added = ws.spec.environment_variables.at("NEW");
  EXPECT_EQ(added.created, 2000);
  EXPECT_EQ(added.updated, 2000);
}

TEST_P(StoreTest, SameKeyInBothVariableMapsIsTwoVariables) {
  model::WorkspaceSpec spec = FullSpec("ws");
  spec.environment_variables["region"] = Var("region", "env-value");
  ASSERT_OK(store().CreateWorkspace(Key("ws"), spec, 1));
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.spec.terraform_variables.at("region").value, "eu-west-1");
  EXPECT_EQ(ws.spec.environment_variables.at("region").value, "env-value");
}

}  // namespace
}  // namespace terrane::storage::testing
