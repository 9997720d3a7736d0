// Master key rotation on a live data directory: `terrane admin rotate-master-key`.
//
//   1. The new key is written to KEYFILE.next (mode 0600, fsynced), or taken from there when an
//      earlier rotation was interrupted (the rotation resumes).
//   2. The database is told to seal with the new key (storage::Store::SetSealingKeyId): from
//      then on a running server's writes sealed with the old key are refused inside their
//      transaction, and the server reloads KEYFILE and KEYFILE.next and seals with the new key.
//   3. Every secret not yet sealed with the new key is re-encrypted, in batches of one
//      transaction each; a value updated meanwhile is left to its writer.
//   4. KEYFILE.next is renamed over KEYFILE: the old key is gone from disk and nothing in the
//      database needs it.
// A crash anywhere leaves every secret readable with the files on disk, and running the command
// again finishes the job. Servers keep answering throughout: values name their key, and a server
// meeting a key it does not hold re-reads the key files.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace terrane::server {

struct RotationResult {
  std::string old_id;    // MasterKey::Id() of the replaced key
  std::string new_id;    // ... and of the key now in KEYFILE
  int reencrypted = 0;   // secrets re-encrypted by this call
  bool resumed = false;  // KEYFILE.next was left by an interrupted rotation
};

// Rotates the key in the key file `key_path` for `store`. FailedPrecondition when the key file
// is missing or unsafe, or when the database seals with a key that is in neither file (the
// wrong key file); DataLoss naming the secret when a stored value opens with neither key
// (nothing is renamed then, so the rotation can be resumed after repairing it).
absl::StatusOr<RotationResult> RotateMasterKey(storage::Store& store, const std::string& key_path);

}  // namespace terrane::server
