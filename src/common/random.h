// Random identifiers from the OS CSPRNG (OpenSSL RAND_bytes). Thread-safe.
#pragma once

#include <string>

namespace terrane {

// `bytes` random bytes as lowercase hex (2 * bytes characters).
std::string RandomHex(size_t bytes);

// A 12-hex-digit identifier unique within this process and unlikely to repeat across restarts:
// a random start, then a counter. For request ids, which need uniqueness, not secrecy: one
// RandomHex per request cost more than routing it.
std::string NextSequentialId();

// A random RFC 4122 version-4 UUID, lowercase.
std::string RandomUuid();

}  // namespace terrane
