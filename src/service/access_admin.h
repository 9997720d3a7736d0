// Set-up steps shared by the first start and `terrane admin create-api-key`: a service account
// holding a role at a scope, with a new API key. Stateless; thread-safe when the store is.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "model/access.h"
#include "service/auth.h"
#include "storage/store.h"

namespace terrane::service {

struct KeyWithRole {
  std::string account;
  // The service account that owns the key; created when missing.
  std::string principal;
  // "" = the principal's identifier, so the audit trail names who the key belongs to.
  std::string key_name;
  // Bound to the principal at `scope` unless it already holds it there.
  std::string role;
  model::Scope scope;
  int64_t expires = 0;  // unix ms; 0 = never
};

// Creates what `request` names and returns the new key. NotFound for an unknown account, role,
// org or project; InvalidArgument for a malformed identifier. Not one transaction: an unknown
// role is refused before anything is created, but an unknown scope only after the principal
// was (a retry reuses it).
absl::StatusOr<IssuedKey> IssueKeyWithRole(storage::Store& store, const KeyWithRole& request,
                                           int64_t now);

// A fresh role binding identifier.
std::string NewRoleBindingId();

}  // namespace terrane::service
