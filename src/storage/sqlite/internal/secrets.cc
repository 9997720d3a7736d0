#include "storage/sqlite/internal/secrets.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/columns.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/sealing.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// Row ids of a scope; 0 stands for "none" (the schema's IFNULL(..., 0) in secrets_by_scope).
struct ScopeIds {
  int64_t org_id = 0;
  int64_t project_id = 0;
};

// NotFound names the missing level of the scope.
absl::StatusOr<ScopeIds> ResolveScope(Connection& conn, std::string_view account,
                                      std::string_view org, std::string_view project) {
  ScopeIds ids;
  if (org.empty()) {
    TERRANE_RETURN_IF_ERROR(CheckAccount(conn, account));
    return ids;
  }
  TERRANE_ASSIGN_OR_RETURN(ids.org_id, ResolveOrg(conn, account, org));
  if (!project.empty()) {
    TERRANE_ASSIGN_OR_RETURN(ids.project_id, ResolveProject(conn, account, org, project));
  }
  return ids;
}

// The WHERE clause that walks secrets_by_scope; binds ?1 account, ?2 org id, ?3 project id.
constexpr std::string_view kInScope =
    "account_id = ?1 AND IFNULL(org_id, 0) = ?2 AND IFNULL(project_id, 0) = ?3";
// Metadata columns; SecretFromRow depends on this order.
constexpr std::string_view kColumns =
    "identifier, name, description, tags_json, type, value_type, created, updated";

absl::StatusOr<model::Secret> SecretFromRow(const Statement& row, std::string_view account,
                                            std::string_view org, std::string_view project) {
  model::Secret s;
  s.key = model::SecretKey{.account = std::string(account),
                           .org = std::string(org),
                           .project = std::string(project),
                           .identifier = row.Text(0)};
  s.name = row.Text(1);
  s.description = row.Text(2);
  TERRANE_ASSIGN_OR_RETURN(s.tags, TagsFromJson(row.Text(3)));
  s.type = row.Text(4);
  s.value_type = row.Text(5);
  s.created = row.Int(6);
  s.updated = row.Int(7);
  return s;
}

absl::Status NotFound(const model::SecretKey& key) {
  return absl::NotFoundError(
      Cat("secret '", key.identifier, "' not found in ", model::DescribeSecretScope(key)));
}

struct Found {
  int64_t row_id = 0;
  StoredSecret stored;
};

// The row of `key` in the already resolved scope `ids`, nullopt when there is none; the
// ciphertext is read only when `with_ciphertext`.
absl::StatusOr<std::optional<Found>> FindIn(Connection& conn, const model::SecretKey& key,
                                            const ScopeIds& ids, bool with_ciphertext) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn,
                         Cat("SELECT ", kColumns, ", id", with_ciphertext ? ", ciphertext" : "",
                             " FROM secrets WHERE ", kInScope, " AND identifier = ?4")));
  stmt.Bind(1, key.account).Bind(2, ids.org_id).Bind(3, ids.project_id).Bind(4, key.identifier);
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Found>();
  Found found;
  TERRANE_ASSIGN_OR_RETURN(found.stored.secret,
                           SecretFromRow(stmt, key.account, key.org, key.project));
  found.row_id = stmt.Int(8);
  if (with_ciphertext) found.stored.ciphertext = stmt.Blob(9);
  return std::optional<Found>(std::move(found));
}

// The secret of `key`; NotFound for a missing scope level or secret.
absl::StatusOr<Found> Find(Connection& conn, const model::SecretKey& key, bool with_ciphertext) {
  TERRANE_ASSIGN_OR_RETURN(ScopeIds ids, ResolveScope(conn, key.account, key.org, key.project));
  TERRANE_ASSIGN_OR_RETURN(std::optional<Found> found, FindIn(conn, key, ids, with_ciphertext));
  if (!found.has_value()) return NotFound(key);
  return *std::move(found);
}

}  // namespace

