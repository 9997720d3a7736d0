// Finding the master key of `terrane serve`. The key stays outside the database: whoever copies
// terrane.db without the key learns no secret value. Sources, first match wins:
//   1. --master-key-file PATH (must exist),
//   2. the environment variable TERRANE_MASTER_KEY (standard base64 of 32 bytes),
//   3. DATA_DIR/master.key, created on first start with 32 random bytes (base64, mode 0600).
// A key file must hold base64 of exactly 32 bytes (a trailing newline is fine) and must not be
// readable or writable by group or others; otherwise the server refuses to start.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/crypto.h"

namespace terrane::server {

inline constexpr char kMasterKeyFile[] = "master.key";
inline constexpr char kMasterKeyEnv[] = "TERRANE_MASTER_KEY";

struct MasterKeySource {
  std::string key_file;                  // --master-key-file; "" when not given
  std::optional<std::string> env_value;  // TERRANE_MASTER_KEY when set (even if empty)
  std::string data_dir;                  // must exist
};

struct LoadedMasterKey {
  MasterKey key;
  std::string origin;    // "--master-key-file PATH", "TERRANE_MASTER_KEY" or the data-dir path
  bool created = false;  // DATA_DIR/master.key was written by this call
};

// The key from the first configured source. FailedPrecondition, with a message saying what to
// fix and never quoting key material, for a missing --master-key-file, a key of the wrong
// length or encoding, or a key file with group/other permission bits; Internal when a new key
// file cannot be written. Two servers starting on one new data directory get the same key: the
// file is published with link(2), which never replaces an existing one.
absl::StatusOr<LoadedMasterKey> LoadMasterKey(const MasterKeySource& source);

}  // namespace terrane::server
