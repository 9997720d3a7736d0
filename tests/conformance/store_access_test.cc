// Store conformance: principals, custom roles, role bindings, key listing, revocation and the
// one-read KeyAccess the Authenticator caches.
#include "absl/status/status.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

using absl::StatusCode;
using model::Permission;

const std::string kAcct(kAccount);

model::ApiKey MakeKey(std::string_view id, std::string_view principal, int64_t created) {
  return model::ApiKey{.id = std::string(id),
                       .account = kAcct,
                       .name = Cat("key ", id),
                       .secret_sha256 = std::string(64, 'b'),
                       .created = created,
                       .principal = std::string(principal)};
}

model::RoleBinding Binding(std::string_view id, std::string_view principal, std::string_view role,
                           model::Scope scope, int64_t created = 1) {
  return model::RoleBinding{.id = std::string(id),
                            .account = kAcct,
                            .principal = std::string(principal),
                            .role = std::string(role),
                            .scope = std::move(scope),
                            .created = created};
}

class StoreAccessTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_OK(store().CreatePrincipal({.account = kAcct,
                                       .identifier = "ci",
                                       .name = "CI",
                                       .type = model::PrincipalType::kServiceAccount,
                                       .created = 3}));
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreAccessTest, ::testing::ValuesIn(AllStoreBackends()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST_P(StoreAccessTest, PrincipalsRoundTripAndNameTheirErrors) {
  ASSERT_OK(store().CreatePrincipal({.account = kAcct,
                                     .identifier = "alice",
                                     .name = "Alice",
                                     .type = model::PrincipalType::kUser}));
  ASSERT_OK_AND_ASSIGN(model::Principal got, store().GetPrincipal(kAcct, "alice"));
  EXPECT_EQ(got.name, "Alice");
  EXPECT_EQ(got.type, model::PrincipalType::kUser);
  ASSERT_OK_AND_ASSIGN(std::vector<model::Principal> all, store().ListPrincipals(kAcct));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].identifier, "alice");
  EXPECT_EQ(all[1].identifier, "ci");
  EXPECT_STATUS(store().CreatePrincipal({.account = kAcct, .identifier = "ci"}),
                StatusCode::kAlreadyExists, "'ci'");
  EXPECT_STATUS(store().CreatePrincipal({.account = "nobody", .identifier = "x"}),
                StatusCode::kNotFound, "account 'nobody'");
  EXPECT_STATUS(store().GetPrincipal(kAcct, "bob"), StatusCode::kNotFound, "principal 'bob'");
}

TEST_P(StoreAccessTest, DeletingAPrincipalDeletesItsKeysAndBindings) {
  ASSERT_OK(store().CreateApiKey(MakeKey("k1", "ci", 10)));
  ASSERT_OK(store().CreateRoleBinding(Binding("b1", "ci", "viewer", {})));
  ASSERT_OK(store().DeletePrincipal(kAcct, "ci").status());
  EXPECT_STATUS(store().GetApiKey("k1"), StatusCode::kNotFound, "'k1'");
  ASSERT_OK_AND_ASSIGN(std::vector<model::RoleBinding> left, store().ListRoleBindings(kAcct, ""));
  EXPECT_TRUE(left.empty());
}

TEST_P(StoreAccessTest, KeysListAndRevokeWithinTheirAccountOnly) {
  ASSERT_OK(store().CreatePrincipal({.account = kAcct, .identifier = "other"}));
  ASSERT_OK(store().CreateApiKey(MakeKey("k1", "ci", 10)));
  ASSERT_OK(store().CreateApiKey(MakeKey("k2", "other", 20)));
  EXPECT_STATUS(store().CreateApiKey(MakeKey("k3", "ghost", 30)), StatusCode::kNotFound,
                "principal 'ghost'");
  ASSERT_OK_AND_ASSIGN(std::vector<model::ApiKey> all, store().ListApiKeys(kAcct, ""));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "k1");
  EXPECT_EQ(all[1].principal, "other");
  ASSERT_OK_AND_ASSIGN(std::vector<model::ApiKey> mine, store().ListApiKeys(kAcct, "ci"));
  ASSERT_EQ(mine.size(), 1u);

  ASSERT_OK_AND_ASSIGN(model::ApiKey revoked, store().RevokeApiKey(kAcct, "k1", 500));
  EXPECT_EQ(revoked.revoked, 500);
  ASSERT_OK_AND_ASSIGN(revoked, store().RevokeApiKey(kAcct, "k1", 600));
  EXPECT_EQ(revoked.revoked, 500);  // the first revocation stands

  // Another account's key is answered like a missing one and is not revoked.
  ASSERT_OK(store().CreateAccount("acct_b", 1));
  EXPECT_STATUS(store().RevokeApiKey("acct_b", "k2", 700), StatusCode::kNotFound, "'k2'");
  EXPECT_STATUS(store().RevokeApiKey("acct_b", "nope", 700), StatusCode::kNotFound, "'nope'");
  ASSERT_OK_AND_ASSIGN(model::ApiKey k2, store().GetApiKey("k2"));
  EXPECT_EQ(k2.revoked, 0);
}

