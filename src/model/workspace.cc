#include "model/workspace.h"

#include <array>
#include <string_view>
#include <utility>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "model/internal/json_util.h"
#include "model/lock.h"

namespace terrane::model {

namespace json = boost::json;

namespace {

constexpr std::array<std::pair<WorkspaceStatus, std::string_view>, 9> kStatusNames = {{
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

// Members of the show body: 22 fields, the backend config the caller adds, and room for a few
// extra settings, so building it never rehashes.
constexpr size_t kShowFields = 28;

json::object VariablesToJson(const VariableMap& vars, const json::storage_ptr& sp) {
  json::object out(vars.size(), sp);
  for (const auto& [key, var] : vars) {
    // Secret values are references to a secret store, never the secret itself.
    out[key] = json::object({{"key", var.key},
                             {"value", var.value},
                             {"value_type", var.value_type},
                             {"created", var.created},
                             {"updated", var.updated}},
                            sp);
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
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<WorkspaceStatus> ParseWorkspaceStatus(std::string_view text) {
  for (const auto& [value, name] : kStatusNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

json::object WorkspaceToJson(const Workspace& ws, json::storage_ptr sp) {
  json::object out(kShowFields + ws.spec.settings.size(), sp);
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
  out["tags"] = internal::TagsToJson(ws.spec.tags, sp);
  out["terraform_variables"] = VariablesToJson(ws.spec.terraform_variables, sp);
  out["environment_variables"] = VariablesToJson(ws.spec.environment_variables, sp);
  out["created"] = ws.created;
  out["updated"] = ws.updated;
  out["provisioner_data"] = "";
  out["status"] = ToString(ws.status);
  out["backend_locked"] = ws.lock.has_value();
  out["lock"] = ws.lock.has_value() && ws.lock->origin == LockOrigin::kManual
                    ? LockToJson(*ws.lock, ws.key.identifier)
                    : json::object(sp);
  out["state_checksum"] = ws.state_checksum;
  return out;
}

json::object WorkspaceSummaryToJson(const WorkspaceSummary& ws, json::storage_ptr sp) {
  json::object out(10, std::move(sp));
  PutKey(out, ws.key);
  out["name"] = ws.name;
  out["description"] = ws.description;
  out["status"] = ToString(ws.status);
  out["created"] = ws.created;
  out["updated"] = ws.updated;
  return out;
}

}  // namespace terrane::model
