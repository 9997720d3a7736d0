// Token buckets keyed by a string (an API key id, a remote address): each key may take `burst`
// tokens at once and gets `rate` tokens back per second. Memory is bounded: at most
// `max_keys` buckets are kept; a full bucket carries no information (a new one would be full
// too), so idle buckets are evicted first, then the least recently used. Thread-safe; the table
// is split into shards with a mutex each, so concurrent requests rarely contend, and a lookup of
// an existing key does not allocate.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace terrane {

// Status payload (decimal whole seconds) that the HTTP layer renders as a Retry-After header.
inline constexpr std::string_view kRetryAfterPayload = "terrane.dev/retry-after-seconds";

// ResourceExhausted with `message` and kRetryAfterPayload set to `seconds` (at least 1).
absl::Status TooManyRequests(std::string_view message, int64_t seconds);

struct TokenBucketOptions {
  double rate = 0;   // tokens per second; <= 0 disables the limit (Take always succeeds)
  double burst = 1;  // bucket size, at least 1
  size_t max_keys = 16384;
  size_t shards = 16;  // independent locks; tests use 1 to see eviction order
};

class TokenBuckets {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit TokenBuckets(TokenBucketOptions options);
  TokenBuckets(const TokenBuckets&) = delete;
  TokenBuckets& operator=(const TokenBuckets&) = delete;

  bool enabled() const { return options_.rate > 0; }

  // Takes one token from `key`'s bucket at time `now`. Returns 0 when taken, else the whole
  // seconds (at least 1) after which a token will be available; nothing is taken then.
  int64_t Take(std::string_view key, TimePoint now);

  // Seconds until `key` has a token again, 0 when it has one now; takes nothing.
  int64_t WaitFor(std::string_view key, TimePoint now);

  // Buckets currently held (for tests of the memory bound).
  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint last;   // when tokens was last refilled
    TimePoint taken;  // when a token was last asked for (least recently used goes first)
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };

  Shard& ShardFor(std::string_view key);
  // Refills `bucket` up to `now`.
  void Refill(Bucket& bucket, TimePoint now) const;
  int64_t SecondsUntilToken(const Bucket& bucket) const;
  // Makes room for one more bucket in `shard`.
  void Evict(Shard& shard, TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const TokenBucketOptions options_;
  const size_t max_per_shard_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace terrane
