// storage::Store: everything Terrane persists, behind one domain-level interface with a SQLite
// implementation (default, embedded) and, later, a PostgreSQL one. Every method is one
// transaction: it either fully happens or changes nothing. All methods are thread-safe.
//
// Error conventions, shared by every implementation (the HTTP layer maps them):
//   NotFound            the addressed account/org/project/workspace/version does not exist
//   AlreadyExists       a create hit an existing identifier
//   FailedPrecondition  the operation is refused in the current state (409)
//   Aborted             a lock is held by someone else (423); lock conflicts carry the holder's
//                       LockInfo payload (model::LockedError)
//   Internal/Unavailable  database failure
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/access.h"
#include "model/audit.h"
#include "model/lock.h"
#include "model/run.h"
#include "model/secret.h"
#include "model/state.h"
#include "model/tenancy.h"
#include "model/workspace.h"

namespace terrane::storage {

// A state write as the store receives it: the body is borrowed, never copied by the caller.
struct StateWrite {
  std::string_view body;
  model::StateMeta meta;
  std::string sha256;
  // The `ID` query parameter of the write; nullopt when the client sent none.
  std::optional<std::string> lock_id;
  std::string created_by;
  int64_t now = 0;
};

struct StateWriteResult {
  model::StateVersion version;  // the new version, or the current one when bytes were identical
  bool created = false;         // false: identical bytes re-sent, nothing stored
};

// The current state of a workspace, body included.
struct CurrentState {
  model::StateVersion version;
  std::string body;
};

// A secret as stored: its metadata and the sealed value (common/crypto.h Seal). The store never
// sees plaintext.
struct StoredSecret {
  model::Secret secret;
  std::string ciphertext;
};

// An API key with everything needed to decide what it may do: its principal's role bindings and
// the custom roles they name (built-in roles are model::BuiltinRoles), read in one transaction.
struct KeyAccess {
  model::ApiKey key;
  std::vector<model::RoleBinding> bindings;
  std::vector<model::Role> custom_roles;
};

// One re-encrypted value for ReplaceSecretCiphertexts.
struct CiphertextSwap {
  model::SecretKey key;
  std::string expected;    // the ciphertext read before re-encrypting
  std::string ciphertext;  // the same value sealed with the sealing key
};

struct DeleteCounts {
  int64_t state_versions = 0;
  int64_t variables = 0;
  int64_t runs = 0;
};

// A check of a workspace update against the spec it replaces (Store::UpdateWorkspace).
using UpdateCheck = std::function<absl::Status(const model::WorkspaceSpec& before)>;

// How a run ends: the run as last saved, and what becomes of its workspace.
struct RunOutcome {
  model::Run run;  // status must be final
  // The workspace's new status; nullopt leaves it as it is.
  std::optional<model::WorkspaceStatus> workspace_status;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- change detection ----
  // A number that changes whenever anything stored may have changed: after any commit, by this
  // process or by another one sharing the database. Equal values from two calls mean nothing was
  // committed in between, so an answer computed after the first call is still current (the GET
  // workspace cache relies on this). Cheap: no transaction of the caller's, no table read.
  virtual absl::StatusOr<uint64_t> ChangeCounter() = 0;

  // ---- accounts and API keys ----
  // AlreadyExists when the account exists.
  virtual absl::Status CreateAccount(std::string_view account, int64_t now) = 0;
  virtual absl::StatusOr<bool> AccountExists(std::string_view account) = 0;
  // NotFound when key.account or key.principal (in that account) does not exist;
  // AlreadyExists on a duplicate id.
  virtual absl::Status CreateApiKey(const model::ApiKey& key) = 0;
  // NotFound when no key has this id.
  virtual absl::StatusOr<model::ApiKey> GetApiKey(std::string_view id) = 0;
  // The keys of `account` (of one principal when `principal` is not ""), revoked and expired
  // ones included, ordered by creation. NotFound when the account does not exist.
  virtual absl::StatusOr<std::vector<model::ApiKey>> ListApiKeys(std::string_view account,
                                                                 std::string_view principal) = 0;
  // Marks key `id` of `account` revoked at `now` (a second revocation keeps the first time) and
  // returns it. NotFound when `account` has no such key.
  virtual absl::StatusOr<model::ApiKey> RevokeApiKey(std::string_view account, std::string_view id,
                                                     int64_t now) = 0;
  // NotFound when no key has this id.
  virtual absl::StatusOr<KeyAccess> GetKeyAccess(std::string_view id) = 0;

