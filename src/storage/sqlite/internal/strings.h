// String helpers for messages and SQL text.
#pragma once

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/strings.h"

namespace terrane::storage::sqlite::internal {

inline absl::AlphaNum CatArg(std::string_view text) { return absl::AlphaNum(AsAbsl(text)); }
template <typename T>
const T& CatArg(const T& value) {
  return value;
}

// absl::StrCat that also takes std::string_view.
template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(CatArg(args)...);
}

}  // namespace terrane::storage::sqlite::internal
