#include "service/authz.h"

#include <memory>

#include "gtest/gtest.h"

namespace terrane::service {
namespace {

using model::Permission;

Principal WithGrants(Grants grants) {
  return Principal{.key_id = "k",
                   .account = "a",
                   .principal = "ci",
                   .grants = std::make_shared<const Grants>(std::move(grants))};
}

TEST(AuthzTest, GrantsCoverTheirScopeAndBelow) {
  Principal p = WithGrants(
      {Grant{.scope = {"o", ""}, .permissions = model::FindBuiltinRole("viewer")->permissions}});
  EXPECT_TRUE(Allows(p, Permission::kWorkspaceView, {.scope = {"o", "p"}}));
  EXPECT_TRUE(Allows(p, Permission::kWorkspaceView, {.scope = {"o", ""}}));
  EXPECT_FALSE(Allows(p, Permission::kWorkspaceView, {.scope = {}}));
  EXPECT_FALSE(Allows(p, Permission::kWorkspaceView, {.scope = {"o2", "p"}}));
  EXPECT_FALSE(Allows(p, Permission::kWorkspaceDelete, {.scope = {"o", "p"}}));
}

TEST(AuthzTest, RefusalNamesThePermissionAndScope) {
  Principal p = WithGrants({});
  absl::Status s = Require(p, Permission::kWorkspaceDelete, {.scope = {"o", "p"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "permission 'iac_workspace_delete' is required at project 'o/p'; principal 'ci' has "
            "no role granting it there: ask an administrator for a role binding (`terrane "
            "role-binding create`)");
  EXPECT_FALSE(Allows(Principal{}, Permission::kWorkspaceView, {}));  // no grants at all
}

TEST(AuthzTest, RunCredentialReachesOnlyItsOwnState) {
  Principal run{.key_id = "r1",
                .account = "a",
                .only_workspace = model::WorkspaceKey{
                    .account = "a", .org = "o", .project = "p", .identifier = "w"}};
  EXPECT_TRUE(
      Allows(run, Permission::kWorkspaceAccessState, {.scope = {"o", "p"}, .workspace = "w"}));
  EXPECT_FALSE(
      Allows(run, Permission::kWorkspaceAccessState, {.scope = {"o", "p"}, .workspace = "w2"}));
  EXPECT_FALSE(Allows(run, Permission::kWorkspaceView, {.scope = {"o", "p"}, .workspace = "w"}));
}

}  // namespace
}  // namespace terrane::service
