// Parsing of workspace create and update bodies (iacm-api.md §3.1, §3.2).

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "common/status_macros.h"
#include "model/internal/json_util.h"
#include "model/workspace.h"

namespace terrane::model {

namespace json = boost::json;
using internal::Find;
using internal::Quote;
using internal::WrongType;

namespace {

constexpr size_t kMaxIdentifierLength = 128;

bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierStart(char c) { return IsAlpha(c) || c == '_'; }
bool IsIdentifierRest(char c) { return IsAlpha(c) || IsDigit(c) || c == '_' || c == '-'; }
bool IsNameRest(char c) { return IsIdentifierRest(c) || c == ' '; }
bool IsVariableKeyChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }

absl::Status ValidateName(std::string_view name) {
  if (internal::MatchesIdentifier(name, kMaxIdentifierLength, IsIdentifierStart, IsNameRest)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(internal::Cat(
      "name ", Quote(name), " must match ^[A-Za-z_][A-Za-z0-9_ -]*$ (1-128 characters)"));
}

// How each accepted setting is type-checked; the value is then stored verbatim.
enum class SettingKind {
  kString,
  kBool,
  kNumber,
  kObject,
  kStringObject,
  kStringArray,
  kObjectArray,
  kStringOrStringArray,
  kSubmodules,
};

struct SettingRule {
  std::string_view key;
  SettingKind kind;
};

constexpr std::array kSettingRules = {
    SettingRule{"provisioner_version", SettingKind::kString},
    SettingRule{"provider_connector", SettingKind::kString},
    SettingRule{"repository", SettingKind::kString},
    SettingRule{"repository_connector", SettingKind::kString},
    SettingRule{"repository_branch", SettingKind::kString},
    SettingRule{"repository_commit", SettingKind::kString},
    SettingRule{"repository_sha", SettingKind::kString},
    SettingRule{"repository_path", SettingKind::kString},
    SettingRule{"repository_submodules", SettingKind::kSubmodules},
    SettingRule{"terragrunt_version", SettingKind::kString},
    SettingRule{"cost_estimation_enabled", SettingKind::kBool},
    SettingRule{"ccm_cost_enabled", SettingKind::kBool},
    SettingRule{"prune_sensitive_data", SettingKind::kBool},
    SettingRule{"terragrunt_provider", SettingKind::kBool},
    SettingRule{"run_all", SettingKind::kBool},
    SettingRule{"budget", SettingKind::kNumber},
    SettingRule{"provisioner_configuration", SettingKind::kStringObject},
    SettingRule{"default_pipelines", SettingKind::kObject},
    SettingRule{"associated_template", SettingKind::kObject},
    SettingRule{"provider_connectors", SettingKind::kObjectArray},
    SettingRule{"terraform_variable_files", SettingKind::kObjectArray},
    SettingRule{"variable_sets", SettingKind::kStringArray},
    SettingRule{"sparse_checkout", SettingKind::kStringOrStringArray},
};

absl::Status CheckStringArray(const json::value& v, std::string_view field,
                              std::string_view expected) {
  const json::array* arr = v.if_array();
  if (arr == nullptr) return WrongType(field, expected, v);
  for (size_t i = 0; i < arr->size(); ++i) {
    if (!(*arr)[i].is_string()) {
      return WrongType(internal::Cat(field, "[", i, "]"), "a string", (*arr)[i]);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSetting(const json::value& v, const SettingRule& rule) {
  const std::string_view field = rule.key;
  switch (rule.kind) {
    case SettingKind::kString:
      return v.is_string() ? absl::OkStatus() : WrongType(field, "a string", v);
    case SettingKind::kBool:
      return v.is_bool() ? absl::OkStatus() : WrongType(field, "a boolean", v);
    case SettingKind::kNumber:
      return v.is_number() ? absl::OkStatus() : WrongType(field, "a number", v);
    case SettingKind::kObject:
      return v.is_object() ? absl::OkStatus() : WrongType(field, "an object", v);
    case SettingKind::kStringObject: {
      const json::object* obj = v.if_object();
      if (obj == nullptr) return WrongType(field, "an object of strings", v);
      for (const auto& [key, item] : *obj) {
        if (!item.is_string()) {
          return WrongType(internal::Cat(field, ".", std::string_view(key)), "a string", item);
        }
      }
      return absl::OkStatus();
    }
    case SettingKind::kStringArray:
      return CheckStringArray(v, field, "an array of strings");
    case SettingKind::kObjectArray: {
      const json::array* arr = v.if_array();
      if (arr == nullptr) return WrongType(field, "an array of objects", v);
      for (size_t i = 0; i < arr->size(); ++i) {
        if (!(*arr)[i].is_object()) {
          return WrongType(internal::Cat(field, "[", i, "]"), "an object", (*arr)[i]);
        }
      }
      return absl::OkStatus();
    }
    case SettingKind::kStringOrStringArray:
      if (v.is_string()) return absl::OkStatus();
      return CheckStringArray(v, field, "a string or an array of strings");
    case SettingKind::kSubmodules: {
      const json::string* s = v.if_string();
      if (s == nullptr) return WrongType(field, "a string", v);
      if (*s == "false" || *s == "true" || *s == "recursive") return absl::OkStatus();
      return absl::InvalidArgumentError(internal::Cat(
          "field '", field, "' must be \"false\", \"true\" or \"recursive\", got ", Quote(*s)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<json::object> ParseSettings(const json::object& body) {
  json::object settings;
  for (const SettingRule& rule : kSettingRules) {
    const json::value* v = Find(body, rule.key);
    if (v == nullptr) continue;
    TERRANE_RETURN_IF_ERROR(CheckSetting(*v, rule));
    settings[rule.key] = *v;
  }
  int refs = 0;
  for (std::string_view key : {"repository_branch", "repository_commit", "repository_sha"}) {
    const json::value* v = settings.if_contains(key);
    const json::string* s = v == nullptr ? nullptr : v->if_string();
    if (s != nullptr && !s->empty()) ++refs;
  }
  if (refs > 1) {
    return absl::InvalidArgumentError(
        "at most one of 'repository_branch', 'repository_commit' and 'repository_sha' may be set");
  }
  return settings;
}

absl::StatusOr<std::string> ParseProvisioner(const json::object& body) {
  TERRANE_ASSIGN_OR_RETURN(std::string provisioner,
                           internal::RequiredString(body, "provisioner", "provisioner"));
  if (provisioner == "terraform" || provisioner == "opentofu") return provisioner;
  return absl::InvalidArgumentError(
      internal::Cat("provisioner ", Quote(provisioner),
                    " is not supported: Terrane runs terraform and opentofu only"));
}

absl::StatusOr<Variable> ParseVariable(const json::value& v, std::string_view key,
                                       std::string_view field) {
  if (!internal::MatchesIdentifier(key, kMaxIdentifierLength, IsVariableKeyChar,
                                   IsVariableKeyChar)) {
    return absl::InvalidArgumentError(internal::Cat(
        "field '", field, "' key ", Quote(key), " must match ^[a-zA-Z0-9_]+$ (1-128 characters)"));
  }
  const std::string name = internal::Cat(field, ".", key);
  const json::object* obj = v.if_object();
  if (obj == nullptr) return WrongType(name, "an object", v);
  Variable var;
  var.key = std::string(key);
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> inner_key,
                           internal::OptionalString(*obj, "key", internal::Cat(name, ".key")));
  if (inner_key.has_value() && *inner_key != key) {
    return absl::InvalidArgumentError(internal::Cat("field '", name, ".key' (", Quote(*inner_key),
                                                    ") must equal its map key ", Quote(key)));
  }
  TERRANE_ASSIGN_OR_RETURN(var.value,
                           internal::RequiredString(*obj, "value", internal::Cat(name, ".value")));
  const std::string type_field = internal::Cat(name, ".value_type");
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> type,
                           internal::OptionalString(*obj, "value_type", type_field));
  var.value_type = type.value_or("string");
  if (var.value_type != "string" && var.value_type != "secret") {
    return absl::InvalidArgumentError(internal::Cat(
        "field '", type_field, "' must be \"string\" or \"secret\", got ", Quote(var.value_type)));
  }
  return var;
}

absl::StatusOr<VariableMap> ParseVariables(const json::object& body, std::string_view field) {
  VariableMap vars;
  const json::value* v = Find(body, field);
  if (v == nullptr) return vars;
  const json::object* obj = v->if_object();
  if (obj == nullptr) return WrongType(field, "an object of variables", *v);
  for (const auto& [key, item] : *obj) {
    TERRANE_ASSIGN_OR_RETURN(Variable var, ParseVariable(item, key, field));
    vars[var.key] = std::move(var);
  }
  return vars;
}

// The fields shared by create and update.
absl::StatusOr<WorkspaceSpec> ParseSpec(const json::object& body) {
  WorkspaceSpec spec;
  TERRANE_ASSIGN_OR_RETURN(spec.name, internal::RequiredString(body, "name", "name"));
  TERRANE_RETURN_IF_ERROR(ValidateName(spec.name));
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> description,
                           internal::OptionalString(body, "description", "description"));
  spec.description = description.value_or("");
  TERRANE_ASSIGN_OR_RETURN(spec.provisioner, ParseProvisioner(body));
  if (const json::value* tags = Find(body, "tags")) {
    TERRANE_ASSIGN_OR_RETURN(spec.tags, internal::ParseTags(*tags, "tags"));
  }
  TERRANE_ASSIGN_OR_RETURN(spec.terraform_variables, ParseVariables(body, "terraform_variables"));
  TERRANE_ASSIGN_OR_RETURN(spec.environment_variables,
                           ParseVariables(body, "environment_variables"));
  TERRANE_ASSIGN_OR_RETURN(spec.settings, ParseSettings(body));
  return spec;
}

}  // namespace

absl::Status ValidateWorkspaceIdentifier(std::string_view identifier) {
  if (internal::MatchesIdentifier(identifier, kMaxIdentifierLength, IsIdentifierStart,
                                  IsIdentifierRest)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      internal::Cat("identifier ", Quote(identifier),
                    " must match ^[A-Za-z_][A-Za-z0-9_-]*$ (1-128 characters)"));
}

absl::StatusOr<std::pair<std::string, WorkspaceSpec>> ParseWorkspaceCreate(std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, internal::ParseObject(body));
  TERRANE_ASSIGN_OR_RETURN(std::string identifier,
                           internal::RequiredString(obj, "identifier", "identifier"));
  TERRANE_RETURN_IF_ERROR(ValidateWorkspaceIdentifier(identifier));
  TERRANE_ASSIGN_OR_RETURN(WorkspaceSpec spec, ParseSpec(obj));
  return std::make_pair(std::move(identifier), std::move(spec));
}

absl::StatusOr<WorkspaceSpec> ParseWorkspaceUpdate(std::string_view body,
                                                   std::string_view identifier) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, internal::ParseObject(body));
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> given,
                           internal::OptionalString(obj, "identifier", "identifier"));
  if (given.has_value() && *given != identifier) {
    return absl::InvalidArgumentError(internal::Cat(
        "identifier is immutable: the body has ", Quote(*given), ", the path ", Quote(identifier)));
  }
  return ParseSpec(obj);
}

}  // namespace terrane::model
