// The one table from absl::Status codes to HTTP statuses, and the goa error body
// (iacm-api.md §6) every error is rendered as.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "http/message.h"

namespace terrane::http {

// invalid-argument 400, unauthenticated 401, permission-denied 403, not-found 404,
// deadline-exceeded 408, already-exists/failed-precondition 409, aborted 423,
// resource-exhausted 429, cancelled 499, unavailable 503, anything else 500.
int HttpStatusFor(absl::StatusCode code);

// Renders `status` (not OK) as a goa error response; when `lock_info_errors` and the status
// carries model::kLockInfoPayload, the body is that LockInfo JSON instead (terraform decodes a
// 423 body as LockInfo). Internal errors never expose their message to the client. 429 and 503
// carry Retry-After: the status's kRetryAfterPayload (common/token_buckets.h), else 1 second.
// 401 challenges for the x-api-key header, or for Basic auth on terraform-backend routes
// (`lock_info_errors`).
Response RenderError(const absl::Status& status, std::string_view request_id,
                     bool lock_info_errors = false);

// A goa error response with an explicit HTTP status (405, 413, ... which have no Status code).
Response GoaError(int http_status, std::string_view name, std::string_view message,
                  std::string_view request_id);

}  // namespace terrane::http
