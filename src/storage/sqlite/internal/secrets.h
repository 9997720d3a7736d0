// Secrets at account, org and project scope. Each function runs inside the caller's
// transaction and follows the contract of the matching storage::Store method.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/secret.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/store.h"

namespace terrane::storage::sqlite::internal {

absl::Status CreateSecret(Connection& conn, const model::Secret& secret,
                          std::string_view ciphertext);
absl::StatusOr<StoredSecret> GetSecret(Connection& conn, const model::SecretKey& key);
absl::StatusOr<std::vector<model::Secret>> ListSecrets(Connection& conn, std::string_view account,
                                                       std::string_view org,
                                                       std::string_view project);
absl::StatusOr<model::Secret> UpdateSecret(Connection& conn, const model::Secret& secret,
                                           std::optional<std::string_view> ciphertext);
absl::StatusOr<model::Secret> DeleteSecret(Connection& conn, const model::SecretKey& key);

}  // namespace terrane::storage::sqlite::internal
