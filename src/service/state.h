// The terraform state backend's rules, independent of HTTP: validating and storing state writes,
// and taking/releasing the lock with terraform's LockInfo bodies (terraform-http-backend.md §4).
// Thread-safe (all state lives in the Store).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "service/auth.h"
#include "storage/store.h"

namespace terrane::service {

struct StateUpload {
  std::string_view body;
  // Content-MD5 header value as sent (base64), if any.
  std::optional<std::string_view> content_md5;
  // The `ID` query parameter, if any.
  std::optional<std::string> lock_id;
};

// Validates (non-empty, Content-MD5, state JSON with serial and lineage) and stores a write.
// InvalidArgument for bad bodies; otherwise the errors of Store::PutState.
absl::StatusOr<storage::StateWriteResult> WriteState(storage::Store& store,
                                                     const model::WorkspaceKey& key,
                                                     const StateUpload& upload,
                                                     const Principal& who, int64_t now);

// LOCK with a terraform LockInfo body, stored verbatim. InvalidArgument when the body is not a
// LockInfo; Aborted (with the holder's LockInfo) when someone else holds the lock.
absl::StatusOr<model::Lock> LockState(storage::Store& store, const model::WorkspaceKey& key,
                                      std::string_view lock_info_body, const Principal& who,
                                      int64_t now);

// UNLOCK per terraform-http-backend.md §4.6: an empty body force-unlocks (logged with who did
// it); a body's ID must match the holder's; unlocking an unlocked workspace succeeds.
absl::Status UnlockState(storage::Store& store, const model::WorkspaceKey& key,
                         std::string_view lock_info_body, const Principal& who);

// A manual lock taken through the API (iacm-api.md §5.3); Aborted when already locked.
absl::StatusOr<model::Lock> LockManually(storage::Store& store, const model::WorkspaceKey& key,
                                         std::string_view reason, const Principal& who,
                                         int64_t now);

}  // namespace terrane::service