  // ---- principals, custom roles and role bindings (all within one account) ----
  // NotFound when the account is unknown; AlreadyExists on a duplicate identifier.
  virtual absl::Status CreatePrincipal(const model::Principal& principal) = 0;
  virtual absl::StatusOr<model::Principal> GetPrincipal(std::string_view account,
                                                        std::string_view identifier) = 0;
  // Ordered by identifier.
  virtual absl::StatusOr<std::vector<model::Principal>> ListPrincipals(
      std::string_view account) = 0;
  // Deletes the principal with its API keys and role bindings; returns it. FailedPrecondition,
  // changing nothing, when that removes the account's last admin binding at account scope
  // (likewise DeleteRoleBinding).
  virtual absl::StatusOr<model::Principal> DeletePrincipal(std::string_view account,
                                                           std::string_view identifier) = 0;

  // Stores a custom role. AlreadyExists on a duplicate identifier (built-in ones included).
  virtual absl::Status CreateRole(const model::Role& role) = 0;
  // Custom roles only; NotFound otherwise.
  virtual absl::StatusOr<model::Role> GetRole(std::string_view account,
                                              std::string_view identifier) = 0;
  // Custom roles, ordered by identifier.
  virtual absl::StatusOr<std::vector<model::Role>> ListRoles(std::string_view account) = 0;
  // FailedPrecondition while a binding names the role; NotFound for an unknown one.
  virtual absl::StatusOr<model::Role> DeleteRole(std::string_view account,
                                                 std::string_view identifier) = 0;

  // Stores `binding` (id chosen by the caller). NotFound names the missing principal, role
  // (neither built in nor custom), org or project; AlreadyExists when the principal already
  // holds that role at that scope.
  virtual absl::Status CreateRoleBinding(const model::RoleBinding& binding) = 0;
  // The bindings of `account` (of one principal when `principal` is not ""), by creation.
  virtual absl::StatusOr<std::vector<model::RoleBinding>> ListRoleBindings(
      std::string_view account, std::string_view principal) = 0;
  virtual absl::StatusOr<model::RoleBinding> DeleteRoleBinding(std::string_view account,
                                                               std::string_view id) = 0;

  // ---- organizations and projects ----
  // NotFound when the account is unknown; AlreadyExists on a duplicate identifier.
  virtual absl::Status CreateOrg(const model::Org& org) = 0;
  virtual absl::StatusOr<model::Org> GetOrg(std::string_view account, std::string_view org) = 0;
  // Ordered by identifier.
  virtual absl::StatusOr<std::vector<model::Org>> ListOrgs(std::string_view account) = 0;
  // FailedPrecondition while the org holds projects. The org's own secrets are deleted with it,
  // as Harness deletes a scope's entities with the scope.
  virtual absl::Status DeleteOrg(std::string_view account, std::string_view org) = 0;

  // NotFound when the org is unknown; AlreadyExists on a duplicate identifier.
  virtual absl::Status CreateProject(const model::Project& project) = 0;
  virtual absl::StatusOr<model::Project> GetProject(std::string_view account, std::string_view org,
                                                    std::string_view project) = 0;
  virtual absl::StatusOr<std::vector<model::Project>> ListProjects(std::string_view account,
                                                                   std::string_view org) = 0;
  // FailedPrecondition while the project holds workspaces. The project's secrets are deleted
  // with it (no workspace can still refer to them: the project has none left).
  virtual absl::Status DeleteProject(std::string_view account, std::string_view org,
                                     std::string_view project) = 0;

  // ---- workspaces ----
  // Creates with status inactive, no state, no lock; variable timestamps set to `now`.
  // NotFound when the project is unknown; AlreadyExists on a duplicate identifier.
  virtual absl::Status CreateWorkspace(const model::WorkspaceKey& key,
                                       const model::WorkspaceSpec& spec, int64_t now) = 0;
  // The full workspace: spec, variables, status, state checksum and lock.
  virtual absl::StatusOr<model::Workspace> GetWorkspace(const model::WorkspaceKey& key) = 0;
  // NotFound when the project is unknown.
  virtual absl::StatusOr<model::WorkspacePage> ListWorkspaces(const model::WorkspaceQuery& q) = 0;
  // Replaces the whole spec (PUT semantics). Variables keep `created` when their key survives.
  // `check`, when set, runs inside the same transaction on the spec as stored before the
  // update, and its error cancels the update (access checks that depend on what changes, so
  // that a concurrent update cannot slip between check and write).
  virtual absl::Status UpdateWorkspace(const model::WorkspaceKey& key,
                                       const model::WorkspaceSpec& spec, int64_t now,
                                       const UpdateCheck& check) = 0;
  absl::Status UpdateWorkspace(const model::WorkspaceKey& key, const model::WorkspaceSpec& spec,
                               int64_t now) {
    return UpdateWorkspace(key, spec, now, nullptr);
  }
  // Deletes the workspace and everything stored with it (state versions, variables, runs, their
  // logs and artifacts, the lock), atomically, only when no run is queued or in flight (else
  // FailedPrecondition naming the run), its status is inactive (else FailedPrecondition naming
  // the status) and no lock is held (else Aborted).
  virtual absl::StatusOr<DeleteCounts> DeleteWorkspace(const model::WorkspaceKey& key) = 0;

