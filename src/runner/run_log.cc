#include "runner/run_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "common/log.h"

namespace terrane::runner {
namespace {

// A line longer than this is stored in pieces (masking still covers secrets shorter than it).
constexpr size_t kMaxHeldBack = 64 * 1024;

}  // namespace

void LogHub::Notify() {
  absl::MutexLock lock(&mu_);
  ++version_;
}

uint64_t LogHub::WaitForChange(uint64_t seen, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return version_ != seen; };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return version_;
}

uint64_t LogHub::Version() {
  absl::MutexLock lock(&mu_);
  return version_;
}

std::string MaskSecrets(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return out;
}

RunLog::RunLog(storage::Store& store, LogHub& hub, std::string run_id,
               std::vector<std::string> secrets, size_t cap_bytes)
    : store_(store),
      hub_(hub),
      run_id_(std::move(run_id)),
      secrets_(std::move(secrets)),
      cap_bytes_(cap_bytes) {
  // Longest first, so a secret containing another is masked whole.
  std::erase_if(secrets_, [](const std::string& s) { return s.empty(); });
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void RunLog::Write(std::string_view bytes) {
  pending_.append(bytes);
  size_t end = pending_.rfind('\n');
  if (end == std::string::npos && pending_.size() < kMaxHeldBack) return;
  size_t cut = end == std::string::npos ? pending_.size() : end + 1;
  Store(std::string_view(pending_).substr(0, cut));
  pending_.erase(0, cut);
}

void RunLog::Note(std::string_view line) {
  Flush();
  Store(Cat(line, "\n"));
}

void RunLog::Flush() {
  if (pending_.empty()) return;
  Store(pending_);
  pending_.clear();
}

void RunLog::Store(std::string_view text) {
  if (truncated_ || text.empty()) return;
  std::string masked = MaskSecrets(text, secrets_);
  if (stored_ + masked.size() > cap_bytes_) {
    masked = Cat("\n[terrane] the log reached its limit of ", cap_bytes_,
                          " bytes; further output of this run is not kept\n");
    truncated_ = true;
  }
  absl::Status status = store_.AppendRunLog(run_id_, masked);
  if (!status.ok()) {
    // The run goes on without its log rather than failing over a log write.
    TERRANE_LOG(warn, "runner", "run_id={} log append failed: {}", run_id_, status.ToString());
    return;
  }
  stored_ += masked.size();
  hub_.Notify();
}

}  // namespace terrane::runner
