// The web console's static files (web/), compiled into the binary at build time by
// cmake/EmbedAssets.cmake, so `terrane serve` needs no files beside it. Immutable, thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace terrane::http::handlers {

struct ConsoleAsset {
  std::string_view path;          // relative to web/, e.g. "index.html"
  std::string_view content_type;  // with charset for text
  std::string_view etag;          // strong, quoted: a prefix of the SHA-256 of `body`
  std::string_view body;
};

// Every embedded file, in the order the build listed them.
std::span<const ConsoleAsset> ConsoleAssets();

}  // namespace terrane::http::handlers
