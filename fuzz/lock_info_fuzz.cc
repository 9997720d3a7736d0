// Fuzzes ParseLockInfo (the body of every terraform LOCK request) and checks that a lock
// built from an accepted body round-trips through SynthesizeLockInfo and LockedError.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "common/check.h"
#include "model/lock.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto info = terrane::model::ParseLockInfo(body);
  if (!info.ok()) return 0;
  TERRANE_CHECK(!info->id.empty());

  terrane::model::Lock lock;
  lock.id = info->id;
  lock.origin = terrane::model::LockOrigin::kManual;
  lock.operation = info->operation;
  lock.display_name = info->who;
  lock.created = static_cast<int64_t>(size) * 1000003;
  const std::string synthesized = terrane::model::SynthesizeLockInfo(lock);
  const auto again = terrane::model::ParseLockInfo(synthesized);
  TERRANE_CHECK(again.ok());
  TERRANE_CHECK(again->id == info->id);
  TERRANE_CHECK(again->operation == info->operation);
  TERRANE_CHECK(again->who == info->who);

  lock.info_json = std::string(body);
  const absl::Status locked = terrane::model::LockedError(lock, "workspace is locked");
  const std::string_view key = terrane::model::kLockInfoPayload;
  const auto payload = locked.GetPayload(absl::string_view(key.data(), key.size()));
  TERRANE_CHECK(payload.has_value() && std::string(*payload) == body);
  return 0;
}
