// Wire names of enums: one table of (value, name) pairs per enum, looked up both ways.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace terrane::model::internal {

template <typename E, size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

// The name of `value`; `fallback` for a value missing from the table.
template <typename E, size_t N>
constexpr std::string_view NameOf(const EnumNames<E, N>& names, E value,
                                  std::string_view fallback) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return fallback;
}

// The value named `text`; nullopt for any other text.
template <typename E, size_t N>
constexpr std::optional<E> ValueOf(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace terrane::model::internal
