// API keys: issuing and verifying. A key is `tk.<id>.<secret>`; only SHA-256(secret) is stored,
// looked up by id and compared in constant time. Keys never reach a log. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace terrane::service {

// Who is calling.
struct Principal {
  std::string key_id;
  std::string account;
  std::string display_name;  // "api_key:<name>"
};

// Creates a key for `account` and returns the full key (shown once, never stored).
// NotFound when the account does not exist.
absl::StatusOr<std::string> IssueApiKey(storage::Store& store, std::string_view account,
                                        std::string_view name, int64_t now);

class Authenticator {
 public:
  explicit Authenticator(storage::Store& store) : store_(store) {}

  // Unauthenticated when `key` is empty, malformed or unknown.
  absl::StatusOr<Principal> Verify(std::string_view key) const;

  // Verify, then PermissionDenied when the key belongs to an account other than `account`.
  absl::StatusOr<Principal> VerifyForAccount(std::string_view key, std::string_view account) const;

 private:
  storage::Store& store_;
};

}  // namespace terrane::service
