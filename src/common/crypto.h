// Digests, encodings and authenticated encryption over OpenSSL. Thread-safe, no shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace terrane {

std::string HexEncode(std::string_view bytes);

// SHA-256 of `data` as 64 lowercase hex characters.
std::string Sha256Hex(std::string_view data);

// MD5 of `data` as standard base64 (what terraform sends in Content-MD5).
std::string Md5Base64(std::string_view data);

std::string Base64Encode(std::string_view bytes);

// Decodes standard base64 (with padding). nullopt when `text` is not valid base64.
std::optional<std::string> Base64Decode(std::string_view text);

// Compares in time independent of where the inputs differ (lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The 32-byte AES-256 key that encrypts stored secrets. It lives outside the database (a key
// file or the environment) so a copied database alone reveals nothing. Its bytes never print:
// streaming a MasterKey writes "MasterKey(***)", it has no fmt formatter (so TERRANE_LOG cannot
// take it), and only Seal/Open read the bytes.
// The bytes are wiped when the key is destroyed. Copyable, thread-compatible.
class MasterKey {
 public:
  static constexpr size_t kSize = 32;

  // InvalidArgument (naming the length, never the bytes) unless `bytes` is exactly kSize bytes.
  static absl::StatusOr<MasterKey> FromBytes(std::string_view bytes);
  // kSize fresh bytes from the OS CSPRNG.
  static MasterKey Generate();

  MasterKey(const MasterKey& other) = default;
  MasterKey& operator=(const MasterKey& other) = default;
  ~MasterKey();

  // Standard base64 of the bytes, for writing a new key file. The one way out; never log it.
  std::string ToBase64() const;

  // This key's public name: 16 hex characters of a one-way digest of the bytes, stored in each
  // value it seals and in the database, so that the right key can be picked during a rotation.
  // Safe to print and log.
  std::string Id() const;

  friend std::ostream& operator<<(std::ostream& os, const MasterKey&) {
    return os << "MasterKey(***)";
  }

 private:
  friend absl::StatusOr<std::string> Seal(const MasterKey&, std::string_view, std::string_view);
  friend absl::StatusOr<std::string> Open(const MasterKey&, std::string_view, std::string_view);
  explicit MasterKey(std::string_view bytes);

  unsigned char bytes_[kSize];
};

// Version byte of the sealed format below; a new format gets a new byte. Version 1 (no key id:
// version || nonce || ciphertext || tag, `aad` alone authenticated) is still opened.
inline constexpr unsigned char kSealVersion = 2;
inline constexpr size_t kSealKeyIdSize = 8;  // raw bytes of MasterKey::Id()
// Bytes Seal adds to the plaintext: version (1) + key id (8) + nonce (12) + GCM tag (16).
inline constexpr size_t kSealOverhead = 1 + kSealKeyIdSize + 12 + 16;

// AES-256-GCM: returns version byte || key id || 12-byte random nonce || ciphertext || 16-byte
// tag. Version and key id are authenticated with `aad`, which is not stored: Open must be given
// the same bytes (callers bind the ciphertext to where it is stored, so a row copied elsewhere
// does not decrypt). Internal only when OpenSSL itself fails.
absl::StatusOr<std::string> Seal(const MasterKey& key, std::string_view plaintext,
                                 std::string_view aad);

// Reverses Seal (either version). DataLoss when `sealed` is truncated, has an unknown version,
// names another key, or does not authenticate (tampered bytes, another key or another `aad`);
// never returns unauthenticated plaintext.
absl::StatusOr<std::string> Open(const MasterKey& key, std::string_view sealed,
                                 std::string_view aad);

// The MasterKey::Id() of the key `sealed` was sealed with: "" for version 1 (which names no
// key), nullopt when `sealed` is too short or of an unknown version.
std::optional<std::string> SealedKeyId(std::string_view sealed);

}  // namespace terrane
