// A YAML subset for workspace files, parsed into JSON: block mappings and sequences by
// indentation, plain, single- and double-quoted scalars, `#` comments, `{}`/`[]` and one-line
// flow sequences of scalars. Anchors, tags, multi-line scalars and multiple documents are
// refused (InvalidArgument naming the line). Pure; thread-compatible.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"

namespace terrane::cli::internal {

absl::StatusOr<boost::json::value> ParseYaml(std::string_view text);

}  // namespace terrane::cli::internal
