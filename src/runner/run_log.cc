#include "runner/run_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "boost/json/serialize.hpp"
#include "boost/json/string.hpp"
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
  std::vector<const std::string*> ordered;
  for (const std::string& secret : secrets) {
    if (!secret.empty()) ordered.push_back(&secret);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
  std::string out(text);
  for (const std::string* s : ordered) {
    const std::string& secret = *s;
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return out;
}

std::vector<std::string> SecretForms(std::string_view value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  auto add = [&out](std::string form) {
    if (!form.empty() && std::find(out.begin(), out.end(), form) == out.end()) {
      out.push_back(std::move(form));
    }
  };
  add(std::string(value));
  std::string quoted = boost::json::serialize(boost::json::string(value));
  std::string escaped = quoted.substr(1, quoted.size() - 2);
  add(escaped);
  // Go's encoding/json (terraform show -json) also escapes these for HTML safety.
  std::string go = absl::StrReplaceAll(escaped, {{"<", "\\u003c"}, {">", "\\u003e"},
                                                 {"&", "\\u0026"}, {"\u2028", "\\u2028"},
                                                 {"\u2029", "\\u2029"}});
  add(go);
  if (value.find('\n') != std::string_view::npos) {
    for (absl::string_view line : absl::StrSplit(AsAbsl(value), absl::ByAnyChar("\r\n"))) {
      line = absl::StripAsciiWhitespace(line);
      if (line.size() >= kMinMaskedLine) add(std::string(line));
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
  SortSecrets();
}

void RunLog::SortSecrets() {
  // Longest first, so a secret containing another is masked whole.
  std::erase_if(secrets_, [](const std::string& s) { return s.empty(); });
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void RunLog::AddSecrets(const std::vector<std::string>& more) {
  secrets_.insert(secrets_.end(), more.begin(), more.end());
  SortSecrets();
}

void RunLog::Write(std::string_view bytes) {
  pending_.append(bytes);
  size_t end = pending_.rfind('\n');
  if (end == std::string::npos && pending_.size() < kMaxHeldBack) return;
  size_t cut = end + 1;
  if (end == std::string::npos) {
    // A long line is stored in pieces; the piece held back is long enough that a secret
    // straddling the cut is still masked whole with the next piece.
    size_t longest = secrets_.empty() ? 0 : secrets_.front().size();
    cut = pending_.size() > longest ? pending_.size() - longest : 0;
    if (cut == 0) return;
  }
  Store(std::string_view(pending_).substr(0, cut));
  pending_.erase(0, cut);
}

void RunLog::Note(std::string_view line) {
  Flush();
  Store(Cat(line, "\n"), /*own=*/true);
}

void RunLog::Flush() {
  if (pending_.empty()) return;
  Store(pending_);
  pending_.clear();
}

void RunLog::Store(std::string_view text, bool own) {
  if ((truncated_ && !own) || text.empty()) return;
  std::string masked = MaskSecrets(text, secrets_);
  if (!own && stored_ + masked.size() > cap_bytes_) {
    masked = Cat("\n[terrane] the log reached its limit of ", cap_bytes_,
                 " bytes; further output of the commands of this run is not kept\n");
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
