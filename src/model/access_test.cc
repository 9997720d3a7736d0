#include "model/access.h"

#include <set>
#include <string>

#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

namespace terrane::model {
namespace {

TEST(PermissionTest, NamesRoundTripAndAreUnique) {
  std::set<std::string> seen;
  for (Permission p : AllPermissions()) {
    std::string name(PermissionName(p));
    EXPECT_TRUE(seen.insert(name).second) << name;
    EXPECT_EQ(ParsePermission(name), p);
  }
  EXPECT_EQ(seen.size(), kPermissionCount);
  EXPECT_EQ(ParsePermission("iac_workspace_nothing"), std::nullopt);
  EXPECT_EQ(PermissionName(Permission::kWorkspaceDeleteVariable), "iac_workspace_deletevariable");
}

TEST(BuiltinRolesTest, ViewerOperatorAdmin) {
  const Role* viewer = FindBuiltinRole("viewer");
  const Role* op = FindBuiltinRole("operator");
  const Role* admin = FindBuiltinRole("admin");
  ASSERT_NE(viewer, nullptr);
  ASSERT_NE(op, nullptr);
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(FindBuiltinRole("root"), nullptr);
  EXPECT_EQ(PermissionNames(viewer->permissions),
            (std::vector<std::string>{"iac_workspace_view", "core_secret_view",
                                      "core_organization_view", "core_project_view"}));
  EXPECT_TRUE(op->permissions.test(static_cast<size_t>(Permission::kWorkspaceAccessState)));
  EXPECT_FALSE(op->permissions.test(static_cast<size_t>(Permission::kWorkspaceDelete)));
  EXPECT_FALSE(op->permissions.test(static_cast<size_t>(Permission::kWorkspaceDeleteVariable)));
  EXPECT_EQ(admin->permissions.count(), kPermissionCount);
  // Every viewer permission is an operator's, every operator's an admin's.
  EXPECT_EQ((viewer->permissions & ~op->permissions).count(), 0u);
  EXPECT_EQ((op->permissions & ~admin->permissions).count(), 0u);
}

TEST(ScopeTest, Contains) {
  EXPECT_TRUE(ScopeContains({}, {"o", "p"}));
  EXPECT_TRUE(ScopeContains({"o", ""}, {"o", "p"}));
  EXPECT_TRUE(ScopeContains({"o", ""}, {"o", ""}));
  EXPECT_FALSE(ScopeContains({"o", ""}, {}));
  EXPECT_FALSE(ScopeContains({"o", ""}, {"o2", "p"}));
  EXPECT_TRUE(ScopeContains({"o", "p"}, {"o", "p"}));
  EXPECT_FALSE(ScopeContains({"o", "p"}, {"o", "q"}));
  EXPECT_FALSE(ScopeContains({"o", "p"}, {"o", ""}));
  EXPECT_EQ(DescribeScope({"o", "p"}), "project 'o/p'");
  EXPECT_EQ(DescribeScope({"o", ""}), "org 'o'");
  EXPECT_EQ(DescribeScope({}), "account");
}

TEST(ParseRoleCreateTest, PermissionsAndErrors) {
  absl::StatusOr<Role> role = ParseRoleCreate(
      R"({"role": {"identifier": "approver", "name": "Approver",
          "permissions": ["iac_workspace_view", "iac_workspace_approve"]}})");
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(role->identifier, "approver");
  EXPECT_EQ(PermissionNames(role->permissions),
            (std::vector<std::string>{"iac_workspace_view", "iac_workspace_approve"}));
  EXPECT_EQ(ParseRoleCreate(R"({"role": {"identifier": "x", "permissions": ["nope"]}})")
                .status()
                .message(),
            "field 'role.permissions' has unknown permission 'nope'; `terrane role list "
            "--permissions` shows the known ones");
  EXPECT_EQ(
      ParseRoleCreate(R"({"role": {"identifier": "admin", "permissions": []}})").status().message(),
      "role 'admin' is built in and cannot be redefined; choose another identifier");
  EXPECT_EQ(ParseRoleCreate(R"({"role": {"identifier": "x"}})").status().message(),
            "field 'role.permissions' is required");
}

