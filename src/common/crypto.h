// Digests and encodings over OpenSSL. Thread-safe, no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace terrane
