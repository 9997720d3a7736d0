// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0),
// which std::string_view does not convert to. Terrane's interfaces use std::string_view; these
// are the one bridge to Abseil's string functions (StrCat, StrSplit, Status payloads).
#pragma once

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace terrane {

inline absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view AsStd(absl::string_view s) { return {s.data(), s.size()}; }

namespace strings_internal {
inline absl::AlphaNum CatArg(std::string_view text) { return absl::AlphaNum(AsAbsl(text)); }
template <typename T>
const T& CatArg(const T& value) {
  return value;
}
}  // namespace strings_internal

// absl::StrCat that also takes std::string_view.
template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(strings_internal::CatArg(args)...);
}

}  // namespace terrane