TEST(ParseRoleBindingCreateTest, ScopeRules) {
  absl::StatusOr<RoleBinding> b = ParseRoleBindingCreate(
      R"({"role_binding": {"principal": "ci", "role": "viewer", "org": "o", "project": "p"}})");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->principal, "ci");
  EXPECT_EQ(b->scope.org, "o");
  EXPECT_EQ(b->scope.project, "p");
  EXPECT_FALSE(ParseRoleBindingCreate(R"({"role_binding": {"principal": "ci", "role": "viewer",
                                 "project": "p"}})")
                   .ok());
}

TEST(ParseApiKeyCreateTest, ExpiryMustBeInTheFuture) {
  absl::StatusOr<ApiKey> key =
      ParseApiKeyCreate(R"({"api_key": {"principal": "ci", "expires": 2000}})", 1000);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->expires, 2000);
  EXPECT_EQ(key->name, "ci");
  EXPECT_FALSE(ParseApiKeyCreate(R"({"api_key": {"principal": "ci", "expires": 999}})", 1000).ok());
  EXPECT_TRUE(ParseApiKeyCreate(R"({"api_key": {"principal": "ci", "expires": 0}})", 1000).ok());
}

TEST(ParseApiKeyCreateTest, AnExpiryBeyondInt64IsABadRequest) {
  absl::StatusOr<ApiKey> key = ParseApiKeyCreate(
      R"({"api_key": {"principal": "ci", "expires": 18446744073709551615}})", 1000);
  ASSERT_TRUE(absl::IsInvalidArgument(key.status())) << key.status();
  EXPECT_NE(key.status().message().find("api_key.expires"), std::string::npos);
}

TEST(ApiKeyToJsonTest, NeverHoldsTheDigest) {
  ApiKey key{.id = "abc",
             .account = "a",
             .name = "ci",
             .secret_sha256 = "deadbeef",
             .created = 5,
             .principal = "p",
             .expires = 9};
  std::string text = boost::json::serialize(ApiKeyToJson(key));
  EXPECT_EQ(text.find("deadbeef"), std::string::npos);
  EXPECT_EQ(text, R"({"api_key":{"identifier":"abc","name":"ci","principal":"p","expires":9,)"
                  R"("revoked":0},"created":5})");
}

}  // namespace
}  // namespace terrane::model

namespace terrane::model {
namespace {

// Regression: an empty name was kept, so the key's audit records named the actor `api_key:`.
TEST(ParseAccessNamesTest, AnEmptyNameMeansTheDefault) {
  absl::StatusOr<ApiKey> key =
      ParseApiKeyCreate(R"({"api_key": {"principal": "ci", "name": ""}})", 1000);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->name, "ci");
  absl::StatusOr<Principal> principal = ParsePrincipalCreate(
      R"({"principal": {"identifier": "deploy", "name": "", "type": "user"}})");
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->name, "deploy");
  key = ParseApiKeyCreate(R"({"api_key": {"principal": "ci", "name": "nightly"}})", 1000);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->name, "nightly");
}

// Names reach audit records and terminal tables: bounded, and no escape sequences.
TEST(ParseAccessNamesTest, NamesAreBoundedAndHoldNoControlCharacters) {
  const std::string long_name(129, 'x');
  EXPECT_TRUE(absl::IsInvalidArgument(
      ParseApiKeyCreate(std::string(R"({"api_key": {"principal": "ci", "name": ")") + long_name +
                            R"("}})",
                        1000)
          .status()));
  EXPECT_TRUE(ParseApiKeyCreate(
                  std::string(R"({"api_key": {"principal": "ci", "name": ")") +
                      std::string(128, 'x') + R"("}})",
                  1000)
                  .ok());
  absl::Status escape =
      ParsePrincipalCreate(
          "{\"principal\": {\"identifier\": \"p\", \"type\": \"user\", "
          "\"name\": \"\\u001b[31mred\"}}")
          .status();
  EXPECT_TRUE(absl::IsInvalidArgument(escape)) << escape;
  EXPECT_NE(escape.message().find("principal.name"), std::string::npos) << escape;
  EXPECT_TRUE(absl::IsInvalidArgument(
      ParseRoleCreate(R"({"role": {"identifier": "r", "name": "a\tb", "permissions": []}})")
          .status()));
}

}  // namespace
}  // namespace terrane::model
