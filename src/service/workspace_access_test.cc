#include "service/workspace_access.h"

#include <memory>

#include "gtest/gtest.h"
#include "service/authz.h"

namespace terrane::service {
namespace {

using model::Permission;

Principal Holding(std::initializer_list<Permission> permissions, model::Scope scope = {"o", "p"}) {
  model::PermissionSet set;
  for (Permission p : permissions) set.set(static_cast<size_t>(p));
  return Principal{.principal = "ci",
                   .grants = std::make_shared<const Grants>(
                       Grants{Grant{.scope = std::move(scope), .permissions = set}})};
}

const model::WorkspaceKey kKey{.account = "a", .org = "o", .project = "p", .identifier = "w"};

model::WorkspaceSpec Spec(std::initializer_list<std::pair<std::string, std::string>> vars) {
  model::WorkspaceSpec spec{.name = "w", .provisioner = "terraform"};
  for (const auto& [k, v] : vars) {
    spec.terraform_variables[k] = model::Variable{.key = k, .value = v, .value_type = "string"};
  }
  return spec;
}

std::string Missing(const absl::Status& s) {
  if (s.ok()) return "";
  size_t open = s.message().find('\'');
  return std::string(s.message().substr(open + 1, s.message().find('\'', open + 1) - open - 1));
}

TEST(AuthorizeWorkspaceWriteTest, UpdateNeedsThePermissionOfEachKindOfChange) {
  const model::WorkspaceSpec before = Spec({{"a", "1"}, {"b", "2"}});
  Principal edit_vars = Holding({Permission::kWorkspaceEditVariable});
  Principal edit_only = Holding({Permission::kWorkspaceEdit});
  // Changing a value: editvariable.
  EXPECT_TRUE(
      AuthorizeWorkspaceWrite(edit_vars, kKey, &before, Spec({{"a", "9"}, {"b", "2"}})).ok());
  EXPECT_EQ(
      Missing(AuthorizeWorkspaceWrite(edit_only, kKey, &before, Spec({{"a", "9"}, {"b", "2"}}))),
      "iac_workspace_editvariable");
  // Regression: removing a variable through PUT needs deletevariable, editvariable is not enough.
  EXPECT_EQ(Missing(AuthorizeWorkspaceWrite(edit_vars, kKey, &before, Spec({{"a", "1"}}))),
            "iac_workspace_deletevariable");
  EXPECT_TRUE(AuthorizeWorkspaceWrite(Holding({Permission::kWorkspaceDeleteVariable}), kKey,
                                      &before, Spec({{"a", "1"}}))
                  .ok());
  // Another field: edit.
  model::WorkspaceSpec renamed = before;
  renamed.description = "new";
  EXPECT_EQ(Missing(AuthorizeWorkspaceWrite(edit_vars, kKey, &before, renamed)),
            "iac_workspace_edit");
  EXPECT_TRUE(AuthorizeWorkspaceWrite(edit_only, kKey, &before, renamed).ok());
  // Nothing changes: any of the three.
  EXPECT_TRUE(AuthorizeWorkspaceWrite(edit_vars, kKey, &before, before).ok());
  EXPECT_EQ(Missing(AuthorizeWorkspaceWrite(Holding({Permission::kWorkspaceView}), kKey, &before,
                                            before)),
            "iac_workspace_edit");
}

TEST(AuthorizeWorkspaceWriteTest, CreateWithVariablesNeedsEditVariable) {
  EXPECT_TRUE(
      AuthorizeWorkspaceWrite(Holding({Permission::kWorkspaceEdit}), kKey, nullptr, Spec({})).ok());
  EXPECT_EQ(Missing(AuthorizeWorkspaceWrite(Holding({Permission::kWorkspaceEdit}), kKey, nullptr,
                                            Spec({{"a", "1"}}))),
            "iac_workspace_editvariable");
}

TEST(AuthorizeWorkspaceWriteTest, NewSecretReferencesNeedAccessAtTheSecretsScope) {
  model::WorkspaceSpec before = Spec({});
  model::WorkspaceSpec after = Spec({});
  after.terraform_variables["pw"] =
      model::Variable{.key = "pw", .value = "account.db", .value_type = "secret"};
  Principal project_access =
      Holding({Permission::kWorkspaceEditVariable, Permission::kSecretAccess});
  // The grant covers project o/p only; the secret lives at account scope.
  EXPECT_EQ(Missing(AuthorizeWorkspaceWrite(project_access, kKey, &before, after)),
            "core_secret_access");
  after.terraform_variables["pw"].value = "db";  // a secret of the workspace's project
  EXPECT_TRUE(AuthorizeWorkspaceWrite(project_access, kKey, &before, after).ok());
  // An unchanged reference set by someone else is not checked again.
  model::WorkspaceSpec with_ref = Spec({{"x", "1"}});
  with_ref.terraform_variables["pw"] =
      model::Variable{.key = "pw", .value = "account.db", .value_type = "secret"};
  model::WorkspaceSpec changed = with_ref;
  changed.terraform_variables["x"].value = "2";
  EXPECT_TRUE(AuthorizeWorkspaceWrite(project_access, kKey, &with_ref, changed).ok());
}

}  // namespace
}  // namespace terrane::service
