#include "model/workspace.h"

#include <array>
#include <string_view>
#include <utility>

#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "model/internal/enum_names.h"
#include "model/internal/json_util.h"
#include "model/internal/json_writer.h"
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

// The members of the show body written before the settings; a stored setting of the same name
// is never echoed (the fields are authoritative).
constexpr std::array<std::string_view, 22> kShowFields = {
    "account",          "org",
    "project",          "identifier",
    "name",             "description",
    "provisioner",      "provisioner_version",
    "provider_connector", "repository",
    "repository_connector", "repository_path",
    "tags",             "terraform_variables",
    "environment_variables", "created",
    "updated",          "provisioner_data",
    "status",           "backend_locked",
    "lock",             "state_checksum",
};

bool IsShowField(std::string_view key) {
  for (std::string_view field : kShowFields) {
    if (field == key) return true;
  }
  return false;
}

void WriteVariables(internal::JsonWriter& w, const VariableMap& vars) {
  w.BeginObject();
  for (const auto& [key, var] : vars) {
    // Secret values are references to a secret store, never the secret itself.
    w.Key(key);
    w.BeginObject();
    w.StringMember("key", var.key);
    w.StringMember("value", var.value);
    w.StringMember("value_type", var.value_type);
    w.IntMember("created", var.created);
    w.IntMember("updated", var.updated);
    w.EndObject();
  }
  w.EndObject();
}

void WriteKey(internal::JsonWriter& w, const WorkspaceKey& key) {
  w.StringMember("account", key.account);
  w.StringMember("org", key.org);
  w.StringMember("project", key.project);
  w.StringMember("identifier", key.identifier);
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

std::string WorkspaceJson(const Workspace& ws, const json::object& extra) {
  std::string text;
  text.reserve(1024);
  internal::JsonWriter w(text);
  w.BeginObject();
  WriteKey(w, ws.key);
  w.StringMember("name", ws.spec.name);
  w.StringMember("description", ws.spec.description);
  w.StringMember("provisioner", ws.spec.provisioner);
  for (const auto& [key, fallback] : kSettingDefaults) {
    w.Key(key);
    const json::value* v = ws.spec.settings.if_contains(key);
    if (v != nullptr) {
      w.Value(*v);
    } else {
      w.String(fallback);
    }
  }
  // Everything else was validated on input and is echoed as written.
  for (const auto& [key, value] : ws.spec.settings) {
    if (IsShowField(key) || extra.contains(key)) continue;
    w.Key(key);
    w.Value(value);
  }
  w.Key("tags");
  w.BeginObject();
  for (const auto& [key, value] : ws.spec.tags) {
    w.StringMember(key, value);
  }
  w.EndObject();
  w.Key("terraform_variables");
  WriteVariables(w, ws.spec.terraform_variables);
  w.Key("environment_variables");
  WriteVariables(w, ws.spec.environment_variables);
  w.IntMember("created", ws.created);
  w.IntMember("updated", ws.updated);
  w.StringMember("provisioner_data", "");
  w.StringMember("status", ToString(ws.status));
  w.BoolMember("backend_locked", ws.lock.has_value());
  w.Key("lock");
  if (ws.lock.has_value() && ws.lock->origin == LockOrigin::kManual) {
    w.Value(LockToJson(*ws.lock, ws.key.identifier));
  } else {
    w.BeginObject();
    w.EndObject();
  }
  w.StringMember("state_checksum", ws.state_checksum);
  for (const auto& [key, value] : extra) {
    if (IsShowField(key)) continue;
    w.Key(key);
    w.Value(value);
  }
  w.EndObject();
  return text;
}

json::object WorkspaceToJson(const Workspace& ws) {
  return std::move(json::parse(WorkspaceJson(ws)).as_object());
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
