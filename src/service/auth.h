// API keys: issuing and verifying, with the grants of each key's principal. A key is
// `tk.<id>.<secret>`; only SHA-256(secret) is stored, looked up by id and compared in constant
// time. Keys never reach a log. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "model/access.h"
#include "storage/store.h"

namespace terrane::service {

// One role binding resolved to the permissions it grants at its scope.
struct Grant {
  model::Scope scope;
  model::PermissionSet permissions;
};
using Grants = std::vector<Grant>;

class RequestLimiter;

// Who is calling.
struct Principal {
  std::string key_id;
  std::string account;
  std::string display_name;  // "api_key:<name>", "run:<run id>"
  // The identifier of the key's principal; "" for a run credential.
  std::string principal;
  // Set for a run credential: the one workspace whose state backend it may use.
  std::optional<model::WorkspaceKey> only_workspace;
  // What the principal's role bindings grant (service/authz.h decides with them). Shared with
  // the Authenticator's cache, never changed after creation; nullptr grants nothing.
  std::shared_ptr<const Grants> grants;
};

// A key just created: the full key (shown once, never stored) and what was stored.
struct IssuedKey {
  std::string secret;
  model::ApiKey key;
};

// Creates a key with `key`'s account, principal, name and expiry (id, digest and `created` are
// set here) and returns it. NotFound when the account or principal does not exist.
absl::StatusOr<IssuedKey> IssueApiKey(storage::Store& store, model::ApiKey key, int64_t now);

// Resolves bindings to grants: built-in roles from model::BuiltinRoles, custom ones from
// `custom_roles`; a binding naming neither grants nothing.
Grants ResolveGrants(const std::vector<model::RoleBinding>& bindings,
                     const std::vector<model::Role>& custom_roles);

// Verifies keys against the store. A verified key is remembered with its principal's grants for
// kCacheTtl, so that a request costs no database transaction for its key (GET workspace
// throughput halved without it). Revoking a key or changing roles, bindings or principals
// through this server (InvalidateKey, InvalidateAll) takes effect at once; a change made by
// another process (`terrane admin` on a running server) is seen within kCacheTtl. Expiry is
// checked against the clock on every request, from the cached expiry time.
class Authenticator {
 public:
  static constexpr std::chrono::seconds kCacheTtl{5};

  Authenticator(storage::Store& store, Clock& clock) : store_(store), clock_(clock) {}

  // Unauthenticated when `key` is empty, malformed, unknown, revoked or expired (the last two
  // say so and name the key's id, never its secret).
  absl::StatusOr<Principal> Verify(std::string_view key) const;

  // Verify, then PermissionDenied when the key belongs to an account other than `account`.
  absl::StatusOr<Principal> VerifyForAccount(std::string_view key, std::string_view account) const;

  // Run credentials: keys `tr.<run id>.<secret>` that let one run's terraform use its own
  // workspace's state backend and nothing else. Kept only in memory: they stop working when
  // revoked at the end of the run, or when the server stops.
  std::string IssueRunCredential(std::string_view run_id, const model::WorkspaceKey& workspace);
  void RevokeRunCredential(std::string_view run_id);

  // Forgets the cached entry of key `key_id` (after revoking it): its next use reads the store.
  void InvalidateKey(std::string_view key_id) const;
  // Forgets every cached key (after a change to roles, bindings or principals).
  void InvalidateAll() const;

  // The abuse limits the HTTP layer applies after verifying (service/request_limiter.h);
  // nullptr (the default) applies none. `limiter` must outlive this object.
  void set_limiter(RequestLimiter* limiter) { limiter_ = limiter; }
  RequestLimiter* limiter() const { return limiter_; }

 private:
  struct CachedKey {
    model::ApiKey key;
    std::shared_ptr<const Grants> grants;
    std::chrono::steady_clock::time_point expires;
    // The secret last proven to match key.secret_sha256, so a key in use is checked with one
    // constant-time comparison instead of a SHA-256 per request (a tenth of a GET's cost). Kept
    // in memory only, for as long as the entry; "" until a request proves it.
    std::string proven_secret;
  };
  // The stored key for `id` with its grants (NotFound when there is none), from the cache when
  // fresh, and whether `secret` is its secret.
  absl::StatusOr<std::pair<CachedKey, bool>> Lookup(std::string_view id,
                                                    std::string_view secret) const;

  struct RunCredential {
    std::string secret_sha256;
    model::WorkspaceKey workspace;
  };
  absl::StatusOr<Principal> VerifyRunCredential(std::string_view run_id,
                                                std::string_view secret) const;

  storage::Store& store_;
  Clock& clock_;
  RequestLimiter* limiter_ = nullptr;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, CachedKey> cache_ ABSL_GUARDED_BY(mu_);
  // Bumped by every invalidation, so a store read that started before one is not cached.
  mutable uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, RunCredential> run_credentials_ ABSL_GUARDED_BY(mu_);
};

}  // namespace terrane::service
