#include "storage/sqlite/sqlite_store.h"

#include <optional>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/access.h"
#include "storage/sqlite/internal/audit.h"
#include "storage/sqlite/internal/change_watch.h"
#include "storage/sqlite/internal/checkpointer.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/sqlite/internal/connection_pool.h"
#include "storage/sqlite/internal/locks.h"
#include "storage/sqlite/internal/runs.h"
#include "storage/sqlite/internal/schema.h"
#include "storage/sqlite/internal/sealing.h"
#include "storage/sqlite/internal/secrets.h"
#include "storage/sqlite/internal/states.h"
#include "storage/sqlite/internal/strings.h"
#include "storage/sqlite/internal/tenancy.h"
#include "storage/sqlite/internal/transaction.h"
#include "storage/sqlite/internal/workspace_list.h"
#include "storage/sqlite/internal/workspaces.h"

namespace terrane::storage {

namespace internal = sqlite::internal;
using internal::Connection;
using internal::TxnMode;

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                               SqliteOptions options) {
  if (options.max_connections < 1 || options.busy_timeout_ms < 0) {
    return absl::InvalidArgumentError(
        internal::Cat("sqlite: max_connections must be >= 1 and busy_timeout_ms >= 0, got ",
                      options.max_connections, " and ", options.busy_timeout_ms));
  }
  TERRANE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first,
                           Connection::Open(path, options.busy_timeout_ms));
  TERRANE_RETURN_IF_ERROR(internal::Migrate(*first));
  TERRANE_ASSIGN_OR_RETURN(std::unique_ptr<internal::Checkpointer> checkpointer,
                           internal::Checkpointer::Start(path, options.busy_timeout_ms));
  TERRANE_ASSIGN_OR_RETURN(std::unique_ptr<internal::ChangeWatch> watch,
                           internal::ChangeWatch::Open(path, options.busy_timeout_ms));
  auto pool = std::make_unique<internal::ConnectionPool>(
      path, options.busy_timeout_ms, options.max_connections, std::move(first), checkpointer.get());
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(checkpointer), std::move(pool), std::move(watch)));
}

SqliteStore::SqliteStore(std::unique_ptr<internal::Checkpointer> checkpointer,
                         std::unique_ptr<internal::ConnectionPool> pool,
                         std::unique_ptr<internal::ChangeWatch> watch)
    : checkpointer_(std::move(checkpointer)), pool_(std::move(pool)), watch_(std::move(watch)) {}

absl::StatusOr<uint64_t> SqliteStore::ChangeCounter() { return watch_->Current(); }

SqliteStore::~SqliteStore() = default;

// Each method below is one transaction around the matching internal function (GetWorkspace:
// one autocommit statement, which is a transaction too).

absl::Status SqliteStore::CreateAccount(std::string_view account, int64_t now) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::CreateAccount(c, account, now);
  });
}

absl::StatusOr<bool> SqliteStore::AccountExists(std::string_view account) {
  return internal::RunTransaction(
      *pool_, TxnMode::kRead, [&](Connection& c) { return internal::AccountExists(c, account); });
}

absl::Status SqliteStore::CreateApiKey(const model::ApiKey& key) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::CreateApiKey(c, key); });
}

absl::StatusOr<model::ApiKey> SqliteStore::GetApiKey(std::string_view id) {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::GetApiKey(c, id); });
}

// The access-control methods differ only in the internal function and transaction mode.
#define TERRANE_SQLITE_READ(call) \
  internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) { return internal::call; })
#define TERRANE_SQLITE_WRITE(call) \
  internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) { return internal::call; })

absl::StatusOr<std::vector<model::ApiKey>> SqliteStore::ListApiKeys(std::string_view account,
                                                                    std::string_view principal) {
  return TERRANE_SQLITE_READ(ListApiKeys(c, account, principal));
}

absl::StatusOr<model::ApiKey> SqliteStore::RevokeApiKey(std::string_view account,
                                                        std::string_view id, int64_t now) {
  return TERRANE_SQLITE_WRITE(RevokeApiKey(c, account, id, now));
}

