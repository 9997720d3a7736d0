#include <string>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/access.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// Column list of the key reads; KeyFromRow depends on this order.
constexpr std::string_view kKeySelect = R"sql(
    SELECT k.id, k.account_id, k.name, k.secret_sha256, k.created, IFNULL(p.identifier, ''),
           k.expires, k.revoked
    FROM api_keys k LEFT JOIN principals p ON p.id = k.principal_id )sql";

model::ApiKey KeyFromRow(const Statement& row) {
  return model::ApiKey{.id = row.Text(0),
                       .account = row.Text(1),
                       .name = row.Text(2),
                       .secret_sha256 = row.Text(3),
                       .created = row.Int(4),
                       .principal = row.Text(5),
                       .expires = row.Int(6),
                       .revoked = row.Int(7)};
}

absl::Status KeyNotFound(std::string_view id) {
  return absl::NotFoundError(Cat("API key '", id, "' not found"));
}

}  // namespace

absl::Status CreateApiKey(Connection& conn, const model::ApiKey& key) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, key.account));
  TERRANE_ASSIGN_OR_RETURN(Statement principal, Statement::Prepare(conn, R"sql(
      SELECT id FROM principals WHERE account_id = ? AND identifier = ?)sql"));
  TERRANE_ASSIGN_OR_RETURN(bool found,
                           principal.Bind(1, key.account).Bind(2, key.principal).Step());
  if (!found) {
    return absl::NotFoundError(
        Cat("principal '", key.principal, "' not found in account '", key.account, "'"));
  }
  const int64_t principal_id = principal.Int(0);
  TERRANE_ASSIGN_OR_RETURN(Statement exists,
                           Statement::Prepare(conn, "SELECT 1 FROM api_keys WHERE id = ?"));
  TERRANE_ASSIGN_OR_RETURN(bool duplicate, exists.Bind(1, key.id).Step());
  if (duplicate) return absl::AlreadyExistsError(Cat("API key '", key.id, "' already exists"));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO api_keys(id, account_id, name, secret_sha256, created, principal_id, expires,
                           revoked)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, key.id)
      .Bind(2, key.account)
      .Bind(3, key.name)
      .Bind(4, key.secret_sha256)
      .Bind(5, key.created)
      .Bind(6, principal_id)
      .Bind(7, key.expires)
      .Bind(8, key.revoked)
      .Run();
}

absl::StatusOr<model::ApiKey> GetApiKey(Connection& conn, std::string_view id) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, Cat(kKeySelect, "WHERE k.id = ?")));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, id).Step());
  if (!row) return KeyNotFound(id);
  return KeyFromRow(stmt);
}

absl::StatusOr<std::vector<model::ApiKey>> ListApiKeys(Connection& conn, std::string_view account,
                                                       std::string_view principal) {
  TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, Cat(kKeySelect, R"sql(
          WHERE k.account_id = ? AND (? = '' OR p.identifier = ?) ORDER BY k.created, k.id)sql")));
  stmt.Bind(1, account).Bind(2, principal).Bind(3, principal);
  std::vector<model::ApiKey> out;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(KeyFromRow(stmt));
  }
  return out;
}

absl::StatusOr<model::ApiKey> RevokeApiKey(Connection& conn, std::string_view account,
                                           std::string_view id, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      UPDATE api_keys SET revoked = ? WHERE id = ? AND account_id = ? AND revoked = 0)sql"));
  TERRANE_RETURN_IF_ERROR(stmt.Bind(1, now).Bind(2, id).Bind(3, account).Run());
  absl::StatusOr<model::ApiKey> key = GetApiKey(conn, id);
  // A key of another account is answered exactly like a missing one.
  if (!key.ok() || key->account != account) return KeyNotFound(id);
  return key;
}

}  // namespace terrane::storage::sqlite::internal
