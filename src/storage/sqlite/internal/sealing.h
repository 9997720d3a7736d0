// The sealing key id and the re-encryption of secrets during a master key rotation
// (storage::Store, "master key rotation"). Each function runs inside the caller's transaction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/store.h"

namespace terrane::storage::sqlite::internal {

absl::StatusOr<std::string> GetSealingKeyId(Connection& conn);
absl::StatusOr<std::string> InitSealingKeyId(Connection& conn, std::string_view key_id);
absl::Status SetSealingKeyId(Connection& conn, std::string_view key_id);

// The key id `ciphertext` names. InvalidArgument when it is not a sealed value; Aborted when a
// sealing key id is set and differs.
absl::StatusOr<std::string> CheckSealedWithSealingKey(Connection& conn,
                                                      std::string_view ciphertext);

absl::StatusOr<std::vector<StoredSecret>> ListSecretsSealedWithOtherKey(Connection& conn,
                                                                        std::string_view key_id,
                                                                        int limit);
absl::StatusOr<int> ReplaceSecretCiphertexts(Connection& conn,
                                             const std::vector<CiphertextSwap>& swaps);

}  // namespace terrane::storage::sqlite::internal
