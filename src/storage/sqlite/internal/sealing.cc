#include "storage/sqlite/internal/sealing.h"

#include <optional>
#include <utility>

#include "common/crypto.h"
#include "common/status_macros.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {

absl::StatusOr<std::string> GetSealingKeyId(Connection& conn) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt, Statement::Prepare(conn, "SELECT key_id FROM secret_sealing WHERE only = 1"));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Text(0) : std::string();
}

absl::StatusOr<std::string> InitSealingKeyId(Connection& conn, std::string_view key_id) {
  TERRANE_ASSIGN_OR_RETURN(std::string current, GetSealingKeyId(conn));
  if (!current.empty()) return current;
  TERRANE_RETURN_IF_ERROR(SetSealingKeyId(conn, key_id));
  return std::string(key_id);
}

absl::Status SetSealingKeyId(Connection& conn, std::string_view key_id) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn,
                         "INSERT INTO secret_sealing(only, key_id) VALUES (1, ?) "
                         "ON CONFLICT(only) DO UPDATE SET key_id = excluded.key_id"));
  return stmt.Bind(1, key_id).Run();
}

absl::StatusOr<std::string> CheckSealedWithSealingKey(Connection& conn,
                                                      std::string_view ciphertext) {
  std::optional<std::string> key_id = SealedKeyId(ciphertext);
  if (!key_id.has_value()) {
    return absl::InvalidArgumentError("a secret's ciphertext must be a sealed value");
  }
  TERRANE_ASSIGN_OR_RETURN(std::string sealing, GetSealingKeyId(conn));
  if (!sealing.empty() && *key_id != sealing) {
    return absl::AbortedError(Cat("the value is sealed with master key '", *key_id,
                                  "' but secrets are now sealed with master key '", sealing,
                                  "' (the master key was rotated)"));
  }
  return *std::move(key_id);
}

absl::StatusOr<std::vector<StoredSecret>> ListSecretsSealedWithOtherKey(Connection& conn,
                                                                        std::string_view key_id,
                                                                        int limit) {
  // Scope identifiers come from the org and project rows; NULL ids are account or org scope.
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT s.account_id, IFNULL(o.identifier, ''), IFNULL(p.identifier, ''), s.identifier,
             s.ciphertext
      FROM secrets s
      LEFT JOIN orgs o ON o.id = s.org_id
      LEFT JOIN projects p ON p.id = s.project_id
      WHERE s.key_id != ?1
      ORDER BY s.id
      LIMIT ?2)sql"));
  stmt.Bind(1, key_id).Bind(2, int64_t{limit});
  std::vector<StoredSecret> out;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    StoredSecret stored;
    stored.secret.key = model::SecretKey{.account = stmt.Text(0),
                                         .org = stmt.Text(1),
                                         .project = stmt.Text(2),
                                         .identifier = stmt.Text(3)};
    stored.ciphertext = stmt.Blob(4);
    out.push_back(std::move(stored));
  }
}

absl::StatusOr<int> ReplaceSecretCiphertexts(Connection& conn,
                                             const std::vector<CiphertextSwap>& swaps) {
  int replaced = 0;
  for (const CiphertextSwap& swap : swaps) {
    TERRANE_ASSIGN_OR_RETURN(std::string key_id, CheckSealedWithSealingKey(conn, swap.ciphertext));
    // The row is found by its old ciphertext (unique: every seal has a fresh nonce) within the
    // scope, so a concurrent update or delete simply matches nothing.
    TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
        UPDATE secrets SET ciphertext = ?1, key_id = ?2
        WHERE account_id = ?3 AND identifier = ?4 AND ciphertext = ?5)sql"));
    TERRANE_RETURN_IF_ERROR(stmt.BindBlobNoCopy(1, swap.ciphertext)
                                .Bind(2, key_id)
                                .Bind(3, swap.key.account)
                                .Bind(4, swap.key.identifier)
                                .BindBlobNoCopy(5, swap.expected)
                                .Run());
    TERRANE_ASSIGN_OR_RETURN(Statement changes, Statement::Prepare(conn, "SELECT changes()"));
    TERRANE_ASSIGN_OR_RETURN(int64_t n, changes.QueryInt());
    replaced += static_cast<int>(n);
  }
  return replaced;
}

}  // namespace terrane::storage::sqlite::internal
