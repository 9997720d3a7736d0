#include "model/tenancy.h"

#include <array>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/json/value.hpp"
#include "common/status_macros.h"
#include "model/internal/json_util.h"

namespace terrane::model {

namespace json = boost::json;
using internal::Find;
using internal::Quote;

namespace {

constexpr size_t kMaxLength = 128;

// Words the Harness expression language reserves (iacm-api.md §11).
constexpr std::array<std::string_view, 24> kReservedWords = {
    "or",     "and",  "eq",       "ne",        "lt",   "gt",      "le",     "ge",
    "div",    "mod",  "not",      "null",      "true", "false",   "new",    "var",
    "return", "step", "parallel", "stepGroup", "org",  "account", "status", "liteEngineTask"};

bool IsStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsRest(char c) { return IsStart(c) || (c >= '0' && c <= '9') || c == '$'; }

// The members shared by org and project bodies. `scope` is "org" or "project"; fields are
// named "org.identifier" etc. in messages.
struct Common {
  std::string identifier;
  std::string name;
  std::string description;
  std::map<std::string, std::string> tags;
};

absl::StatusOr<json::object> Envelope(std::string_view body, std::string_view scope) {
  TERRANE_ASSIGN_OR_RETURN(json::object root, internal::ParseObject(body));
  json::value* inner = root.if_contains(scope);
  if (inner == nullptr || inner->is_null()) return internal::Missing(scope);
  json::object* obj = inner->if_object();
  if (obj == nullptr) return internal::WrongType(scope, "an object", *inner);
  return std::move(*obj);
}

absl::StatusOr<Common> ParseCommon(const json::object& obj, std::string_view scope) {
  Common out;
  const std::string id_field = internal::Cat(scope, ".identifier");
  TERRANE_ASSIGN_OR_RETURN(out.identifier, internal::RequiredString(obj, "identifier", id_field));
  TERRANE_RETURN_IF_ERROR(
      ValidatePlatformIdentifier(out.identifier, internal::Cat(scope, " identifier")));
  const std::string name_field = internal::Cat(scope, ".name");
  TERRANE_ASSIGN_OR_RETURN(out.name, internal::RequiredString(obj, "name", name_field));
  const size_t length = internal::Utf8Length(out.name);
  if (length == 0 || length > kMaxLength) {
    return absl::InvalidArgumentError(
        internal::Cat("field '", name_field, "' must have 1-128 characters, got ", length));
  }
  TERRANE_ASSIGN_OR_RETURN(
      std::optional<std::string> description,
      internal::OptionalString(obj, "description", internal::Cat(scope, ".description")));
  out.description = description.value_or("");
  if (const json::value* tags = Find(obj, "tags")) {
    TERRANE_ASSIGN_OR_RETURN(out.tags, internal::ParseTags(*tags, internal::Cat(scope, ".tags")));
  }
  return out;
}

}  // namespace

absl::Status ValidatePlatformIdentifier(std::string_view id, std::string_view what) {
  if (!internal::MatchesIdentifier(id, kMaxLength, IsStart, IsRest)) {
    return absl::InvalidArgumentError(internal::Cat(
        what, " ", Quote(id), " must match ^[A-Za-z_][A-Za-z0-9_$]*$ (1-128 characters)"));
  }
  for (std::string_view word : kReservedWords) {
    if (id == word) {
      return absl::InvalidArgumentError(
          internal::Cat(what, " ", Quote(id), " is a reserved word; choose another identifier"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Org> ParseOrgCreate(std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, Envelope(body, "org"));
  TERRANE_ASSIGN_OR_RETURN(Common common, ParseCommon(obj, "org"));
  Org org;
  org.identifier = std::move(common.identifier);
  org.name = std::move(common.name);
  org.description = std::move(common.description);
  org.tags = std::move(common.tags);
  return org;
}

absl::StatusOr<Project> ParseProjectCreate(std::string_view body, std::string_view org) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, Envelope(body, "project"));
  TERRANE_ASSIGN_OR_RETURN(std::optional<std::string> given,
                           internal::OptionalString(obj, "org", "project.org"));
  if (given.has_value() && *given != org) {
    return absl::InvalidArgumentError(internal::Cat("field 'project.org' (", Quote(*given),
                                                    ") must equal the org in the path (",
                                                    Quote(org), ")"));
  }
  TERRANE_ASSIGN_OR_RETURN(Common common, ParseCommon(obj, "project"));
  Project project;
  project.org = std::string(org);
  project.identifier = std::move(common.identifier);
  project.name = std::move(common.name);
  project.description = std::move(common.description);
  project.tags = std::move(common.tags);
  return project;
}

json::object OrgToJson(const Org& org) {
  return json::object{{"org", json::object{{"identifier", org.identifier},
                                           {"name", org.name},
                                           {"description", org.description},
                                           {"tags", internal::TagsToJson(org.tags)}}},
                      {"created", org.created},
                      {"updated", org.updated}};
}

json::object ProjectToJson(const Project& project) {
  return json::object{{"project", json::object{{"identifier", project.identifier},
                                               {"org", project.org},
                                               {"name", project.name},
                                               {"description", project.description},
                                               {"tags", internal::TagsToJson(project.tags)}}},
                      {"created", project.created},
                      {"updated", project.updated}};
}

}  // namespace terrane::model
