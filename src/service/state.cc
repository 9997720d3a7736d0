#include "service/state.h"

#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "model/state.h"

namespace terrane::service {
namespace {

absl::Status CheckContentMd5(std::string_view body, std::string_view header) {
  std::optional<std::string> digest = Base64Decode(header);
  if (!digest.has_value() || digest->size() != 16) {
    return absl::InvalidArgumentError(
        "the Content-MD5 header is not a base64 MD5 digest; nothing was stored");
  }
  if (Md5Base64(body) != header) {
    return absl::InvalidArgumentError(
        "the body does not match its Content-MD5 header (was it truncated in transit?); "
        "nothing was stored, retry the request");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<storage::StateWriteResult> WriteState(storage::Store& store,
                                                     const model::WorkspaceKey& key,
                                                     const StateUpload& upload,
                                                     const Principal& who, int64_t now) {
  if (upload.body.empty()) {
    return absl::InvalidArgumentError(
        "the state body is empty; send the whole terraform state JSON (nothing was stored)");
  }
  if (upload.content_md5.has_value()) {
    TERRANE_RETURN_IF_ERROR(CheckContentMd5(upload.body, *upload.content_md5));
  }
  TERRANE_ASSIGN_OR_RETURN(model::StateMeta meta, model::ParseStateMeta(upload.body));
  storage::StateWrite write{.body = upload.body,
                            .meta = std::move(meta),
                            .sha256 = Sha256Hex(upload.body),
                            .lock_id = upload.lock_id,
                            .created_by = who.key_id,
                            .now = now};
  return store.PutState(key, write);
}

absl::StatusOr<model::Lock> LockState(storage::Store& store, const model::WorkspaceKey& key,
                                      std::string_view lock_info_body, const Principal& who,
                                      int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(model::LockInfo info, model::ParseLockInfo(lock_info_body));
  model::Lock lock{.id = info.id,
                   .origin = model::LockOrigin::kBackend,
                   .info_json = std::string(lock_info_body),
                   .operation = info.operation,
                   .principal_id = who.key_id,
                   .principal_type = "api_key",
                   .display_name = who.display_name,
                   .created = now};
  return store.AcquireLock(key, lock);
}

absl::Status UnlockState(storage::Store& store, const model::WorkspaceKey& key,
                         std::string_view lock_info_body, const Principal& who) {
  std::optional<std::string> id;
  if (!lock_info_body.empty()) {
    TERRANE_ASSIGN_OR_RETURN(model::LockInfo info, model::ParseLockInfo(lock_info_body));
    id = info.id;
  }
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> released, store.ReleaseLock(key, id));
  if (!id.has_value() && released.has_value()) {
    TERRANE_LOG(info, "state",
                "force-unlock account={} org={} project={} workspace={} lock={} "
                "origin={} by_key={}",
                key.account, key.org, key.project, key.identifier, released->id,
                model::ToString(released->origin), who.key_id);
  }
  return absl::OkStatus();
}

absl::StatusOr<model::Lock> LockManually(storage::Store& store, const model::WorkspaceKey& key,
                                         std::string_view reason, const Principal& who,
                                         int64_t now) {
  model::Lock lock{.id = RandomUuid(),
                   .origin = model::LockOrigin::kManual,
                   .operation = "manual",
                   .reason = std::string(reason),
                   .principal_id = who.key_id,
                   .principal_type = "api_key",
                   .display_name = who.display_name,
                   .created = now};
  TERRANE_ASSIGN_OR_RETURN(model::Lock held, store.AcquireLock(key, lock));
  if (held.id != lock.id) {
    return absl::InternalError("store returned a different lock than the one acquired");
  }
  return held;
}

}  // namespace terrane::service
