// Workspace files in YAML, read with yaml-cpp and turned into the JSON the API takes. Scalars
// keep YAML 1.2 core types: plain true/false are booleans, plain numbers numbers, null/~ null,
// everything quoted or else a string. Pure; thread-compatible.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"

namespace terrane::cli::internal {

// One YAML document as JSON. InvalidArgument naming the line for malformed YAML, duplicate
// keys, non-string keys or more than one document.
absl::StatusOr<boost::json::value> ParseYaml(std::string_view text);

}  // namespace terrane::cli::internal
