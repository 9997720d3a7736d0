#include "service/request_limiter.h"

#include <utility>

#include "common/strings.h"

namespace terrane::service {

RequestLimiter::RequestLimiter(RequestLimitOptions options)
    : keys_(
          {.rate = options.key_rate, .burst = options.key_burst, .max_keys = options.max_tracked}),
      failures_({.rate = options.auth_failure_rate,
                 .burst = options.auth_failure_burst,
                 .max_keys = options.max_tracked}) {}

absl::StatusOr<Principal> RequestLimiter::Admit(std::string_view remote,
                                                absl::StatusOr<Principal> verified, TimePoint now) {
  if (verified.ok()) {
    if (verified->only_workspace.has_value()) return verified;  // a run's own credential
    if (int64_t wait = keys_.Take(verified->key_id, now); wait > 0) {
      return TooManyRequests(
          Cat("too many requests with this API key: retry in ", wait,
              " s; the server allows its --rate-limit requests per second per key after a burst "
              "of --rate-burst"),
          wait);
    }
    return verified;
  }
  if (!absl::IsUnauthenticated(verified.status())) return verified;
  if (int64_t wait = failures_.Take(remote, now); wait > 0) {
    // The reason stays in the message: a client with a wrong key must learn what is wrong.
    return TooManyRequests(Cat("too many failed authentications from this address: retry in ",
                               wait, " s; the last one: ", AsStd(verified.status().message())),
                           wait);
  }
  return verified;
}

}  // namespace terrane::service
