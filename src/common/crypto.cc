#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <vector>

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
