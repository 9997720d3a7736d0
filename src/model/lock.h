// The workspace lock: one slot per workspace, taken by terraform (`backend`), a user (`manual`)
// or a run (`run`). Value types only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/object.hpp"

namespace terrane::model {

enum class LockOrigin { kBackend, kManual, kRun };
std::string_view ToString(LockOrigin origin);
std::optional<LockOrigin> ParseLockOrigin(std::string_view text);

struct Lock {
  std::string id;        // terraform's LockInfo ID for backend locks; a uuid otherwise
  LockOrigin origin = LockOrigin::kBackend;
  std::string info_json;  // the LOCK body verbatim (backend); a synthesised LockInfo otherwise
  std::string operation;  // LockInfo Operation, or "manual" / "run"
  std::string reason;     // manual locks
  std::string principal_id;
  std::string principal_type;  // "api_key"
  std::string display_name;
  int64_t created = 0;  // unix ms
};

// The fields of terraform's LockInfo that Terrane reads (terraform-http-backend.md §5).
struct LockInfo {
  std::string id;
  std::string operation;
  std::string who;
  std::string version;
  std::string created;
};

// Parses a LockInfo body. Keys are matched case-insensitively, as Go does. InvalidArgument
// when the body is not a JSON object or `ID` is missing or empty.
absl::StatusOr<LockInfo> ParseLockInfo(std::string_view body);

// A LockInfo JSON body for locks that did not come from terraform, so a conflicting terraform
// client can show who holds the workspace.
std::string SynthesizeLockInfo(const Lock& lock);

// Status payload key carrying the holder's LockInfo JSON on lock conflicts; the HTTP layer
// renders it as the 423 body on terraform-backend routes.
inline constexpr std::string_view kLockInfoPayload = "terrane.dev/lock-info";

// Aborted (→ 423) "workspace is locked" with the holder's LockInfo attached.
absl::Status LockedError(const Lock& holder, std::string_view message);

// The show-body `lock` object of iacm-api.md §3.3 / §5.3.
boost::json::object LockToJson(const Lock& lock, std::string_view workspace);

}  // namespace terrane::model