TEST_P(StoreAccessTest, CustomRolesRoundTripAndCannotBeDeletedWhileBound) {
  model::PermissionSet set;
  set.set(static_cast<size_t>(Permission::kWorkspaceApprove));
  ASSERT_OK(store().CreateRole({.account = kAcct,
                                .identifier = "approver",
                                .name = "Approver",
                                .permissions = set,
                                .created = 4,
                                .updated = 4}));
  ASSERT_OK_AND_ASSIGN(model::Role got, store().GetRole(kAcct, "approver"));
  EXPECT_EQ(got.permissions, set);
  EXPECT_STATUS(store().CreateRole({.account = kAcct, .identifier = "approver"}),
                StatusCode::kAlreadyExists, "'approver'");
  EXPECT_STATUS(store().CreateRole({.account = kAcct, .identifier = "admin"}),
                StatusCode::kAlreadyExists, "'admin'");
  ASSERT_OK(store().CreateRoleBinding(Binding("b1", "ci", "approver", {std::string(kOrg), ""})));
  EXPECT_STATUS(store().DeleteRole(kAcct, "approver"), StatusCode::kFailedPrecondition,
                "still bound 1 time(s)");
  ASSERT_OK(store().DeleteRoleBinding(kAcct, "b1").status());
  ASSERT_OK(store().DeleteRole(kAcct, "approver").status());
  ASSERT_OK_AND_ASSIGN(std::vector<model::Role> roles, store().ListRoles(kAcct));
  EXPECT_TRUE(roles.empty());
}

TEST_P(StoreAccessTest, BindingsNameTheirMissingPartsAndRefuseDuplicates) {
  EXPECT_STATUS(store().CreateRoleBinding(Binding("b1", "ghost", "viewer", {})),
                StatusCode::kNotFound, "principal 'ghost'");
  EXPECT_STATUS(store().CreateRoleBinding(Binding("b1", "ci", "nosuchrole", {})),
                StatusCode::kNotFound, "role 'nosuchrole'");
  EXPECT_STATUS(store().CreateRoleBinding(Binding("b1", "ci", "viewer", {"nope", ""})),
                StatusCode::kNotFound, "org 'nope'");
  EXPECT_STATUS(store().CreateRoleBinding(Binding("b1", "ci", "viewer", {std::string(kOrg), "x"})),
                StatusCode::kNotFound, "project 'x'");
  ASSERT_OK(store().CreateRoleBinding(
      Binding("b1", "ci", "viewer", {std::string(kOrg), std::string(kProject)})));
  EXPECT_STATUS(store().CreateRoleBinding(
                    Binding("b2", "ci", "viewer", {std::string(kOrg), std::string(kProject)})),
                StatusCode::kAlreadyExists, "already holds role 'viewer'");
  ASSERT_OK_AND_ASSIGN(std::vector<model::RoleBinding> all, store().ListRoleBindings(kAcct, "ci"));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].scope.org, kOrg);
  EXPECT_EQ(all[0].scope.project, kProject);
  EXPECT_STATUS(store().DeleteRoleBinding(kAcct, "b9"), StatusCode::kNotFound, "'b9'");
}

