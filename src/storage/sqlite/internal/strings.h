// String helpers for messages and SQL text: Terrane's Cat, which also takes std::string_view.
#pragma once

#include "common/strings.h"

namespace terrane::storage::sqlite::internal {

using ::terrane::Cat;

}  // namespace terrane::storage::sqlite::internal
