#include "common/random.h"

#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/check.h"
#include "common/crypto.h"

namespace terrane {

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  TERRANE_CHECK(RAND_bytes(buf.data(), static_cast<int>(buf.size())) == 1);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

std::string NextSequentialId() {
  static std::atomic<uint64_t> next = [] {
    uint64_t start = 0;
    TERRANE_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(&start), sizeof(start)) == 1);
    return start;
  }();
  uint64_t value = next.fetch_add(1, std::memory_order_relaxed);
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out(12, '0');
  for (int i = 11; i >= 0; --i, value >>= 4) out[static_cast<size_t>(i)] = kDigits[value & 0xf];
  return out;
}

std::string RandomUuid() {
  unsigned char b[16];
  TERRANE_CHECK(RAND_bytes(b, sizeof(b)) == 1);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(b), sizeof(b)));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace terrane
