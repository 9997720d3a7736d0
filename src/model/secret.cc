#include "model/secret.h"

#include <utility>

#include "boost/json/value.hpp"
#include "common/status_macros.h"
#include "model/internal/json_util.h"
#include "model/tenancy.h"

namespace terrane::model {

namespace json = boost::json;
using internal::Find;
using internal::Quote;

namespace {

constexpr size_t kMaxNameLength = 128;

absl::StatusOr<json::object> SecretObject(std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(json::object root, internal::ParseObject(body));
  json::value* inner = root.if_contains("secret");
  if (inner == nullptr || inner->is_null()) return internal::Missing("secret");
  json::object* obj = inner->if_object();
  if (obj == nullptr) return internal::WrongType("secret", "an object", *inner);
  return std::move(*obj);
}

// An optional `org`/`project` member must repeat the scope given by the path.
absl::Status CheckScopeField(const json::object& obj, std::string_view key,
                             std::string_view expected) {
  const std::string field = internal::Cat("secret.", key);
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> given,
                           internal::OptionalString(obj, key, field));
  if (!given.has_value() || *given == expected) return absl::OkStatus();
  if (expected.empty()) {
    return absl::InvalidArgumentError(internal::Cat("field '", field, "' (", Quote(*given),
                                                    ") must be absent at this scope; use the ", key,
                                                    " path to create the secret there"));
  }
  return absl::InvalidArgumentError(internal::Cat("field '", field, "' (", Quote(*given),
                                                  ") must equal the ", key, " in the path (",
                                                  Quote(expected), ")"));
}

absl::Status ParseMetadata(const json::object& obj, Secret& out) {
  TERRANE_ASSIGN_OR_RETURN(out.name, internal::RequiredString(obj, "name", "secret.name"));
  const size_t length = internal::Utf8Length(out.name);
  if (length == 0 || length > kMaxNameLength) {
    return absl::InvalidArgumentError(
        internal::Cat("field 'secret.name' must have 1-128 characters, got ", length));
  }
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> description,
                           internal::OptionalString(obj, "description", "secret.description"));
  out.description = description.value_or("");
  if (const json::value* tags = Find(obj, "tags")) {
    TERRANE_ASSIGN_OR_RETURN(out.tags, internal::ParseTags(*tags, "secret.tags"));
  }
  return absl::OkStatus();
}

// `spec`: type and value_type must be the supported ones; the value is returned when present.
absl::StatusOr<std::optional<std::string>> ParseSpec(const json::object& obj, bool value_required) {
  const json::value* v = Find(obj, "spec");
  if (v == nullptr) return internal::Missing("secret.spec");
  const json::object* spec = v->if_object();
  if (spec == nullptr) return internal::WrongType("secret.spec", "an object", *v);
  TERRANE_ASSIGN_OR_RETURN(std::string type,
                           internal::RequiredString(*spec, "type", "secret.spec.type"));
  if (type != kSecretTypeText) {
    return absl::InvalidArgumentError(internal::Cat("field 'secret.spec.type' must be \"",
                                                    kSecretTypeText, "\", got ", Quote(type),
                                                    ": Terrane stores text secrets only"));
  }
  TERRANE_ASSIGN_OR_RETURN(std::string value_type,
                           internal::RequiredString(*spec, "value_type", "secret.spec.value_type"));
  if (value_type != kSecretValueInline) {
    return absl::InvalidArgumentError(internal::Cat(
        "field 'secret.spec.value_type' must be \"", kSecretValueInline, "\", got ",
        Quote(value_type), ": Terrane keeps the value itself and has no external secret manager"));
  }
  const json::value* value = Find(*spec, "value");
  if (value == nullptr) {
    if (value_required) return internal::Missing("secret.spec.value");
    return std::optional<std::string>();
  }
  // The value is never echoed: only its JSON type and size appear in messages.
  if (!value->is_string()) return internal::WrongType("secret.spec.value", "a string", *value);
  const json::string& text = value->get_string();
  if (text.size() > kMaxSecretValueBytes) {
    return absl::InvalidArgumentError(internal::Cat("field 'secret.spec.value' has ", text.size(),
                                                    " bytes; at most ", kMaxSecretValueBytes,
                                                    " are accepted"));
  }
  // A run passes the value in its environment, where a NUL byte ends the string: terraform
  // would see only a prefix, which the log masking (looking for the whole value) misses.
  if (std::string_view(text.data(), text.size()).find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "field 'secret.spec.value' contains a NUL byte (\\u0000), which a process environment "
        "cannot carry");
  }
  return std::optional<std::string>(std::string(text.data(), text.size()));
}

