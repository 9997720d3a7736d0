// Abuse limits applied where a request is authenticated: a token bucket per verified API key
// (so nobody can drain another key's budget by sending its id with a wrong secret) and one per
// remote address for failed authentications (a flood of bad keys from one address is answered
// 429 instead of costing a key lookup each). Run credentials (`tr.` keys, used by terraform
// inside a run) are never limited: throttling them would fail the run. Limited requests are
// ResourceExhausted with a Retry-After payload (common/token_buckets.h). Thread-safe.
#pragma once

#include <chrono>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/token_buckets.h"
#include "service/auth.h"

namespace terrane::service {

struct RequestLimitOptions {
  // Requests per second per API key, and how many may come at once; rate <= 0 disables.
  double key_rate = 100;
  double key_burst = 1000;
  // Failed authentications per second per remote address, and how many at once; <= 0 disables.
  double auth_failure_rate = 2;
  double auth_failure_burst = 100;
  size_t max_tracked = 16384;  // buckets kept per table (idle ones are forgotten first)
};

class RequestLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit RequestLimiter(RequestLimitOptions options);

  // Applies the limits to the outcome of authenticating a request from `remote`:
  //  - a verified API key takes a token from its bucket; ResourceExhausted when it is empty;
  //  - an Unauthenticated failure takes a token from `remote`'s failure bucket and becomes
  //    ResourceExhausted, still quoting the failure's reason, when that is empty;
  //  - run credentials and every other outcome pass unchanged.
  absl::StatusOr<Principal> Admit(std::string_view remote, absl::StatusOr<Principal> verified,
                                  TimePoint now);

 private:
  TokenBuckets keys_;
  TokenBuckets failures_;
};

}  // namespace terrane::service
