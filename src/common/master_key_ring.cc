#include "common/master_key_ring.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "common/strings.h"

namespace terrane {
namespace {

std::vector<std::string> IdsOf(const std::vector<MasterKey>& keys) {
  std::vector<std::string> ids;
  ids.reserve(keys.size());
  for (const MasterKey& key : keys) ids.push_back(key.Id());
  return ids;
}

// A key file may be replaced between reading one file and the next (a rotation finishing), so
// a reload that misses the key it looks for is tried again this many times.
constexpr int kReloadAttempts = 3;

}  // namespace

MasterKeyRing::MasterKeyRing(MasterKey key) : MasterKeyRing({std::move(key)}, 0, nullptr) {}

MasterKeyRing::MasterKeyRing(std::vector<MasterKey> keys, size_t sealing, Loader loader)
    : loader_(std::move(loader)), keys_(std::move(keys)), ids_(IdsOf(keys_)), sealing_(sealing) {}

absl::StatusOr<std::unique_ptr<MasterKeyRing>> MasterKeyRing::Create(std::vector<MasterKey> keys,
                                                                     std::string_view sealing_id,
                                                                     Loader loader) {
  std::vector<std::string> ids = IdsOf(keys);
  auto it = std::find(ids.begin(), ids.end(), sealing_id);
  if (it == ids.end()) {
    return absl::InvalidArgumentError(
        Cat("no master key with id '", sealing_id, "' among the keys given"));
  }
  const size_t sealing = static_cast<size_t>(it - ids.begin());
  return std::unique_ptr<MasterKeyRing>(
      new MasterKeyRing(std::move(keys), sealing, std::move(loader)));
}

std::string MasterKeyRing::SealingId() const {
  absl::ReaderMutexLock lock(&mu_);
  return ids_[sealing_];
}

absl::StatusOr<std::string> MasterKeyRing::Seal(std::string_view plaintext,
                                                std::string_view aad) const {
  absl::ReaderMutexLock lock(&mu_);
  return ::terrane::Seal(keys_[sealing_], plaintext, aad);
}

bool MasterKeyRing::Holds(std::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
}

absl::StatusOr<std::string> MasterKeyRing::Open(std::string_view sealed, std::string_view aad) {
  std::optional<std::string> id = SealedKeyId(sealed);
  if (id.has_value() && !id->empty()) {
    for (int attempt = 0; attempt < kReloadAttempts && loader_ != nullptr && !Holds(*id);
         ++attempt) {
      Reload().IgnoreError();  // a failed reload keeps the keys; Open below says what is wrong
    }
  }
  absl::ReaderMutexLock lock(&mu_);
  if (id.has_value() && !id->empty()) {
    auto it = std::find(ids_.begin(), ids_.end(), *id);
    const MasterKey& key = it == ids_.end() ? keys_[sealing_] : keys_[it - ids_.begin()];
    return ::terrane::Open(key, sealed, aad);
  }
  // Version 1 (or malformed): the sealing key first, then the others.
  absl::StatusOr<std::string> opened = ::terrane::Open(keys_[sealing_], sealed, aad);
  for (size_t i = 0; i < keys_.size() && !opened.ok() && id.has_value(); ++i) {
    if (i == sealing_) continue;
    absl::StatusOr<std::string> other = ::terrane::Open(keys_[i], sealed, aad);
    if (other.ok()) opened = std::move(other);
  }
  return opened;
}

absl::Status MasterKeyRing::UseSealingKey(std::string_view sealing_id) {
  for (int attempt = 0; attempt < kReloadAttempts && loader_ != nullptr; ++attempt) {
    absl::StatusOr<std::vector<MasterKey>> loaded = loader_();
    if (!loaded.ok()) return loaded.status();
    std::vector<std::string> ids = IdsOf(*loaded);
    auto it = std::find(ids.begin(), ids.end(), sealing_id);
    if (it == ids.end()) continue;
    // Keys no longer on disk are dropped here: the database seals with another one now.
    absl::MutexLock lock(&mu_);
    sealing_ = static_cast<size_t>(it - ids.begin());
    keys_ = *std::move(loaded);
    ids_ = std::move(ids);
    return absl::OkStatus();
  }
  if (Holds(sealing_id)) {
    absl::MutexLock lock(&mu_);
    sealing_ = static_cast<size_t>(std::find(ids_.begin(), ids_.end(), sealing_id) - ids_.begin());
    return absl::OkStatus();
  }
  return absl::UnavailableError(
      Cat("secrets are now sealed with master key '", sealing_id,
          "', which this server cannot find: the master key was rotated and its new key file is "
          "not readable here; restart the server with the current key file"));
}

absl::Status MasterKeyRing::Reload() {
  absl::StatusOr<std::vector<MasterKey>> loaded = loader_();
  if (!loaded.ok()) return loaded.status();
  if (loaded->empty()) return absl::UnavailableError("no master key could be read");
  std::vector<std::string> ids = IdsOf(*loaded);
  absl::MutexLock lock(&mu_);
  const std::string sealing_id = ids_[sealing_];
  // The sealing key stays until UseSealingKey names another: values sealed with it may still
  // be in flight to the database, which decides.
  auto it = std::find(ids.begin(), ids.end(), sealing_id);
  if (it == ids.end()) {
    loaded->push_back(keys_[sealing_]);
    ids.push_back(sealing_id);
    it = ids.end() - 1;
  }
  sealing_ = static_cast<size_t>(it - ids.begin());
  keys_ = *std::move(loaded);
  ids_ = std::move(ids);
  return absl::OkStatus();
}

}  // namespace terrane
