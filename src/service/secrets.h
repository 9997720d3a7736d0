// The secret store's rules above storage: values are sealed with the master key and bound to
// where they are stored (account, org, project, identifier), so a row copied to another scope or
// identifier does not decrypt; workspace variables of value_type "secret" name a secret by
// reference (model::ParseSecretReference) and are resolved to plaintext only when a run needs
// them. Plaintext never reaches the store, a log or an HTTP response. Stateless; thread-safe
// when the store is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/master_key_ring.h"
#include "model/secret.h"
#include "model/workspace.h"
#include "storage/store.h"

namespace terrane::service {

// The additional authenticated data of `key`'s sealed value: an unambiguous encoding of
// account, org, project and identifier.
std::string SecretBinding(const model::SecretKey& key);

// Seals `value` for `secret.key` with the ring's sealing key and stores the secret; the
// store's errors (NotFound scope, AlreadyExists) pass through. When the store refuses the
// sealing key (the master key was rotated meanwhile), the ring switches to the store's sealing
// key and the write is retried once; Unavailable when this server cannot read that key.
absl::Status CreateSecret(storage::Store& store, MasterKeyRing& keys, const model::Secret& secret,
                          std::string_view value);

// Replaces the metadata of `secret.key`'s secret and, when `value` is set, its value; nullopt
// keeps the stored value. Returns the secret as now stored. Rotation as for CreateSecret.
absl::StatusOr<model::Secret> UpdateSecret(storage::Store& store, MasterKeyRing& keys,
                                           const model::Secret& secret,
                                           const std::optional<std::string>& value);

// Resolves references of workspace variables (see model::ParseSecretReference) for `workspace`
// to plaintext, keyed by the reference as given (duplicates resolve once). InvalidArgument for
// a malformed reference, NotFound for a missing secret, DataLoss for a value that does not
// decrypt (a master key this server cannot find, or a tampered or moved row); each message
// quotes the reference.
// The caller owns the plaintext: keep it out of logs and responses.
absl::StatusOr<std::map<std::string, std::string>> ResolveSecretReferences(
    storage::Store& store, MasterKeyRing& keys, const model::WorkspaceKey& workspace,
    const std::vector<std::string>& references);

// Checks every variable of `spec` with value_type "secret" (terraform and environment) names an
// existing secret, for a workspace create or update. InvalidArgument naming the variable and the
// reference when one is malformed or unknown; NotFound (the store's) when the workspace's
// project does not exist. Never decrypts. The check and the save are
// separate transactions: a secret deleted in between fails when the run resolves it.
absl::Status ValidateSecretReferences(storage::Store& store, const model::WorkspaceKey& workspace,
                                      const model::WorkspaceSpec& spec);

}  // namespace terrane::service
