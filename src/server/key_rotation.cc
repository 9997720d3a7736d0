#include "server/key_rotation.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "common/master_key_ring.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "model/secret.h"
#include "server/master_key.h"
#include "service/secrets.h"

namespace terrane::server {
namespace {

// Secrets re-encrypted per transaction: short transactions keep a running server responsive.
constexpr int kBatch = 100;

// The new key, from KEYFILE.next; written first when there is none.
absl::StatusOr<std::pair<MasterKey, bool>> NextKey(const std::string& next_path) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<MasterKey> next, ReadKeyFileIfPresent(next_path));
  if (next.has_value()) return std::make_pair(*std::move(next), true);
  TERRANE_RETURN_IF_ERROR(CreateKeyFile(next_path, MasterKey::Generate()).status());
  // Read back, so what is used is exactly what is on disk (or what a concurrent run wrote).
  TERRANE_ASSIGN_OR_RETURN(next, ReadKeyFileIfPresent(next_path));
  if (!next.has_value()) {
    return absl::InternalError(Cat("the new master key file ", next_path, " vanished"));
  }
  return std::make_pair(*std::move(next), false);
}

// Renames `from` over `to` and makes the rename durable.
absl::Status Publish(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return absl::InternalError(Cat("cannot rename ", from, " to ", to, ": ", std::strerror(errno)));
  }
  const size_t slash = to.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : to.substr(0, slash + 1);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return absl::OkStatus();
}

// Re-encrypts one batch; returns how many secrets were listed (0: none left).
absl::StatusOr<int> ReencryptBatch(storage::Store& store, MasterKeyRing& ring,
                                   const MasterKey& next, int* replaced) {
  TERRANE_ASSIGN_OR_RETURN(std::vector<storage::StoredSecret> batch,
                           store.ListSecretsSealedWithOtherKey(next.Id(), kBatch));
  std::vector<storage::CiphertextSwap> swaps;
  swaps.reserve(batch.size());
  for (storage::StoredSecret& stored : batch) {
    const model::SecretKey& key = stored.secret.key;
    const std::string binding = service::SecretBinding(key);
    absl::StatusOr<std::string> plaintext = ring.Open(stored.ciphertext, binding);
    if (!plaintext.ok()) {
      return absl::DataLossError(Cat("secret '", key.identifier, "' of ",
                                     model::DescribeSecretScope(key),
                                     " opens with neither the old nor the new master key: ",
                                     AsStd(plaintext.status().message())));
    }
    absl::StatusOr<std::string> sealed = Seal(next, *plaintext, binding);
    OPENSSL_cleanse(plaintext->data(), plaintext->size());
    TERRANE_RETURN_IF_ERROR(sealed.status());
    swaps.push_back(
        {.key = key, .expected = std::move(stored.ciphertext), .ciphertext = *std::move(sealed)});
  }
  if (swaps.empty()) return 0;
  TERRANE_ASSIGN_OR_RETURN(int n, store.ReplaceSecretCiphertexts(swaps));
  *replaced += n;
  return static_cast<int>(batch.size());
}

}  // namespace

absl::StatusOr<RotationResult> RotateMasterKey(storage::Store& store, const std::string& key_path) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<MasterKey> current, ReadKeyFileIfPresent(key_path));
  if (!current.has_value()) {
    return absl::FailedPreconditionError(
        Cat("there is no master key file ", key_path, " to rotate"));
  }
  const std::string next_path = Cat(key_path, kNextKeySuffix);
  // The database must seal with this file's key, or with the next one of an interrupted
  // rotation; checked before anything is written.
  TERRANE_ASSIGN_OR_RETURN(std::optional<MasterKey> pending, ReadKeyFileIfPresent(next_path));
  TERRANE_ASSIGN_OR_RETURN(std::string sealing, store.InitSealingKeyId(current->Id()));
  if (sealing != current->Id() && (!pending.has_value() || sealing != pending->Id())) {
    return absl::FailedPreconditionError(
        Cat("the database's secrets are sealed with master key '", sealing, "', but ", key_path,
            " holds key '", current->Id(),
            "': rotate with the key file the server uses (--master-key-file)"));
  }
  TERRANE_ASSIGN_OR_RETURN(auto next_and_resumed, NextKey(next_path));
  const MasterKey& next = next_and_resumed.first;
  RotationResult result{
      .old_id = current->Id(), .new_id = next.Id(), .resumed = next_and_resumed.second};
  TERRANE_RETURN_IF_ERROR(store.SetSealingKeyId(next.Id()));
  TERRANE_ASSIGN_OR_RETURN(std::unique_ptr<MasterKeyRing> ring,
                           MasterKeyRing::Create({*current, next}, next.Id(), nullptr));
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(int listed, ReencryptBatch(store, *ring, next, &result.reencrypted));
    if (listed == 0) break;
  }
  TERRANE_RETURN_IF_ERROR(Publish(next_path, key_path));
  return result;
}

}  // namespace terrane::server
