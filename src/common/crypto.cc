#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/check.h"

namespace terrane {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
  // One context per thread, reused: creating and freeing a context (and its provider state) on
  // every call cost more than hashing a short API key secret. Reinitialising it for the same
  // algorithm keeps the provider state.
  thread_local const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(),
                                                                            &EVP_MD_CTX_free);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  TERRANE_CHECK(ctx != nullptr);
  TERRANE_CHECK(EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1);
  TERRANE_CHECK(EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1);
  TERRANE_CHECK(EVP_DigestFinal_ex(ctx.get(), out, &len) == 1);
  return std::string(reinterpret_cast<const char*>(out), len);
}

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
static_assert(kSealOverhead == 1 + kSealKeyIdSize + kNonceSize + kTagSize);

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// The one message for every authentication failure: which of key, aad or bytes is wrong cannot
// be told apart, and saying more would help an attacker.
absl::Status NotAuthentic() {
  return absl::DataLossError(
      "stored secret does not decrypt: the master key differs from the one that encrypted it, "
      "or the stored bytes were changed or moved");
}

// EVP_sha256() and EVP_md5() make every EVP_Digest call look the implementation up in OpenSSL
// 3's provider tables and release it again, which cost more than hashing an API key secret (once
// per authenticated request). Fetched once and kept for the life of the process; the static
// initialisation is thread-safe.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

const EVP_MD* Md5Md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "MD5", nullptr);
    return fetched != nullptr ? fetched : EVP_md5();
  }();
  return md;
}

}  // namespace

MasterKey::MasterKey(std::string_view bytes) {
  TERRANE_CHECK(bytes.size() == kSize);
  std::memcpy(bytes_, bytes.data(), kSize);
}

MasterKey::~MasterKey() { OPENSSL_cleanse(bytes_, kSize); }

absl::StatusOr<MasterKey> MasterKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != kSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("a master key must be ", kSize, " bytes, got ", bytes.size()));
  }
  return MasterKey(bytes);
}

MasterKey MasterKey::Generate() {
  std::string bytes(kSize, '\0');
  TERRANE_CHECK(RAND_bytes(Bytes(bytes), static_cast<int>(kSize)) == 1);
  MasterKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

std::string MasterKey::ToBase64() const {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(bytes_), kSize));
}

namespace {

constexpr size_t kV1Header = 1;
constexpr size_t kV2Header = 1 + kSealKeyIdSize;

// The raw key id of the key `bytes` (MasterKey::kSize of them).
std::string KeyIdBytes(const unsigned char* bytes) {
  // Domain-separated, so the id is never a digest anything else computes over the key.
  std::string input = "terrane master key id\n";
  input.append(reinterpret_cast<const char*>(bytes), MasterKey::kSize);
  std::string digest = Digest(Sha256Md(), input);
  OPENSSL_cleanse(input.data(), input.size());
  digest.resize(kSealKeyIdSize);
  return digest;
}

}  // namespace

std::string MasterKey::Id() const { return HexEncode(KeyIdBytes(bytes_)); }

absl::StatusOr<std::string> Seal(const MasterKey& key, std::string_view plaintext,
                                 std::string_view aad) {
  std::string out(kSealOverhead + plaintext.size(), '\0');
  out[0] = static_cast<char>(kSealVersion);
  out.replace(1, kSealKeyIdSize, KeyIdBytes(key.bytes_));
  unsigned char* nonce = Bytes(out) + kV2Header;
  unsigned char* body = nonce + kNonceSize;
  if (RAND_bytes(nonce, static_cast<int>(kNonceSize)) != 1) {
    return absl::InternalError("seal: the random number generator failed");
  }
  const std::string_view header(out.data(), kV2Header);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes_, nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(header),
                        static_cast<int>(header.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      static_cast<size_t>(len) == plaintext.size() &&
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) == 1 && len == 0 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          body + plaintext.size()) == 1;
  if (!ok) return absl::InternalError("seal: AES-256-GCM encryption failed in OpenSSL");
  return out;
}

std::optional<std::string> SealedKeyId(std::string_view sealed) {
  if (sealed.empty()) return std::nullopt;
  const auto version = static_cast<unsigned char>(sealed[0]);
  if (version == 1 && sealed.size() >= kV1Header + kNonceSize + kTagSize) return std::string();
  if (version == 2 && sealed.size() >= kSealOverhead) {
    return HexEncode(sealed.substr(1, kSealKeyIdSize));
  }
  return std::nullopt;
}

absl::StatusOr<std::string> Open(const MasterKey& key, std::string_view sealed,
                                 std::string_view aad) {
  std::optional<std::string> key_id = SealedKeyId(sealed);
  if (!key_id.has_value()) {
    if (!sealed.empty() && sealed[0] != 1 && sealed[0] != 2) {
      return absl::DataLossError(
          absl::StrCat("stored secret has unknown format version ",
                       static_cast<int>(static_cast<unsigned char>(sealed[0]))));
    }
    return absl::DataLossError(absl::StrCat("stored secret is truncated: ", sealed.size(),
                                            " bytes, at least ", kSealOverhead, " expected"));
  }
  if (!key_id->empty() && *key_id != key.Id()) {
    return absl::DataLossError(absl::StrCat("stored secret is sealed with master key ", *key_id,
                                            ", not with the key in use (", key.Id(), ")"));
  }
  const size_t header_size = key_id->empty() ? kV1Header : kV2Header;
  // Version 2 authenticates its header; version 1 authenticated `aad` alone.
  const std::string_view header =
      key_id->empty() ? std::string_view() : sealed.substr(0, header_size);
  const unsigned char* nonce = Bytes(sealed) + header_size;
  const unsigned char* body = nonce + kNonceSize;
  const size_t body_size = sealed.size() - header_size - kNonceSize - kTagSize;
  // GCM wants a writable tag buffer.
  unsigned char tag[kTagSize];
  std::memcpy(tag, body + body_size, kTagSize);
  std::string out(body_size, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes_, nonce) == 1 &&
      (header.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(header),
                                           static_cast<int>(header.size())) == 1) &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), Bytes(out), &len, body, static_cast<int>(body_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag) == 1;
  if (!ok) return absl::InternalError("open: AES-256-GCM decryption failed in OpenSSL");
  // Final verifies the tag; on failure the partial plaintext is wiped, never returned.
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(out) + len, &final_len) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return NotAuthentic();
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Digest(Sha256Md(), data)); }

std::string Md5Base64(std::string_view data) { return Base64Encode(Digest(Md5Md(), data)); }

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::string();
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace terrane
