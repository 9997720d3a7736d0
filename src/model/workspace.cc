#include "model/workspace.h"

#include <array>
#include <string_view>
#include <utility>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "model/internal/enum_names.h"
#include "model/internal/json_util.h"
#include "model/lock.h"

namespace terrane::model {

namespace json = boost::json;

namespace {

constexpr internal::EnumNames<WorkspaceStatus, 9> kStatusNames = {{
    {WorkspaceStatus::kInactive, "inactive"},
    {WorkspaceStatus::kActive, "active"},
    {WorkspaceStatus::kProvisioning, "provisioning"},
    {WorkspaceStatus::kDestroying, "destroying"},
    {WorkspaceStatus::kDrifted, "drifted"},
    {WorkspaceStatus::kApplyNeeded, "apply_needed"},
    {WorkspaceStatus::kRollbackApplied, "rollback_applied"},
    {WorkspaceStatus::kFailed, "failed"},
    {WorkspaceStatus::kUnknown, "unknown"},
}};

// Settings the show body always carries (iacm-api.md §3.3), with the value used when unset.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kSettingDefaults = {{
    {"provisioner_version", "latest"},
    {"provider_connector", ""},
    {"repository", ""},
    {"repository_connector", ""},
    {"repository_path", ""},
}};

json::object VariablesToJson(const VariableMap& vars) {
  json::object out;
  for (const auto& [key, var] : vars) {
    // Secret values are references to a secret store, never the secret itself.
    out[key] = json::object{{"key", var.key},
                            {"value", var.value},
                            {"value_type", var.value_type},
                            {"created", var.created},
                            {"updated", var.updated}};
  }
  return out;
}

void PutKey(json::object& out, const WorkspaceKey& key) {
  out["account"] = key.account;
  out["org"] = key.org;
  out["project"] = key.project;
  out["identifier"] = key.identifier;
}

}  // namespace

std::string_view ToString(WorkspaceStatus status) {
  return internal::NameOf(kStatusNames, status, "unknown");
}

std::optional<WorkspaceStatus> ParseWorkspaceStatus(std::string_view text) {
  return internal::ValueOf(kStatusNames, text);
}

json::object WorkspaceToJson(const Workspace& ws) {
  json::object out;
  PutKey(out, ws.key);
  out["name"] = ws.spec.name;
  out["description"] = ws.spec.description;
  out["provisioner"] = ws.spec.provisioner;
  for (const auto& [key, fallback] : kSettingDefaults) {
    const json::value* v = ws.spec.settings.if_contains(key);
    out[key] = v != nullptr ? *v : json::value(fallback);
  }
  // Everything else was validated on input and is echoed as written; emplace keeps the
  // fields above authoritative.
  for (const auto& [key, value] : ws.spec.settings) out.emplace(key, value);
  out["tags"] = internal::TagsToJson(ws.spec.tags);
  out["terraform_variables"] = VariablesToJson(ws.spec.terraform_variables);
  out["environment_variables"] = VariablesToJson(ws.spec.environment_variables);
  out["created"] = ws.created;
  out["updated"] = ws.updated;
  out["provisioner_data"] = "";
  out["status"] = ToString(ws.status);
  out["backend_locked"] = ws.lock.has_value();
  out["lock"] = ws.lock.has_value() && ws.lock->origin == LockOrigin::kManual
                    ? LockToJson(*ws.lock, ws.key.identifier)
                    : json::object();
  out["state_checksum"] = ws.state_checksum;
  return out;
}

json::object WorkspaceSummaryToJson(const WorkspaceSummary& ws) {
  json::object out;
  PutKey(out, ws.key);
  out["name"] = ws.name;
  out["description"] = ws.description;
  out["status"] = ToString(ws.status);
  out["created"] = ws.created;
  out["updated"] = ws.updated;
  return out;
}

namespace {

// Settings that describe the workspace to people or to cost tools, not to terraform.
constexpr std::array<std::string_view, 5> kNonRunSettings = {
    "cost_estimation_enabled", "ccm_cost_enabled", "budget", "default_pipelines",
    "prune_sensitive_data"};

boost::json::object RunSettings(const boost::json::object& settings) {
  boost::json::object out = settings;
  for (std::string_view key : kNonRunSettings) out.erase(key);
  return out;
}

bool SameVariables(const VariableMap& a, const VariableMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [key, var] : a) {
    auto it = b.find(key);
    if (it == b.end() || it->second.value != var.value ||
        it->second.value_type != var.value_type) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool ChangesRunInputs(const WorkspaceSpec& before, const WorkspaceSpec& after) {
  return before.provisioner != after.provisioner ||
         RunSettings(before.settings) != RunSettings(after.settings) ||
         !SameVariables(before.terraform_variables, after.terraform_variables) ||
         !SameVariables(before.environment_variables, after.environment_variables);
}

}  // namespace terrane::model
