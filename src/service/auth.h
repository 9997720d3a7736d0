// API keys: issuing and verifying. A key is `tk.<id>.<secret>`; only SHA-256(secret) is stored,
// looked up by id and compared in constant time. Keys never reach a log. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/store.h"

namespace terrane::service {

class RequestLimiter;

// Who is calling.
struct Principal {
  std::string key_id;
  std::string account;
  std::string display_name;  // "api_key:<name>", "run:<run id>"
  // Set for a run credential: the one workspace whose state backend it may use.
  std::optional<model::WorkspaceKey> only_workspace;
};

// Creates a key for `account` and returns the full key (shown once, never stored).
// NotFound when the account does not exist.
absl::StatusOr<std::string> IssueApiKey(storage::Store& store, std::string_view account,
                                        std::string_view name, int64_t now);

// Verifies keys against the store. Verified keys are remembered for kCacheTtl so that a request
// does not cost a database transaction for its key (GET workspace throughput halved without it);
// keys cannot be changed once created, and the TTL bounds how long a future revocation made by
// another server would take to be seen.
class Authenticator {
 public:
  static constexpr std::chrono::seconds kCacheTtl{30};

  explicit Authenticator(storage::Store& store) : store_(store) {}

  // Unauthenticated when `key` is empty, malformed or unknown.
  absl::StatusOr<Principal> Verify(std::string_view key) const;

  // Verify, then PermissionDenied when the key belongs to an account other than `account`.
  absl::StatusOr<Principal> VerifyForAccount(std::string_view key, std::string_view account) const;

  // Run credentials: keys `tr.<run id>.<secret>` that let one run's terraform use its own
  // workspace's state backend and nothing else. Kept only in memory: they stop working when
  // revoked at the end of the run, or when the server stops.
  std::string IssueRunCredential(std::string_view run_id, const model::WorkspaceKey& workspace);
  void RevokeRunCredential(std::string_view run_id);

  // The abuse limits the HTTP layer applies after verifying (service/request_limiter.h);
  // nullptr (the default) applies none. `limiter` must outlive this object.
  void set_limiter(RequestLimiter* limiter) { limiter_ = limiter; }
  RequestLimiter* limiter() const { return limiter_; }

 private:
  struct CachedKey {
    model::ApiKey key;
    std::chrono::steady_clock::time_point expires;
  };
  // The stored key for `id` (NotFound when there is none), from the cache when fresh.
  absl::StatusOr<model::ApiKey> Lookup(std::string_view id) const;

  struct RunCredential {
    std::string secret_sha256;
    model::WorkspaceKey workspace;
  };
  absl::StatusOr<Principal> VerifyRunCredential(std::string_view run_id,
                                                std::string_view secret) const;

  storage::Store& store_;
  RequestLimiter* limiter_ = nullptr;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, CachedKey> cache_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, RunCredential> run_credentials_ ABSL_GUARDED_BY(mu_);
};

}  // namespace terrane::service
