// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0),
// which std::string_view does not convert to. Terrane's interfaces use std::string_view; this is
// the one bridge to Abseil's string functions (StrCat, StrSplit, Status payloads).
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace terrane {

inline absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view AsStd(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace terrane
