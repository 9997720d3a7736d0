// Status helpers used across Terrane. Fallible functions return absl::Status or
// absl::StatusOr<T>; these macros keep the success path flat.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TERRANE_STATUS_CONCAT_INNER(a, b) a##b
#define TERRANE_STATUS_CONCAT(a, b) TERRANE_STATUS_CONCAT_INNER(a, b)

// Returns from the current function when `expr` (an absl::Status) is not OK.
#define TERRANE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status terrane_status_ = (expr);           \
    if (!terrane_status_.ok()) return terrane_status_; \
  } while (0)

// `lhs = value of expr` when expr (an absl::StatusOr) is OK; returns its status otherwise.
#define TERRANE_ASSIGN_OR_RETURN(lhs, expr) \
  TERRANE_ASSIGN_OR_RETURN_IMPL(TERRANE_STATUS_CONCAT(terrane_statusor_, __LINE__), lhs, expr)

#define TERRANE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()

namespace terrane {

// Ignoring a status on purpose is one greppable call.
inline void IgnoreError(const absl::Status&) {}

}  // namespace terrane