absl::Status CreateSecret(Connection& conn, const model::Secret& secret,
                          std::string_view ciphertext) {
  const model::SecretKey& key = secret.key;
  TERRANE_ASSIGN_OR_RETURN(std::string key_id, CheckSealedWithSealingKey(conn, ciphertext));
  TERRANE_ASSIGN_OR_RETURN(ScopeIds ids, ResolveScope(conn, key.account, key.org, key.project));
  TERRANE_ASSIGN_OR_RETURN(std::optional<Found> existing,
                           FindIn(conn, key, ids, /*with_ciphertext=*/false));
  if (existing.has_value()) {
    return absl::AlreadyExistsError(
        Cat("secret '", key.identifier, "' already exists in ", model::DescribeSecretScope(key)));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO secrets(account_id, org_id, project_id, identifier, name, description,
                          tags_json, type, value_type, ciphertext, created, updated, key_id)
      VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql"));
  return stmt.Bind(1, key.account)
      .Bind(2, ids.org_id)
      .Bind(3, ids.project_id)
      .Bind(4, key.identifier)
      .Bind(5, secret.name)
      .Bind(6, secret.description)
      .Bind(7, TagsToJson(secret.tags))
      .Bind(8, secret.type)
      .Bind(9, secret.value_type)
      .BindBlobNoCopy(10, ciphertext)
      .Bind(11, secret.created)
      .Bind(12, secret.updated)
      .Bind(13, key_id)
      .Run();
}

absl::StatusOr<StoredSecret> GetSecret(Connection& conn, const model::SecretKey& key) {
  TERRANE_ASSIGN_OR_RETURN(Found found, Find(conn, key, /*with_ciphertext=*/true));
  return std::move(found.stored);
}

absl::StatusOr<std::vector<model::Secret>> ListSecrets(Connection& conn, std::string_view account,
                                                       std::string_view org,
                                                       std::string_view project) {
  TERRANE_ASSIGN_OR_RETURN(ScopeIds ids, ResolveScope(conn, account, org, project));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, Cat("SELECT ", kColumns, " FROM secrets WHERE ",
                                                        kInScope, " ORDER BY identifier")));
  stmt.Bind(1, account).Bind(2, ids.org_id).Bind(3, ids.project_id);
  std::vector<model::Secret> out;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    TERRANE_ASSIGN_OR_RETURN(model::Secret s, SecretFromRow(stmt, account, org, project));
    out.push_back(std::move(s));
  }
}

absl::StatusOr<model::Secret> UpdateSecret(Connection& conn, const model::Secret& secret,
                                           std::optional<std::string_view> ciphertext) {
  TERRANE_ASSIGN_OR_RETURN(Found found, Find(conn, secret.key, /*with_ciphertext=*/false));
  std::string key_id;
  if (ciphertext.has_value()) {
    TERRANE_ASSIGN_OR_RETURN(key_id, CheckSealedWithSealingKey(conn, *ciphertext));
  }
  // ?7 NULL keeps the stored ciphertext and its key id.
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      UPDATE secrets SET name = ?1, description = ?2, tags_json = ?3, type = ?4,
                         value_type = ?5, updated = ?6, ciphertext = IFNULL(?7, ciphertext),
                         key_id = IIF(?7 IS NULL, key_id, ?9)
      WHERE id = ?8)sql"));
  stmt.Bind(1, secret.name)
      .Bind(2, secret.description)
      .Bind(3, TagsToJson(secret.tags))
      .Bind(4, secret.type)
      .Bind(5, secret.value_type)
      .Bind(6, secret.updated)
      .Bind(8, found.row_id)
      .Bind(9, key_id);
  if (ciphertext.has_value()) {
    stmt.BindBlobNoCopy(7, *ciphertext);
  } else {
    stmt.BindNull(7);
  }
  TERRANE_RETURN_IF_ERROR(stmt.Run());
  model::Secret out = secret;
  out.created = found.stored.secret.created;
  return out;
}

absl::StatusOr<model::Secret> DeleteSecret(Connection& conn, const model::SecretKey& key) {
  TERRANE_ASSIGN_OR_RETURN(Found found, Find(conn, key, /*with_ciphertext=*/false));
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "DELETE FROM secrets WHERE id = ?"));
  TERRANE_RETURN_IF_ERROR(stmt.Bind(1, found.row_id).Run());
  return std::move(found.stored.secret);
}

}  // namespace terrane::storage::sqlite::internal
