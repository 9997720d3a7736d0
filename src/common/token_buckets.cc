#include "common/token_buckets.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"
#include "absl/strings/cord.h"
#include "common/strings.h"

namespace terrane {

absl::Status TooManyRequests(std::string_view message, int64_t seconds) {
  absl::Status status = absl::ResourceExhaustedError(AsAbsl(message));
  status.SetPayload(AsAbsl(kRetryAfterPayload),
                    absl::Cord(std::to_string(std::max<int64_t>(1, seconds))));
  return status;
}

TokenBuckets::TokenBuckets(TokenBucketOptions options)
    : options_{.rate = options.rate,
               .burst = std::max(1.0, options.burst),
               .max_keys = std::max(options.max_keys, std::max<size_t>(1, options.shards)),
               .shards = std::max<size_t>(1, options.shards)},
      max_per_shard_(options_.max_keys / options_.shards),
      shards_(std::make_unique<Shard[]>(options_.shards)) {}

TokenBuckets::Shard& TokenBuckets::ShardFor(std::string_view key) {
  return shards_[absl::Hash<absl::string_view>{}(AsAbsl(key)) % options_.shards];
}

void TokenBuckets::Refill(Bucket& bucket, TimePoint now) const {
  if (now <= bucket.last) return;
  const double elapsed = std::chrono::duration<double>(now - bucket.last).count();
  bucket.tokens = std::min(options_.burst, bucket.tokens + elapsed * options_.rate);
  bucket.last = now;
}

int64_t TokenBuckets::SecondsUntilToken(const Bucket& bucket) const {
  if (bucket.tokens >= 1) return 0;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - bucket.tokens) / options_.rate)));
}

int64_t TokenBuckets::Take(std::string_view key, TimePoint now) {
  if (!enabled()) return 0;
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(AsAbsl(key));
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) Evict(shard, now);
    it = shard.buckets
             .emplace(std::string(key), Bucket{.tokens = options_.burst, .last = now, .taken = now})
             .first;
  }
  Bucket& bucket = it->second;
  Refill(bucket, now);
  bucket.taken = now;
  if (bucket.tokens < 1) return SecondsUntilToken(bucket);
  bucket.tokens -= 1;
  return 0;
}

int64_t TokenBuckets::WaitFor(std::string_view key, TimePoint now) {
  if (!enabled()) return 0;
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(AsAbsl(key));
  if (it == shard.buckets.end()) return 0;
  Refill(it->second, now);
  return SecondsUntilToken(it->second);
}

size_t TokenBuckets::size() const {
  size_t total = 0;
  for (size_t i = 0; i < options_.shards; ++i) {
    const Shard& shard = shards_[i];
    absl::MutexLock lock(&shard.mu);
    total += shard.buckets.size();
  }
  return total;
}

// Runs only when a shard is full, i.e. with more than max_keys/kShards keys active: O(shard).
void TokenBuckets::Evict(Shard& shard, TimePoint now) {
  auto oldest = shard.buckets.end();
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    Refill(it->second, now);
    if (it->second.tokens >= options_.burst) {
      shard.buckets.erase(it++);
      continue;
    }
    if (oldest == shard.buckets.end() || it->second.taken < oldest->second.taken) oldest = it;
    ++it;
  }
  if (shard.buckets.size() >= max_per_shard_ && oldest != shard.buckets.end()) {
    shard.buckets.erase(oldest);
  }
}

}  // namespace terrane