  // ---- locks ----
  // Takes the lock slot. If the slot holds a lock with the same id, succeeds and returns it
  // (terraform retries LOCK). Otherwise Aborted with the holder's LockInfo.
  virtual absl::StatusOr<model::Lock> AcquireLock(const model::WorkspaceKey& key,
                                                  const model::Lock& lock) = 0;
  // Releases the lock. `lock_id` nullopt = force (any holder). A different id while locked →
  // Aborted with the holder's LockInfo. Releasing an unlocked workspace succeeds. The lock of a
  // run that has not ended is released only by the run ending: FailedPrecondition naming the
  // run (unlocking it would let others change the state under a running or approved plan).
  // Returns the released lock, if there was one.
  virtual absl::StatusOr<std::optional<model::Lock>> ReleaseLock(
      const model::WorkspaceKey& key, const std::optional<std::string>& lock_id) = 0;

  // ---- secrets ----
  // A secret lives at account scope (org ""), org scope (project "") or project scope; the
  // identifier is unique within its scope only. NotFound names the first missing level of the
  // scope, or the secret.

  // Stores `secret` (timestamps as given) with its sealed value. NotFound when the scope does
  // not exist; AlreadyExists when the scope holds the identifier.
  virtual absl::Status CreateSecret(const model::Secret& secret, std::string_view ciphertext) = 0;
  virtual absl::StatusOr<StoredSecret> GetSecret(const model::SecretKey& key) = 0;
  // The secrets of exactly this scope (not of the scopes below it), ordered by identifier;
  // metadata only.
  virtual absl::StatusOr<std::vector<model::Secret>> ListSecrets(std::string_view account,
                                                                 std::string_view org,
                                                                 std::string_view project) = 0;
  // Replaces name, description, tags, type, value_type and `updated`; `created` is kept. A
  // nullopt `ciphertext` keeps the stored value. Returns the secret as now stored.
  virtual absl::StatusOr<model::Secret> UpdateSecret(
      const model::Secret& secret, std::optional<std::string_view> ciphertext) = 0;
  // Deletes the secret and returns its metadata. Workspace variables referring to it are not
  // checked: they fail when resolved.
  virtual absl::StatusOr<model::Secret> DeleteSecret(const model::SecretKey& key) = 0;

  // ---- master key rotation ----
  // The sealing key id is the MasterKey::Id() of the key new secret values must be sealed with
  // (common/crypto.h SealedKeyId reads it from a ciphertext). Once set, CreateSecret and
  // UpdateSecret refuse a value sealed with another key: Aborted, so a server still sealing with
  // a rotated-out key learns it inside the transaction and can reload its keys.

  // The sealing key id; "" when none was ever set.
  virtual absl::StatusOr<std::string> GetSealingKeyId() = 0;
  // Sets the sealing key id to `key_id` if none is set; returns the id in force afterwards.
  virtual absl::StatusOr<std::string> InitSealingKeyId(std::string_view key_id) = 0;
  virtual absl::Status SetSealingKeyId(std::string_view key_id) = 0;
  // Up to `limit` secrets (any scope, ciphertext included) whose value is not sealed with
  // `key_id`, in storage order.
  virtual absl::StatusOr<std::vector<StoredSecret>> ListSecretsSealedWithOtherKey(
      std::string_view key_id, int limit) = 0;
  // In one transaction, replaces each swap's ciphertext if the secret still holds `expected`
  // (a concurrent update or delete wins and is skipped). Aborted, replacing nothing, when a new
  // ciphertext is not sealed with the sealing key. Returns how many were replaced.
  virtual absl::StatusOr<int> ReplaceSecretCiphertexts(
      const std::vector<CiphertextSwap>& swaps) = 0;

  // ---- state ----
  // Stores a new state version after checking, in the same transaction: the lock (while locked
  // the write must carry the holder's id, else Aborted; an id while unlocked →
  // FailedPrecondition) and model::CheckStateWrite. Sets the workspace status from the new
  // state (active when it has managed resources, inactive otherwise).
  virtual absl::StatusOr<StateWriteResult> PutState(const model::WorkspaceKey& key,
                                                    const StateWrite& write) = 0;
  // nullopt when the workspace exists but has no state yet.
  virtual absl::StatusOr<std::optional<CurrentState>> GetCurrentState(
      const model::WorkspaceKey& key) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<model::StateVersion>> ListStateVersions(
      const model::WorkspaceKey& key, int limit, int page, int64_t* total) = 0;
  // The version and its body. NotFound when the id is not a version of this workspace.
  virtual absl::StatusOr<CurrentState> GetStateVersion(const model::WorkspaceKey& key,
                                                       std::string_view version_id) = 0;
  // Copies a version forward as the new current version (rollback_source_id set) and sets the
  // status to rollback_applied. Aborted while any lock is held.
  virtual absl::StatusOr<model::StateVersion> RollbackState(const model::WorkspaceKey& key,
                                                            std::string_view version_id,
                                                            std::string_view created_by,
                                                            int64_t now) = 0;

