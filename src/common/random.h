// Random identifiers from the OS CSPRNG (OpenSSL RAND_bytes). Thread-safe.
#pragma once

#include <string>

namespace terrane {

// `bytes` random bytes as lowercase hex (2 * bytes characters).
std::string RandomHex(size_t bytes);

// A random RFC 4122 version-4 UUID, lowercase.
std::string RandomUuid();

}  // namespace terrane