absl::StatusOr<KeyAccess> SqliteStore::GetKeyAccess(std::string_view id) {
  return TERRANE_SQLITE_READ(GetKeyAccess(c, id));
}

absl::Status SqliteStore::CreatePrincipal(const model::Principal& principal) {
  return TERRANE_SQLITE_WRITE(CreatePrincipal(c, principal));
}

absl::StatusOr<model::Principal> SqliteStore::GetPrincipal(std::string_view account,
                                                           std::string_view identifier) {
  return TERRANE_SQLITE_READ(GetPrincipal(c, account, identifier));
}

absl::StatusOr<std::vector<model::Principal>> SqliteStore::ListPrincipals(
    std::string_view account) {
  return TERRANE_SQLITE_READ(ListPrincipals(c, account));
}

absl::StatusOr<model::Principal> SqliteStore::DeletePrincipal(std::string_view account,
                                                              std::string_view identifier) {
  return TERRANE_SQLITE_WRITE(DeletePrincipal(c, account, identifier));
}

absl::Status SqliteStore::CreateRole(const model::Role& role) {
  return TERRANE_SQLITE_WRITE(CreateRole(c, role));
}

absl::StatusOr<model::Role> SqliteStore::GetRole(std::string_view account,
                                                 std::string_view identifier) {
  return TERRANE_SQLITE_READ(GetRole(c, account, identifier));
}

absl::StatusOr<std::vector<model::Role>> SqliteStore::ListRoles(std::string_view account) {
  return TERRANE_SQLITE_READ(ListRoles(c, account));
}

absl::StatusOr<model::Role> SqliteStore::DeleteRole(std::string_view account,
                                                    std::string_view identifier) {
  return TERRANE_SQLITE_WRITE(DeleteRole(c, account, identifier));
}

absl::Status SqliteStore::CreateRoleBinding(const model::RoleBinding& binding) {
  return TERRANE_SQLITE_WRITE(CreateRoleBinding(c, binding));
}

absl::StatusOr<std::vector<model::RoleBinding>> SqliteStore::ListRoleBindings(
    std::string_view account, std::string_view principal) {
  return TERRANE_SQLITE_READ(ListRoleBindings(c, account, principal));
}

absl::StatusOr<model::RoleBinding> SqliteStore::DeleteRoleBinding(std::string_view account,
                                                                  std::string_view id) {
  return TERRANE_SQLITE_WRITE(DeleteRoleBinding(c, account, id));
}

#undef TERRANE_SQLITE_READ
#undef TERRANE_SQLITE_WRITE

absl::Status SqliteStore::CreateOrg(const model::Org& org) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::CreateOrg(c, org); });
}

absl::StatusOr<model::Org> SqliteStore::GetOrg(std::string_view account, std::string_view org) {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::GetOrg(c, account, org); });
}

absl::StatusOr<std::vector<model::Org>> SqliteStore::ListOrgs(std::string_view account) {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::ListOrgs(c, account); });
}

absl::Status SqliteStore::DeleteOrg(std::string_view account, std::string_view org) {
  return internal::RunTransaction(
      *pool_, TxnMode::kWrite, [&](Connection& c) { return internal::DeleteOrg(c, account, org); });
}

absl::Status SqliteStore::CreateProject(const model::Project& project) {
  return internal::RunTransaction(
      *pool_, TxnMode::kWrite, [&](Connection& c) { return internal::CreateProject(c, project); });
}

absl::StatusOr<model::Project> SqliteStore::GetProject(std::string_view account,
                                                       std::string_view org,
                                                       std::string_view project) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::GetProject(c, account, org, project);
  });
}

absl::StatusOr<std::vector<model::Project>> SqliteStore::ListProjects(std::string_view account,
                                                                      std::string_view org) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ListProjects(c, account, org);
  });
}

absl::Status SqliteStore::DeleteProject(std::string_view account, std::string_view org,
                                        std::string_view project) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::DeleteProject(c, account, org, project);
  });
}

