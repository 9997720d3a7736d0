// Finding the master key of `terrane serve`. The key stays outside the database: whoever copies
// terrane.db without the key learns no secret value. Sources, first match wins:
//   1. --master-key-file PATH (must exist),
//   2. the environment variable TERRANE_MASTER_KEY (standard base64 of 32 bytes),
//   3. DATA_DIR/master.key, created on first start with 32 random bytes (base64, mode 0600).
// A key file must hold base64 of exactly 32 bytes (a trailing newline is fine) and must not be
// readable or writable by group or others; otherwise the server refuses to start.
//
// Rotation (server/key_rotation.h) writes the new key next to the key file as KEYFILE.next,
// re-encrypts every secret with it and then renames it over KEYFILE. While KEYFILE.next exists
// both keys are loaded, so a rotation interrupted at any point leaves every secret readable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto.h"

namespace terrane::server {

inline constexpr char kMasterKeyFile[] = "master.key";
inline constexpr char kMasterKeyEnv[] = "TERRANE_MASTER_KEY";
inline constexpr char kNextKeySuffix[] = ".next";

struct MasterKeySource {
  std::string key_file;                  // --master-key-file; "" when not given
  std::optional<std::string> env_value;  // TERRANE_MASTER_KEY when set (even if empty)
  std::string data_dir;                  // must exist
};

struct LoadedMasterKey {
  MasterKey key;
  std::string origin;    // "--master-key-file PATH", "TERRANE_MASTER_KEY" or the data-dir path
  bool created = false;  // DATA_DIR/master.key was written by this call
  std::string path;      // the key file; "" when the key came from the environment
  // The key of an unfinished rotation (path + kNextKeySuffix), when that file exists.
  std::optional<MasterKey> next;
};

// The key from the first configured source. FailedPrecondition, with a message saying what to
// fix and never quoting key material, for a missing --master-key-file, a key of the wrong
// length or encoding, or a key file with group/other permission bits; Internal when a new key
// file cannot be written. Two servers starting on one new data directory get the same key: the
// file is published with link(2), which never replaces an existing one.
absl::StatusOr<LoadedMasterKey> LoadMasterKey(const MasterKeySource& source);

// The keys in the key file `path` and, when it exists, path + kNextKeySuffix, checked as
// LoadMasterKey checks them. What a running server reloads when it meets a key it does not hold.
absl::StatusOr<std::vector<MasterKey>> ReadKeyFiles(const std::string& path);

// Reads one key file (FailedPrecondition as LoadMasterKey's), or nullopt when it does not exist.
absl::StatusOr<std::optional<MasterKey>> ReadKeyFileIfPresent(const std::string& path);

// Writes `key` to `path` (mode 0600, fsynced) unless `path` exists: false then. Never replaces.
absl::StatusOr<bool> CreateKeyFile(const std::string& path, const MasterKey& key);

}  // namespace terrane::server