// Regression: deleting the last account-scope admin binding (or its principal) through the API
// left an account nobody could manage.
TEST_P(StoreAccessTest, TheLastAccountAdminCannotBeRemoved) {
  ASSERT_OK(store().CreatePrincipal({.account = kAcct, .identifier = "boss", .name = "Boss"}));
  ASSERT_OK(store().CreateRoleBinding(Binding("adm1", "boss", "admin", {})));
  ASSERT_OK(store().CreateRoleBinding(Binding("v1", "ci", "viewer", {})));
  ASSERT_OK(store().CreateRoleBinding(Binding("orgadm", "ci", "admin", {std::string(kOrg), ""})));
  // An org-scope admin does not count: it cannot manage keys or roles of the account.
  EXPECT_STATUS(store().DeleteRoleBinding(kAcct, "adm1"), StatusCode::kFailedPrecondition,
                "without an administrator");
  EXPECT_STATUS(store().DeletePrincipal(kAcct, "boss"), StatusCode::kFailedPrecondition,
                "without an administrator");
  ASSERT_OK_AND_ASSIGN(std::vector<model::RoleBinding> kept,
                       store().ListRoleBindings(kAcct, "boss"));
  EXPECT_EQ(kept.size(), 1u);
  ASSERT_OK(store().GetPrincipal(kAcct, "boss"));
  // Other bindings go as before; with a second admin, the first one may go too.
  ASSERT_OK(store().DeleteRoleBinding(kAcct, "v1").status());
  ASSERT_OK(store().CreateRoleBinding(Binding("adm2", "ci", "admin", {})));
  ASSERT_OK(store().DeletePrincipal(kAcct, "boss").status());
  EXPECT_STATUS(store().DeleteRoleBinding(kAcct, "adm2"), StatusCode::kFailedPrecondition,
                "without an administrator");
}

// Regression: a binding must not outlive its project, or a project deleted and created again
// under the same name would grant the old binding.
TEST_P(StoreAccessTest, BindingsGoWithTheirScope) {
  SeedProject(kAccount, kOrg, "temp");
  ASSERT_OK(store().CreateRoleBinding(Binding("b1", "ci", "admin", {std::string(kOrg), "temp"})));
  ASSERT_OK(store().DeleteProject(kAcct, kOrg, "temp"));
  SeedProject(kAccount, kOrg, "temp");
  ASSERT_OK_AND_ASSIGN(std::vector<model::RoleBinding> all, store().ListRoleBindings(kAcct, ""));
  EXPECT_TRUE(all.empty());
}

TEST_P(StoreAccessTest, KeyAccessHoldsBindingsAndTheCustomRolesTheyName) {
  model::PermissionSet set;
  set.set(static_cast<size_t>(Permission::kWorkspaceApprove));
  ASSERT_OK(store().CreateRole({.account = kAcct, .identifier = "approver", .permissions = set}));
  ASSERT_OK(store().CreateApiKey(MakeKey("k1", "ci", 10)));
  ASSERT_OK(store().CreateRoleBinding(Binding("b1", "ci", "viewer", {}, 1)));
  ASSERT_OK(store().CreateRoleBinding(
      Binding("b2", "ci", "approver", {std::string(kOrg), std::string(kProject)}, 2)));
  ASSERT_OK_AND_ASSIGN(KeyAccess access, store().GetKeyAccess("k1"));
  EXPECT_EQ(access.key.principal, "ci");
  ASSERT_EQ(access.bindings.size(), 2u);
  EXPECT_EQ(access.bindings[0].role, "viewer");
  EXPECT_EQ(access.bindings[1].role, "approver");
  ASSERT_EQ(access.custom_roles.size(), 1u);
  EXPECT_EQ(access.custom_roles[0].permissions, set);
  EXPECT_STATUS(store().GetKeyAccess("zz"), StatusCode::kNotFound, "'zz'");
}

// The check of an update sees the spec as stored inside the update's transaction, and its error
// cancels the update: an access check there cannot be raced by a concurrent update.
TEST_P(StoreAccessTest, UpdateCheckSeesTheStoredSpecAndCancelsTheUpdate) {
  CreateWorkspace("ws", "Before");
  model::WorkspaceSpec after = FullSpec("After");
  std::string seen;
  EXPECT_STATUS(store().UpdateWorkspace(Key("ws"), after, 2000,
                                        [&](const model::WorkspaceSpec& before) {
                                          seen = before.name;
                                          return absl::PermissionDeniedError("no");
                                        }),
                StatusCode::kPermissionDenied, "no");
  EXPECT_EQ(seen, "Before");
  ASSERT_OK_AND_ASSIGN(model::Workspace ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.spec.name, "Before");
  ASSERT_OK(store().UpdateWorkspace(Key("ws"), after, 2000,
                                    [](const model::WorkspaceSpec&) { return absl::OkStatus(); }));
  ASSERT_OK_AND_ASSIGN(ws, store().GetWorkspace(Key("ws")));
  EXPECT_EQ(ws.spec.name, "After");
}

}  // namespace
}  // namespace terrane::storage::testing
