#include "common/random.h"

#include <openssl/rand.h>

#include <vector>

#include "common/check.h"
#include "common/crypto.h"

namespace terrane {

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  TERRANE_CHECK(RAND_bytes(buf.data(), static_cast<int>(buf.size())) == 1);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
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
