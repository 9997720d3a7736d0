// Codecs for column values: JSON text (tag maps, the free-form workspace settings) and enums
// stored as their wire names. A value that does not decode means a corrupt row → Internal.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "model/lock.h"
#include "model/workspace.h"

namespace terrane::storage::sqlite::internal {

std::string TagsToJson(const std::map<std::string, std::string>& tags);
// Internal when the column does not hold an object of strings (a corrupt row).
absl::StatusOr<std::map<std::string, std::string>> TagsFromJson(std::string_view json);

std::string ObjectToJson(const boost::json::object& object);
// Internal when the column does not hold a JSON object (a corrupt row).
absl::StatusOr<boost::json::object> ObjectFromJson(std::string_view json);

absl::StatusOr<model::WorkspaceStatus> StatusFromColumn(std::string_view text);
absl::StatusOr<model::LockOrigin> OriginFromColumn(std::string_view text);

}  // namespace terrane::storage::sqlite::internal
