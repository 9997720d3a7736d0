// A run's output on its way to the store: secret values masked, partial lines held back so a
// secret split across two reads is still masked, appended in chunks, and followers woken.
// LogHub is thread-safe; a RunLog belongs to the one thread executing its run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace terrane::runner {

// Wakes log followers when any run's log grows or any run changes state. One counter for all
// runs: followers re-read their run and go back to waiting, which is cheap at this scale.
class LogHub {
 public:
  void Notify();
  // Returns the current version once it differs from `seen`, or after `timeout`.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout);
  uint64_t Version();

 private:
  absl::Mutex mu_;
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;
};

// `text` with every occurrence of each non-empty value in `secrets` replaced by "***", longer
// values first so a secret containing another is masked whole.
std::string MaskSecrets(std::string_view text, const std::vector<std::string>& secrets);

// The forms in which a secret `value` can appear in a run's output and artifacts: as itself, as
// the inside of a JSON string (also as Go's encoder writes it, which escapes <, > and &, the way
// terraform's JSON output shows it) and, for a value of several lines, each line of at least
// kMinMaskedLine characters alone (terraform prefixes every output line of a command).
std::vector<std::string> SecretForms(std::string_view value);
inline constexpr size_t kMinMaskedLine = 4;

class RunLog {
 public:
  // Logs beyond `cap_bytes` are cut with a note; the run goes on.
  RunLog(storage::Store& store, LogHub& hub, std::string run_id, std::vector<std::string> secrets,
         size_t cap_bytes);
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // Output of a command; complete lines are stored at once.
  void Write(std::string_view bytes);
  // A line of Terrane's own ("==> plan"), stored at once.
  // Kept even after the log reached its limit, so the log always says how the run ended.
  void Note(std::string_view line);
  // Stores what is held back (at the end of each command).
  void Flush();
  // The secrets masked in this log, for masking artifacts the same way.
  const std::vector<std::string>& secrets() const { return secrets_; }
  // Masks `more` too from now on (a credential issued while the run executes).
  void AddSecrets(const std::vector<std::string>& more);

 private:
  // `own`: Terrane's own line, stored even after the limit was reached.
  void Store(std::string_view text, bool own = false);
  // Orders secrets_ longest first and drops empty ones.
  void SortSecrets();

  storage::Store& store_;
  LogHub& hub_;
  std::string run_id_;
  std::vector<std::string> secrets_;
  size_t cap_bytes_;
  size_t stored_ = 0;
  bool truncated_ = false;
  std::string pending_;
};

}  // namespace terrane::runner
