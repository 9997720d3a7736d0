#include "http/handlers/answer_cache.h"

#include <utility>

namespace terrane::http {

std::optional<std::string> AnswerCache::Find(std::string_view key, uint64_t counter) const {
  absl::ReaderMutexLock lock(&mu_);
  if (counter != counter_) return std::nullopt;
  auto it = bodies_.find(absl::string_view(key.data(), key.size()));
  if (it == bodies_.end()) return std::nullopt;
  return it->second;
}

void AnswerCache::Put(std::string key, uint64_t counter, std::string body) {
  absl::MutexLock lock(&mu_);
  if (counter != counter_) {
    bodies_.clear();
    counter_ = counter;
  }
  if (bodies_.size() >= max_entries_) bodies_.clear();
  bodies_.insert_or_assign(std::move(key), std::move(body));
}

}  // namespace terrane::http