absl::Status SqliteStore::CreateWorkspace(const model::WorkspaceKey& key,
                                          const model::WorkspaceSpec& spec, int64_t now) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::CreateWorkspace(c, key, spec, now);
  });
}

absl::StatusOr<model::Workspace> SqliteStore::GetWorkspace(const model::WorkspaceKey& key) {
  // The hot read: one statement outside an explicit transaction. Only a miss pays for a
  // transaction, which finds the missing level of the path for the NotFound message.
  TERRANE_ASSIGN_OR_RETURN(
      std::optional<model::Workspace> ws,
      internal::RunSingleStatement(*pool_,
                                   [&](Connection& c) { return internal::FindWorkspace(c, key); }));
  if (ws) return *std::move(ws);
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::GetWorkspace(c, key); });
}

absl::StatusOr<model::WorkspacePage> SqliteStore::ListWorkspaces(const model::WorkspaceQuery& q) {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::ListWorkspaces(c, q); });
}

absl::Status SqliteStore::UpdateWorkspace(const model::WorkspaceKey& key,
                                          const model::WorkspaceSpec& spec, int64_t now,
                                          const UpdateCheck& check) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::UpdateWorkspace(c, key, spec, now, check);
  });
}

absl::StatusOr<DeleteCounts> SqliteStore::DeleteWorkspace(const model::WorkspaceKey& key) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::DeleteWorkspace(c, key); });
}

absl::StatusOr<model::Lock> SqliteStore::AcquireLock(const model::WorkspaceKey& key,
                                                     const model::Lock& lock) {
  return internal::RunTransaction(
      *pool_, TxnMode::kWrite, [&](Connection& c) { return internal::AcquireLock(c, key, lock); });
}

absl::StatusOr<std::optional<model::Lock>> SqliteStore::ReleaseLock(
    const model::WorkspaceKey& key, const std::optional<std::string>& lock_id) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::ReleaseLock(c, key, lock_id);
  });
}

absl::Status SqliteStore::CreateSecret(const model::Secret& secret, std::string_view ciphertext) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::CreateSecret(c, secret, ciphertext);
  });
}

absl::StatusOr<StoredSecret> SqliteStore::GetSecret(const model::SecretKey& key) {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::GetSecret(c, key); });
}

absl::StatusOr<std::vector<model::Secret>> SqliteStore::ListSecrets(std::string_view account,
                                                                    std::string_view org,
                                                                    std::string_view project) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ListSecrets(c, account, org, project);
  });
}

absl::StatusOr<model::Secret> SqliteStore::UpdateSecret(
    const model::Secret& secret, std::optional<std::string_view> ciphertext) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::UpdateSecret(c, secret, ciphertext);
  });
}

absl::StatusOr<model::Secret> SqliteStore::DeleteSecret(const model::SecretKey& key) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::DeleteSecret(c, key); });
}

absl::StatusOr<std::string> SqliteStore::GetSealingKeyId() {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::GetSealingKeyId(c); });
}

absl::StatusOr<std::string> SqliteStore::InitSealingKeyId(std::string_view key_id) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::InitSealingKeyId(c, key_id);
  });
}

absl::Status SqliteStore::SetSealingKeyId(std::string_view key_id) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::SetSealingKeyId(c, key_id);
  });
}

absl::StatusOr<std::vector<StoredSecret>> SqliteStore::ListSecretsSealedWithOtherKey(
    std::string_view key_id, int limit) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ListSecretsSealedWithOtherKey(c, key_id, limit);
  });
}

absl::StatusOr<int> SqliteStore::ReplaceSecretCiphertexts(
    const std::vector<CiphertextSwap>& swaps) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::ReplaceSecretCiphertexts(c, swaps);
  });
}

absl::StatusOr<StateWriteResult> SqliteStore::PutState(const model::WorkspaceKey& key,
                                                       const StateWrite& write) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::PutState(c, key, write); });
}

