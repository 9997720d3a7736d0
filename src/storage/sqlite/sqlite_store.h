// SqliteStore: the default storage::Store, one SQLite database file in WAL mode.
//
// Every method is one SQLite transaction (writes use BEGIN IMMEDIATE, so check-then-write is
// serialised across threads and processes). Commits are durable before a method returns
// (synchronous=FULL). Readers run concurrently on pooled connections; writers queue on the
// database lock for up to `busy_timeout_ms`, then fail with Unavailable. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/store.h"

namespace terrane::storage {

namespace sqlite::internal {
class ChangeWatch;
class Checkpointer;
class ConnectionPool;
}  // namespace sqlite::internal

struct SqliteOptions {
  // Connections opened at most, one per concurrent caller; more callers wait for one.
  int max_connections = 8;
  // How long a writer waits for another writer before failing with Unavailable.
  int busy_timeout_ms = 10'000;
};

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and migrates its schema to the latest version.
  // FailedPrecondition when the file was written by a newer Terrane or cannot use WAL;
  // Internal/Unavailable when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                           SqliteOptions options = {});
  ~SqliteStore() override;

  // Store: change detection
  absl::StatusOr<uint64_t> ChangeCounter() override;

  // Store: accounts and API keys
  absl::Status CreateAccount(std::string_view account, int64_t now) override;
  absl::StatusOr<bool> AccountExists(std::string_view account) override;
  absl::Status CreateApiKey(const model::ApiKey& key) override;
  absl::StatusOr<model::ApiKey> GetApiKey(std::string_view id) override;
  absl::StatusOr<std::vector<model::ApiKey>> ListApiKeys(std::string_view account,
                                                         std::string_view principal) override;
  absl::StatusOr<model::ApiKey> RevokeApiKey(std::string_view account, std::string_view id,
                                             int64_t now) override;
  absl::StatusOr<KeyAccess> GetKeyAccess(std::string_view id) override;

  // Store: principals, custom roles and role bindings
  absl::Status CreatePrincipal(const model::Principal& principal) override;
  absl::StatusOr<model::Principal> GetPrincipal(std::string_view account,
                                                std::string_view identifier) override;
  absl::StatusOr<std::vector<model::Principal>> ListPrincipals(std::string_view account) override;
  absl::StatusOr<model::Principal> DeletePrincipal(std::string_view account,
                                                   std::string_view identifier) override;
  absl::Status CreateRole(const model::Role& role) override;
  absl::StatusOr<model::Role> GetRole(std::string_view account,
                                      std::string_view identifier) override;
  absl::StatusOr<std::vector<model::Role>> ListRoles(std::string_view account) override;
  absl::StatusOr<model::Role> DeleteRole(std::string_view account,
                                         std::string_view identifier) override;
  absl::Status CreateRoleBinding(const model::RoleBinding& binding) override;
  absl::StatusOr<std::vector<model::RoleBinding>> ListRoleBindings(
      std::string_view account, std::string_view principal) override;
  absl::StatusOr<model::RoleBinding> DeleteRoleBinding(std::string_view account,
                                                       std::string_view id) override;

  // Store: organizations and projects
  absl::Status CreateOrg(const model::Org& org) override;
  absl::StatusOr<model::Org> GetOrg(std::string_view account, std::string_view org) override;
  absl::StatusOr<std::vector<model::Org>> ListOrgs(std::string_view account) override;
  absl::Status DeleteOrg(std::string_view account, std::string_view org) override;
  absl::Status CreateProject(const model::Project& project) override;
  absl::StatusOr<model::Project> GetProject(std::string_view account, std::string_view org,
                                            std::string_view project) override;
  absl::StatusOr<std::vector<model::Project>> ListProjects(std::string_view account,
                                                           std::string_view org) override;
  absl::Status DeleteProject(std::string_view account, std::string_view org,
                             std::string_view project) override;

  // Store: workspaces
  absl::Status CreateWorkspace(const model::WorkspaceKey& key, const model::WorkspaceSpec& spec,
                               int64_t now) override;
  absl::StatusOr<model::Workspace> GetWorkspace(const model::WorkspaceKey& key) override;
  absl::StatusOr<model::WorkspacePage> ListWorkspaces(const model::WorkspaceQuery& q) override;
  using Store::UpdateWorkspace;
  absl::Status UpdateWorkspace(const model::WorkspaceKey& key, const model::WorkspaceSpec& spec,
                               int64_t now, const UpdateCheck& check) override;
  absl::StatusOr<DeleteCounts> DeleteWorkspace(const model::WorkspaceKey& key) override;

