#include "storage/sqlite/sqlite_store.h"

#include <optional>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/checkpointer.h"
#include "storage/sqlite/internal/connection.h"
#include "storage/sqlite/internal/connection_pool.h"
#include "storage/sqlite/internal/locks.h"
#include "storage/sqlite/internal/schema.h"
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
  auto pool = std::make_unique<internal::ConnectionPool>(
      path, options.busy_timeout_ms, options.max_connections, std::move(first), checkpointer.get());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(checkpointer), std::move(pool)));
}

SqliteStore::SqliteStore(std::unique_ptr<internal::Checkpointer> checkpointer,
                         std::unique_ptr<internal::ConnectionPool> pool)
    : checkpointer_(std::move(checkpointer)), pool_(std::move(pool)) {}

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
                                          const model::WorkspaceSpec& spec, int64_t now) {
  return internal::RunTransaction(*pool_, TxnMode::kWrite, [&](Connection& c) {
    return internal::UpdateWorkspace(c, key, spec, now);
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

}  // namespace terrane::storage
