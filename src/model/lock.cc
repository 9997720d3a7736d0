#include "model/lock.h"

#include <array>
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/status_macros.h"
#include "model/internal/enum_names.h"
#include "model/internal/json_util.h"

namespace terrane::model {

namespace json = boost::json;

namespace {

constexpr internal::EnumNames<LockOrigin, 3> kOriginNames = {{
    {LockOrigin::kBackend, "backend"},
    {LockOrigin::kManual, "manual"},
    {LockOrigin::kRun, "run"},
}};

// The LockInfo fields in the order terraform sends them.
constexpr std::array<std::string_view, 7> kLockInfoFields = {"ID",      "Operation", "Info", "Who",
                                                             "Version", "Created",   "Path"};

// Go's encoding/json: a key selects the field of exactly that name, else the first field
// whose name matches ignoring case. -1 when no field matches.
int MatchLockInfoField(std::string_view key) {
  for (size_t i = 0; i < kLockInfoFields.size(); ++i) {
    if (kLockInfoFields[i] == key) return static_cast<int>(i);
  }
  for (size_t i = 0; i < kLockInfoFields.size(); ++i) {
    if (absl::EqualsIgnoreCase(AsAbsl(kLockInfoFields[i]), AsAbsl(key)))
      return static_cast<int>(i);
  }
  return -1;
}

std::string* LockInfoSlot(LockInfo& info, int field) {
  switch (field) {
    case 0:
      return &info.id;
    case 1:
      return &info.operation;
    case 3:
      return &info.who;
    case 4:
      return &info.version;
    case 5:
      return &info.created;
    default:
      return nullptr;  // Info and Path are checked but not kept.
  }
}

// RFC 3339 UTC as Go's time.RFC3339Nano prints it: fraction trimmed of trailing zeros.
std::string FormatRfc3339(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

}  // namespace

std::string_view ToString(LockOrigin origin) {
  return internal::NameOf(kOriginNames, origin, "backend");
}

std::optional<LockOrigin> ParseLockOrigin(std::string_view text) {
  return internal::ValueOf(kOriginNames, text);
}

absl::StatusOr<LockInfo> ParseLockInfo(std::string_view body) {
  TERRANE_ASSIGN_OR_RETURN(json::object obj, internal::ParseObject(body, "LockInfo body"));
  LockInfo info;
  // Members are visited in document order so that, as in Go, a later duplicate wins.
  for (const auto& [key, value] : obj) {
    const int field = MatchLockInfoField(key);
    if (field < 0 || value.is_null()) continue;
    const json::string* s = value.if_string();
    if (s == nullptr) {
      return absl::InvalidArgumentError(internal::Cat("LockInfo field '", kLockInfoFields[field],
                                                      "' must be a string, got ",
                                                      internal::TypeName(value)));
    }
    if (std::string* slot = LockInfoSlot(info, field)) slot->assign(s->data(), s->size());
  }
  if (info.id.empty()) {
    return absl::InvalidArgumentError("LockInfo field 'ID' is required and must not be empty");
  }
  return info;
}

std::string SynthesizeLockInfo(const Lock& lock) {
  const json::object info{{"ID", lock.id},       {"Operation", lock.operation},
                          {"Info", lock.reason}, {"Who", lock.display_name},
                          {"Version", ""},       {"Created", FormatRfc3339(lock.created)},
                          {"Path", ""}};
  return json::serialize(info);
}

absl::Status LockedError(const Lock& holder, std::string_view message) {
  absl::Status status = absl::AbortedError(AsAbsl(message));
  status.SetPayload(
      AsAbsl(kLockInfoPayload),
      absl::Cord(holder.info_json.empty() ? SynthesizeLockInfo(holder) : holder.info_json));
  return status;
}

json::object LockToJson(const Lock& lock, std::string_view workspace) {
  return json::object{{"id", lock.id},
                      {"workspace", workspace},
                      {"created_at", lock.created},
                      {"manual", lock.origin == LockOrigin::kManual},
                      {"reason", lock.reason},
                      {"locked_by_principal_id", lock.principal_id},
                      {"locked_by_principal_type", lock.principal_type},
                      {"locked_by_display_name", lock.display_name},
                      {"origin", ToString(lock.origin)},
                      {"operation", lock.operation}};
}

}  // namespace terrane::model