  // Store: locks
  absl::StatusOr<model::Lock> AcquireLock(const model::WorkspaceKey& key,
                                          const model::Lock& lock) override;
  absl::StatusOr<std::optional<model::Lock>> ReleaseLock(
      const model::WorkspaceKey& key, const std::optional<std::string>& lock_id) override;

  // Store: secrets
  absl::Status CreateSecret(const model::Secret& secret, std::string_view ciphertext) override;
  absl::StatusOr<StoredSecret> GetSecret(const model::SecretKey& key) override;
  absl::StatusOr<std::vector<model::Secret>> ListSecrets(std::string_view account,
                                                         std::string_view org,
                                                         std::string_view project) override;
  absl::StatusOr<model::Secret> UpdateSecret(const model::Secret& secret,
                                             std::optional<std::string_view> ciphertext) override;
  absl::StatusOr<model::Secret> DeleteSecret(const model::SecretKey& key) override;

  // Store: master key rotation
  absl::StatusOr<std::string> GetSealingKeyId() override;
  absl::StatusOr<std::string> InitSealingKeyId(std::string_view key_id) override;
  absl::Status SetSealingKeyId(std::string_view key_id) override;
  absl::StatusOr<std::vector<StoredSecret>> ListSecretsSealedWithOtherKey(std::string_view key_id,
                                                                          int limit) override;
  absl::StatusOr<int> ReplaceSecretCiphertexts(const std::vector<CiphertextSwap>& swaps) override;

  // Store: state
  absl::StatusOr<StateWriteResult> PutState(const model::WorkspaceKey& key,
                                            const StateWrite& write) override;
  absl::StatusOr<std::optional<CurrentState>> GetCurrentState(
      const model::WorkspaceKey& key) override;
  absl::StatusOr<std::vector<model::StateVersion>> ListStateVersions(const model::WorkspaceKey& key,
                                                                     int limit, int page,
                                                                     int64_t* total) override;
  absl::StatusOr<CurrentState> GetStateVersion(const model::WorkspaceKey& key,
                                               std::string_view version_id) override;
  absl::StatusOr<model::StateVersion> RollbackState(const model::WorkspaceKey& key,
                                                    std::string_view version_id,
                                                    std::string_view created_by,
                                                    int64_t now) override;

  absl::Status SetWorkspaceStatus(const model::WorkspaceKey& key, model::WorkspaceStatus status,
                                  int64_t now) override;

  // Store: runs
  absl::Status CreateRun(const model::Run& run) override;
  absl::StatusOr<model::Run> GetRun(const model::WorkspaceKey& key,
                                    std::string_view run_id) override;
  absl::StatusOr<std::vector<model::Run>> ListRuns(const model::WorkspaceKey& key, int limit,
                                                   int page, int64_t* total) override;
  absl::StatusOr<std::optional<model::Run>> ClaimNextRun(int64_t now) override;
  absl::Status SaveRun(const model::Run& run) override;
  absl::Status FinishRun(const RunOutcome& outcome) override;
  absl::StatusOr<std::vector<model::Run>> FailInFlightRuns(std::string_view reason,
                                                           int64_t now) override;
  absl::StatusOr<std::vector<model::Run>> ListRunsInStatus(model::RunStatus status,
                                                           int limit) override;
  absl::Status AppendRunLog(std::string_view run_id, std::string_view bytes) override;
  absl::StatusOr<std::string> ReadRunLog(std::string_view run_id, int64_t offset,
                                         int64_t max_bytes) override;
  absl::Status PutRunArtifact(std::string_view run_id, std::string_view kind,
                              std::string_view bytes) override;
  absl::StatusOr<std::string> GetRunArtifact(std::string_view run_id,
                                             std::string_view kind) override;

  // Store: audit trail
  absl::StatusOr<int64_t> AppendAuditRecord(const model::AuditRecord& record) override;
  absl::StatusOr<std::vector<model::AuditRecord>> ListAuditRecords(const model::AuditQuery& q,
                                                                   int64_t* total) override;
  absl::StatusOr<int64_t> PruneAuditRecords(int64_t before) override;

 private:
  SqliteStore(std::unique_ptr<sqlite::internal::Checkpointer> checkpointer,
              std::unique_ptr<sqlite::internal::ConnectionPool> pool,
              std::unique_ptr<sqlite::internal::ChangeWatch> watch);

  // Declared first: destroyed after the pool, whose connections call into it.
  std::unique_ptr<sqlite::internal::Checkpointer> checkpointer_;
  std::unique_ptr<sqlite::internal::ConnectionPool> pool_;
  std::unique_ptr<sqlite::internal::ChangeWatch> watch_;
};

}  // namespace terrane::storage
