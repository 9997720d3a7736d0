#include "storage/sqlite/internal/columns.h"

#include <optional>
#include <system_error>
#include <utility>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {

std::string TagsToJson(const std::map<std::string, std::string>& tags) {
  boost::json::object object;
  for (const auto& [key, value] : tags) object[key] = value;
  return boost::json::serialize(object);
}

absl::StatusOr<std::map<std::string, std::string>> TagsFromJson(std::string_view json) {
  absl::StatusOr<boost::json::object> object = ObjectFromJson(json);
  if (!object.ok()) return object.status();
  std::map<std::string, std::string> tags;
  for (const auto& [key, value] : *object) {
    if (!value.is_string()) return absl::InternalError("stored tags hold a non-string value");
    tags.emplace(std::string(key), std::string(value.get_string()));
  }
  return tags;
}

std::string ObjectToJson(const boost::json::object& object) {
  return boost::json::serialize(object);
}

absl::StatusOr<boost::json::object> ObjectFromJson(std::string_view json) {
  // What ObjectToJson writes for an empty object, the common case for workspace settings.
  if (json == "{}") return boost::json::object();
  std::error_code ec;
  boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) {
    return absl::InternalError("stored JSON column is not a JSON object");
  }
  return std::move(value.get_object());
}

absl::StatusOr<model::WorkspaceStatus> StatusFromColumn(std::string_view text) {
  std::optional<model::WorkspaceStatus> status = model::ParseWorkspaceStatus(text);
  if (!status) return absl::InternalError(Cat("stored workspace status '", text, "' is unknown"));
  return *status;
}

absl::StatusOr<model::LockOrigin> OriginFromColumn(std::string_view text) {
  std::optional<model::LockOrigin> origin = model::ParseLockOrigin(text);
  if (!origin) return absl::InternalError(Cat("stored lock origin '", text, "' is unknown"));
  return *origin;
}

}  // namespace terrane::storage::sqlite::internal
