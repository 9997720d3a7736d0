#include "service/workspace_access.h"

#include "common/status_macros.h"
#include "model/secret.h"
#include "service/authz.h"

namespace terrane::service {
namespace {

using model::Permission;

struct VariableChanges {
  bool added_or_changed = false;
  bool removed = false;
};

bool SameVariable(const model::Variable& a, const model::Variable& b) {
  return a.value == b.value && a.value_type == b.value_type;
}

void Compare(const model::VariableMap& before, const model::VariableMap& after,
             VariableChanges& out) {
  for (const auto& [name, variable] : after) {
    auto it = before.find(name);
    if (it == before.end() || !SameVariable(it->second, variable)) out.added_or_changed = true;
  }
  for (const auto& [name, variable] : before) {
    if (!after.contains(name)) out.removed = true;
  }
}

bool OtherFieldsDiffer(const model::WorkspaceSpec& a, const model::WorkspaceSpec& b) {
  return a.name != b.name || a.description != b.description || a.provisioner != b.provisioner ||
         a.tags != b.tags || a.settings != b.settings;
}

// Secret references of `after` that `before` does not hold with the same value and type.
absl::Status RequireSecretAccess(const Principal& who, const model::WorkspaceKey& key,
                                 const model::VariableMap* before,
                                 const model::VariableMap& after) {
  for (const auto& [name, variable] : after) {
    if (variable.value_type != "secret") continue;
    if (before != nullptr) {
      auto it = before->find(name);
      if (it != before->end() && SameVariable(it->second, variable)) continue;
    }
    absl::StatusOr<model::SecretKey> secret = model::ParseSecretReference(variable.value, key);
    if (!secret.ok()) continue;
    TERRANE_RETURN_IF_ERROR(
        Require(who, Permission::kSecretAccess,
                Resource{.scope = {.org = secret->org, .project = secret->project}}));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AuthorizeWorkspaceWrite(const Principal& who, const model::WorkspaceKey& key,
                                     const model::WorkspaceSpec* before,
                                     const model::WorkspaceSpec& after) {
  const Resource workspace{.scope = {.org = key.org, .project = key.project},
                           .workspace = key.identifier};
  if (before == nullptr) {
    TERRANE_RETURN_IF_ERROR(Require(who, Permission::kWorkspaceEdit, workspace));
    if (!after.terraform_variables.empty() || !after.environment_variables.empty()) {
      TERRANE_RETURN_IF_ERROR(Require(who, Permission::kWorkspaceEditVariable, workspace));
    }
  } else {
    VariableChanges changes;
    Compare(before->terraform_variables, after.terraform_variables, changes);
    Compare(before->environment_variables, after.environment_variables, changes);
    const bool other = OtherFieldsDiffer(*before, after);
    if (changes.added_or_changed) {
      TERRANE_RETURN_IF_ERROR(Require(who, Permission::kWorkspaceEditVariable, workspace));
    }
    if (changes.removed) {
      TERRANE_RETURN_IF_ERROR(Require(who, Permission::kWorkspaceDeleteVariable, workspace));
    }
    if (other) TERRANE_RETURN_IF_ERROR(Require(who, Permission::kWorkspaceEdit, workspace));
    if (!changes.added_or_changed && !changes.removed && !other &&
        !Allows(who, Permission::kWorkspaceEditVariable, workspace) &&
        !Allows(who, Permission::kWorkspaceDeleteVariable, workspace)) {
      TERRANE_RETURN_IF_ERROR(Require(who, Permission::kWorkspaceEdit, workspace));
    }
  }
  const model::WorkspaceSpec* b = before;
  TERRANE_RETURN_IF_ERROR(RequireSecretAccess(who, key, b ? &b->terraform_variables : nullptr,
                                              after.terraform_variables));
  return RequireSecretAccess(who, key, b ? &b->environment_variables : nullptr,
                             after.environment_variables);
}

}  // namespace terrane::service
