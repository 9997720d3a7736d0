// The master keys a server holds: the one new secret values are sealed with and, during a
// rotation, the others values may still be sealed with. Each sealed value names its key
// (MasterKey::Id), so opening picks the right one. When a value names a key the ring does not
// hold, or the database refuses the sealing key (it was rotated), the ring reloads its keys
// from their source (the key files on disk) and tries once more: a rotation done by another
// process is picked up without a restart. Key bytes never print. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/crypto.h"

namespace terrane {

class MasterKeyRing {
 public:
  // Reads every key currently available from the ring's source; nullptr: nothing to reload.
  using Loader = std::function<absl::StatusOr<std::vector<MasterKey>>()>;

  // A ring of one key, which seals.
  explicit MasterKeyRing(MasterKey key);
  // `keys` must hold a key with id `sealing_id` (InvalidArgument otherwise, from Create).
  static absl::StatusOr<std::unique_ptr<MasterKeyRing>> Create(std::vector<MasterKey> keys,
                                                               std::string_view sealing_id,
                                                               Loader loader);
  MasterKeyRing(const MasterKeyRing&) = delete;
  MasterKeyRing& operator=(const MasterKeyRing&) = delete;

  // The id new values are sealed with.
  std::string SealingId() const;
  // Seal() with the sealing key.
  absl::StatusOr<std::string> Seal(std::string_view plaintext, std::string_view aad) const;
  // Open() with the key `sealed` names (values of the version-1 format name none: each held key
  // is tried). Reloads once when that key is not held; DataLoss as Open's when it still is not.
  absl::StatusOr<std::string> Open(std::string_view sealed, std::string_view aad);
  // Reloads the keys and makes `sealing_id` the sealing key; keys no longer in the source are
  // dropped. Unavailable, changing nothing, when no key has that id (the new key file is not
  // readable here).
  absl::Status UseSealingKey(std::string_view sealing_id);

 private:
  MasterKeyRing(std::vector<MasterKey> keys, size_t sealing, Loader loader);
  // Replaces the keys with the loader's, keeping the sealing key; keeps all when loading fails.
  absl::Status Reload() ABSL_LOCKS_EXCLUDED(mu_);
  bool Holds(std::string_view id) const ABSL_LOCKS_EXCLUDED(mu_);

  const Loader loader_;
  mutable absl::Mutex mu_;
  std::vector<MasterKey> keys_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> ids_ ABSL_GUARDED_BY(mu_);  // ids_[i] == keys_[i].Id()
  size_t sealing_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace terrane
