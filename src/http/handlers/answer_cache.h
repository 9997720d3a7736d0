// Rendered GET answers kept while nothing in the store changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace terrane::http {

// Bodies of hot read answers (GET workspace), tagged with the store's ChangeCounter at the
// moment their data was read. An answer is served only while the counter still has that value,
// that is while nothing at all was committed since, by this server or any other process sharing
// the database; so it is never staler than the read it replaces. The first Put with a new
// counter drops every older answer. At most `max_entries` answers; Put clears the cache when
// full. Callers must check who may see an answer before asking for it. Thread-safe.
class AnswerCache {
 public:
  explicit AnswerCache(size_t max_entries = 4096) : max_entries_(max_entries) {}

  std::optional<std::string> Find(std::string_view key, uint64_t counter) const;
  void Put(std::string key, uint64_t counter, std::string body);

 private:
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  uint64_t counter_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, std::string> bodies_ ABSL_GUARDED_BY(mu_);
};

}  // namespace terrane::http