  // Sets the status of a workspace directly (runs, configuration edits).
  virtual absl::Status SetWorkspaceStatus(const model::WorkspaceKey& key,
                                          model::WorkspaceStatus status, int64_t now) = 0;

  // ---- runs ----
  // Queues `run` (id, operation, options, steps, created_by and created filled in by the caller;
  // status queued). NotFound when the workspace is unknown; Aborted (with the holder's LockInfo)
  // while a lock that is not a run's is held: the run could not start.
  virtual absl::Status CreateRun(const model::Run& run) = 0;
  // NotFound when `run_id` is not a run of this workspace.
  virtual absl::StatusOr<model::Run> GetRun(const model::WorkspaceKey& key,
                                            std::string_view run_id) = 0;
  // Newest first. With key.identifier empty: every run of the project (its executions).
  virtual absl::StatusOr<std::vector<model::Run>> ListRuns(const model::WorkspaceKey& key,
                                                           int limit, int page,
                                                           int64_t* total) = 0;
  // Claims the oldest queued run that heads its workspace's queue (no older run of the workspace
  // is queued or in flight) and marks it running. On its first claim the run takes the workspace
  // lock (origin run, id = run id), records the workspace status and state checksum, and sets the
  // status to provisioning/destroying for those operations; if another lock is held the run
  // ends failed instead and is returned so. nullopt when nothing can start.
  virtual absl::StatusOr<std::optional<model::Run>> ClaimNextRun(int64_t now) = 0;
  // Saves the progress of a run: status, steps, changes, commit, message, decided_by, approved,
  // finished. NotFound when the run no longer exists (its workspace was deleted).
  virtual absl::Status SaveRun(const model::Run& run) = 0;
  // Saves a run that has ended, sets its workspace's status and releases the run's lock, in one
  // transaction.
  virtual absl::Status FinishRun(const RunOutcome& outcome) = 0;
  // Ends every run that is in flight (running, waiting for approval, or approved and queued
  // again) as failed with `reason`, releasing their locks and restoring or failing their
  // workspaces' statuses as FinishRun would. For a server start: no run can be in flight then.
  // Returns the runs ended.
  virtual absl::StatusOr<std::vector<model::Run>> FailInFlightRuns(std::string_view reason,
                                                                   int64_t now) = 0;

  // Up to `limit` runs of every account in `status`, oldest first (sweeps such as expiring
  // approvals).
  virtual absl::StatusOr<std::vector<model::Run>> ListRunsInStatus(model::RunStatus status,
                                                                   int limit) = 0;

  // Appends output to a run's log. NotFound when the run is gone.
  virtual absl::Status AppendRunLog(std::string_view run_id, std::string_view bytes) = 0;
  // Up to `max_bytes` of the log from byte `offset`; "" at the end.
  virtual absl::StatusOr<std::string> ReadRunLog(std::string_view run_id, int64_t offset,
                                                 int64_t max_bytes) = 0;
  // Stores (replaces) an artifact of a run: "plan_human", "plan_json".
  virtual absl::Status PutRunArtifact(std::string_view run_id, std::string_view kind,
                                      std::string_view bytes) = 0;
  // NotFound when the run has no such artifact.
  virtual absl::StatusOr<std::string> GetRunArtifact(std::string_view run_id,
                                                     std::string_view kind) = 0;

  // ---- audit trail ----
  // Records are tied to nothing else: they outlive the workspaces, projects, orgs, keys and runs
  // they name. A record never holds a state body, a secret value or a key (callers' duty).

  // Appends `record` (its id ignored) and returns the id given to it; ids increase. One insert,
  // no read. The message is cut to model::kMaxAuditMessageBytes.
  virtual absl::StatusOr<int64_t> AppendAuditRecord(const model::AuditRecord& record) = 0;
  // The records of q.account matching every filter of `q`, newest first, page q.page of
  // q.limit (both >= 1); `*total` receives the number of matches of every page.
  virtual absl::StatusOr<std::vector<model::AuditRecord>> ListAuditRecords(
      const model::AuditQuery& q, int64_t* total) = 0;
  // Deletes the records of every account older than `before` (time < before, unix ms);
  // returns how many went. The retention policy's one operation.
  virtual absl::StatusOr<int64_t> PruneAuditRecords(int64_t before) = 0;
};

}  // namespace terrane::storage