absl::StatusOr<std::optional<CurrentState>> SqliteStore::GetCurrentState(
    const model::WorkspaceKey& key) {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::GetCurrentState(c, key); });
}

absl::StatusOr<std::vector<model::StateVersion>> SqliteStore::ListStateVersions(
    const model::WorkspaceKey& key, int limit, int page, int64_t* total) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ListStateVersions(c, key, limit, page, total);
  });
}

absl::StatusOr<CurrentState> SqliteStore::GetStateVersion(const model::WorkspaceKey& key,
                                                          std::string_view version_id) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::GetStateVersion(c, key, version_id);
  });
}

absl::StatusOr<model::StateVersion> SqliteStore::RollbackState(const model::WorkspaceKey& key,
                                                               std::string_view version_id,
                                                               std::string_view created_by,
                                                               int64_t now) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::RollbackState(c, key, version_id, created_by, now);
  });
}

absl::Status SqliteStore::SetWorkspaceStatus(const model::WorkspaceKey& key,
                                             model::WorkspaceStatus status, int64_t now) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::SetWorkspaceStatus(c, key, status, now);
  });
}

absl::Status SqliteStore::CreateRun(const model::Run& run) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::CreateRun(c, run); });
}

absl::StatusOr<model::Run> SqliteStore::GetRun(const model::WorkspaceKey& key,
                                               std::string_view run_id) {
  return internal::RunTransaction(*pool_, TxnMode::kRead,
                                  [&](Connection& c) { return internal::GetRun(c, key, run_id); });
}

absl::StatusOr<std::vector<model::Run>> SqliteStore::ListRuns(const model::WorkspaceKey& key,
                                                              int limit, int page,
                                                              int64_t* total) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ListRuns(c, key, limit, page, total);
  });
}

absl::StatusOr<std::optional<model::Run>> SqliteStore::ClaimNextRun(int64_t now) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::ClaimNextRun(c, now); });
}

absl::Status SqliteStore::SaveRun(const model::Run& run) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::SaveRun(c, run); });
}

absl::Status SqliteStore::FinishRun(const RunOutcome& outcome) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite,
                                  [&](Connection& c) { return internal::FinishRun(c, outcome); });
}

absl::StatusOr<std::vector<model::Run>> SqliteStore::FailInFlightRuns(std::string_view reason,
                                                                      int64_t now) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::FailInFlightRuns(c, reason, now);
  });
}

absl::StatusOr<std::vector<model::Run>> SqliteStore::ListRunsInStatus(model::RunStatus status,
                                                                      int limit) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ListRunsInStatus(c, status, limit);
  });
}

absl::Status SqliteStore::AppendRunLog(std::string_view run_id, std::string_view bytes) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::AppendRunLog(c, run_id, bytes);
  });
}

absl::StatusOr<std::string> SqliteStore::ReadRunLog(std::string_view run_id, int64_t offset,
                                                    int64_t max_bytes) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ReadRunLog(c, run_id, offset, max_bytes);
  });
}

absl::Status SqliteStore::PutRunArtifact(std::string_view run_id, std::string_view kind,
                                         std::string_view bytes) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::PutRunArtifact(c, run_id, kind, bytes);
  });
}

absl::StatusOr<std::string> SqliteStore::GetRunArtifact(std::string_view run_id,
                                                        std::string_view kind) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::GetRunArtifact(c, run_id, kind);
  });
}

absl::StatusOr<int64_t> SqliteStore::AppendAuditRecord(const model::AuditRecord& record) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::AppendAuditRecord(c, record);
  });
}

absl::StatusOr<std::vector<model::AuditRecord>> SqliteStore::ListAuditRecords(
    const model::AuditQuery& q, int64_t* total) {
  return internal::RunTransaction(*pool_, TxnMode::kRead, [&](Connection& c) {
    return internal::ListAuditRecords(c, q, total);
  });
}

absl::StatusOr<int64_t> SqliteStore::PruneAuditRecords(int64_t before) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::PruneAuditRecords(c, before);
  });
}

}  // namespace terrane::storage