absl::StatusOr<SecretWrite> ParseBody(std::string_view body, const SecretKey& scope,
                                      bool is_create) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, SecretObject(body));
  SecretWrite out;
  out.secret.key = scope;
  if (is_create) {
    TERRANE_ASSIGN_OR_RETURN(out.secret.key.identifier,
                             internal::RequiredString(obj, "identifier", "secret.identifier"));
    TERRANE_RETURN_IF_ERROR(
        ValidatePlatformIdentifier(out.secret.key.identifier, "secret identifier"));
  } else {
    TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> given,
                             internal::OptionalString(obj, "identifier", "secret.identifier"));
    if (given.has_value() && *given != scope.identifier) {
      return absl::InvalidArgumentError(internal::Cat(
          "field 'secret.identifier' (", Quote(*given), ") must equal the secret in the path (",
          Quote(scope.identifier), "): identifiers cannot change"));
    }
  }
  TERRANE_RETURN_IF_ERROR(CheckScopeField(obj, "org", scope.org));
  TERRANE_RETURN_IF_ERROR(CheckScopeField(obj, "project", scope.project));
  TERRANE_RETURN_IF_ERROR(ParseMetadata(obj, out.secret));
  TERRANE_ASSIGN_OR_RETURN(out.value, ParseSpec(obj, /*value_required=*/is_create));
  return out;
}

}  // namespace

std::string DescribeSecretScope(const SecretKey& key) {
  if (key.org.empty()) return internal::Cat("account ", Quote(key.account));
  if (key.project.empty()) return internal::Cat("org ", Quote(key.org));
  return internal::Cat("project ", Quote(key.project), " of org ", Quote(key.org));
}

absl::StatusOr<SecretWrite> ParseSecretCreate(std::string_view body, const SecretKey& scope) {
  return ParseBody(body, scope, /*is_create=*/true);
}

absl::StatusOr<SecretWrite> ParseSecretUpdate(std::string_view body, const SecretKey& key) {
  return ParseBody(body, key, /*is_create=*/false);
}

json::object SecretToJson(const Secret& secret) {
  json::object inner{{"identifier", secret.key.identifier},
                     {"name", secret.name},
                     {"description", secret.description},
                     {"tags", internal::TagsToJson(secret.tags)}};
  if (!secret.key.org.empty()) inner["org"] = secret.key.org;
  if (!secret.key.project.empty()) inner["project"] = secret.key.project;
  inner["spec"] = json::object{{"type", secret.type}, {"value_type", secret.value_type}};
  return json::object{
      {"secret", std::move(inner)}, {"created", secret.created}, {"updated", secret.updated}};
}

absl::StatusOr<SecretKey> ParseSecretReference(std::string_view reference,
                                               const WorkspaceKey& workspace) {
  SecretKey key{.account = workspace.account};
  std::string_view name = reference;
  if (name.starts_with("account.")) {
    name.remove_prefix(std::string_view("account.").size());
  } else if (name.starts_with("org.")) {
    name.remove_prefix(std::string_view("org.").size());
    key.org = workspace.org;
  } else {
    key.org = workspace.org;
    key.project = workspace.project;
  }
  if (!ValidatePlatformIdentifier(name, "secret").ok()) {
    return absl::InvalidArgumentError(internal::Cat(
        "secret reference ", Quote(reference),
        " is malformed: use NAME (a secret of the workspace's project), org.NAME or account.NAME, "
        "where NAME is a secret identifier (^[A-Za-z_][A-Za-z0-9_$]*$)"));
  }
  key.identifier = std::string(name);
  return key;
}

}  // namespace terrane::model
