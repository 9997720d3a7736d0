#include "storage/sqlite/internal/schema.h"

#include <cstdint>
#include <iterator>

#include "common/status_macros.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// Migration i takes user_version i to i + 1. Never edit a released entry; append a new one.
// Timestamps are unix milliseconds. Every table below a workspace cascades from it, so deleting
// a workspace is one DELETE (audit_log, which must outlive it, is tied to nothing).
constexpr const char* kMigrations[] = {
    // 1: accounts, keys, orgs, projects, workspaces, variables, locks, state history.
    R"sql(
CREATE TABLE accounts (
  id      TEXT PRIMARY KEY,
  created INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  created       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_keys_by_account ON api_keys(account_id);

CREATE TABLE orgs (
  id          INTEGER PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  identifier  TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  tags_json   TEXT NOT NULL,
  created     INTEGER NOT NULL,
  updated     INTEGER NOT NULL,
  UNIQUE (account_id, identifier)
);

-- No cascade from orgs: an org with projects cannot be deleted (the store refuses first).
-- workspace_count is kept by triggers below; it answers an unfiltered list's total without
-- counting 100k index entries.
CREATE TABLE projects (
  id              INTEGER PRIMARY KEY,
  org_id          INTEGER NOT NULL REFERENCES orgs(id),
  identifier      TEXT NOT NULL,
  name            TEXT NOT NULL,
  description     TEXT NOT NULL,
  tags_json       TEXT NOT NULL,
  created         INTEGER NOT NULL,
  updated         INTEGER NOT NULL,
  workspace_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (org_id, identifier)
);

-- current_version_id has no foreign key: state_versions already cascades from workspaces, and
-- a cycle would make the workspace delete order-dependent. The store keeps it consistent.
CREATE TABLE workspaces (
  id                 INTEGER PRIMARY KEY,
  project_id         INTEGER NOT NULL REFERENCES projects(id),
  identifier         TEXT NOT NULL,
  name               TEXT NOT NULL,
  name_lower         TEXT NOT NULL,
  description        TEXT NOT NULL,
  provisioner        TEXT NOT NULL,
  status             TEXT NOT NULL,
  settings_json      TEXT NOT NULL,
  created            INTEGER NOT NULL,
  updated            INTEGER NOT NULL,
  current_version_id TEXT,
  UNIQUE (project_id, identifier)
);
-- The two list orders: ORDER BY + OFFSET/LIMIT walk one of these instead of sorting. Kept
-- narrow on purpose: a deep page steps over up to 50k entries, and adding status/name_lower
-- (to serve filters from the index) made that walk ~35% slower while filters gained little.
CREATE INDEX workspaces_by_name ON workspaces(project_id, name, identifier);
CREATE INDEX workspaces_by_updated ON workspaces(project_id, updated, identifier);
-- A workspace never moves to another project, so inserts and deletes keep the count exact.
CREATE TRIGGER workspaces_count_insert AFTER INSERT ON workspaces BEGIN
  UPDATE projects SET workspace_count = workspace_count + 1 WHERE id = NEW.project_id;
END;
CREATE TRIGGER workspaces_count_delete AFTER DELETE ON workspaces BEGIN
  UPDATE projects SET workspace_count = workspace_count - 1 WHERE id = OLD.project_id;
END;

CREATE TABLE workspace_tags (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (workspace_id, key)
) WITHOUT ROWID;
-- Tag filters select the matching workspace ids once through this index.
CREATE INDEX workspace_tags_by_value ON workspace_tags(key, value, workspace_id);

CREATE TABLE variables (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('terraform', 'environment')),
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  value_type   TEXT NOT NULL,
  created      INTEGER NOT NULL,
  updated      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, kind, key)
) WITHOUT ROWID;

-- One lock slot per workspace: the primary key makes acquisition create-if-absent.
CREATE TABLE locks (
  workspace_id   INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  lock_id        TEXT NOT NULL,
  origin         TEXT NOT NULL,
  info_json      TEXT NOT NULL,
  operation      TEXT NOT NULL,
  reason         TEXT NOT NULL,
  principal_id   TEXT NOT NULL,
  principal_type TEXT NOT NULL,
  display_name   TEXT NOT NULL,
  created        INTEGER NOT NULL
);

-- The implicit rowid orders versions created in the same millisecond.
CREATE TABLE state_versions (
  id                 TEXT PRIMARY KEY,
  workspace_id       INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  serial             INTEGER NOT NULL,
  lineage            TEXT NOT NULL,
  sha256             TEXT NOT NULL,
  size               INTEGER NOT NULL,
  managed_resources  INTEGER NOT NULL,
  created            INTEGER NOT NULL,
  created_by         TEXT NOT NULL,
  rollback_source_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX state_versions_by_serial ON state_versions(workspace_id, serial);
CREATE INDEX state_versions_by_created ON state_versions(workspace_id, created);

-- Bodies live apart from their metadata so listing versions never reads body pages. A rowid
-- table, because incremental blob I/O addresses cells by rowid.
CREATE TABLE state_blobs (
  version_id TEXT PRIMARY KEY REFERENCES state_versions(id) ON DELETE CASCADE,
  body       BLOB NOT NULL
);
)sql",
    // 2: secrets at account, org and project scope.
    R"sql(
-- org_id is NULL at account scope, project_id NULL at account and org scope. Deleting an org or
-- project deletes its secrets (Harness deletes a scope's entities with it). The unique index maps
-- NULL to 0 (never a row id) because SQLite treats NULLs as distinct in UNIQUE constraints; reads
-- use the same IFNULL expressions so they walk this index. ciphertext is
-- version || nonce || AES-256-GCM ciphertext || tag, bound to (account, org, project,
-- identifier); the plaintext is never stored.
CREATE TABLE secrets (
  id          INTEGER PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  org_id      INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
  project_id  INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  identifier  TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  tags_json   TEXT NOT NULL,
  type        TEXT NOT NULL,
  value_type  TEXT NOT NULL,
  ciphertext  BLOB NOT NULL,
  created     INTEGER NOT NULL,
  updated     INTEGER NOT NULL,
  CHECK (project_id IS NULL OR org_id IS NOT NULL)
);
CREATE UNIQUE INDEX secrets_by_scope
  ON secrets(account_id, IFNULL(org_id, 0), IFNULL(project_id, 0), identifier);
-- The cascades from orgs and projects look secrets up by these.
CREATE INDEX secrets_by_org ON secrets(org_id);
CREATE INDEX secrets_by_project ON secrets(project_id);
)sql",
    // 3: runs (pipelines), their logs and artifacts; all cascade from the workspace.
    R"sql(
-- seq orders runs (queue order and "newest first"); id is what clients see. Steps, targets and
-- replace are JSON arrays: read and written whole, never queried.
CREATE TABLE runs (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  workspace_id      INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  operation         TEXT NOT NULL,
  status            TEXT NOT NULL,
  approval_required INTEGER NOT NULL,
  approved          INTEGER NOT NULL DEFAULT 0,
  targets_json      TEXT NOT NULL,
  replace_json      TEXT NOT NULL,
  steps_json        TEXT NOT NULL,
  add_count         INTEGER NOT NULL DEFAULT 0,
  change_count      INTEGER NOT NULL DEFAULT 0,
  destroy_count     INTEGER NOT NULL DEFAULT 0,
  has_changes       INTEGER NOT NULL DEFAULT 0,
  commit_sha        TEXT NOT NULL DEFAULT '',
  message           TEXT NOT NULL DEFAULT '',
  created_by        TEXT NOT NULL,
  decided_by        TEXT NOT NULL DEFAULT '',
  status_before     TEXT NOT NULL DEFAULT '',
  checksum_before   TEXT NOT NULL DEFAULT '',
  created           INTEGER NOT NULL,
  started           INTEGER NOT NULL DEFAULT 0,
  finished          INTEGER NOT NULL DEFAULT 0,
  log_size          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_workspace ON runs(workspace_id, seq);
-- The queue: only unfinished runs, so claiming never scans history.
CREATE INDEX runs_unfinished ON runs(status, seq)
  WHERE status IN ('queued', 'running', 'waiting_approval');

-- A run's output in appended chunks; offset is the byte position of the chunk's first byte.
CREATE TABLE run_logs (
  run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
  offset  INTEGER NOT NULL,
  bytes   BLOB NOT NULL,
  PRIMARY KEY (run_seq, offset)
) WITHOUT ROWID;

CREATE TABLE run_artifacts (
  run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
  kind    TEXT NOT NULL,
  bytes   BLOB NOT NULL,
  PRIMARY KEY (run_seq, kind)
);
)sql",
    // 4: the audit trail.
    R"sql(
-- Deliberately without foreign keys: records outlive the workspaces, projects, orgs, keys and
-- runs they name (deleting a workspace stays one DELETE and leaves its history here). seq is
-- the record id and the "newest first" order. Holds no state body, secret value or key.
CREATE TABLE audit_log (
  seq          INTEGER PRIMARY KEY,
  time         INTEGER NOT NULL,
  account      TEXT NOT NULL,
  actor_id     TEXT NOT NULL,
  actor        TEXT NOT NULL,
  remote       TEXT NOT NULL,
  action       TEXT NOT NULL,
  method       TEXT NOT NULL,
  path         TEXT NOT NULL,
  org          TEXT NOT NULL,
  project      TEXT NOT NULL,
  workspace    TEXT NOT NULL,
  run          TEXT NOT NULL,
  http_status  INTEGER NOT NULL,
  outcome      TEXT NOT NULL,
  message      TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  details_json TEXT NOT NULL
);
-- Listing walks one of these newest first; the other filters are checked on the rows walked.
-- Few on purpose: every change pays for each index on its audit insert.
CREATE INDEX audit_by_account ON audit_log(account, seq);
CREATE INDEX audit_by_workspace ON audit_log(account, workspace, seq);
CREATE INDEX audit_by_action ON audit_log(account, action, seq);
-- Pruning by age.
CREATE INDEX audit_by_time ON audit_log(time);
)sql",
    // 5: principals, custom roles and role bindings; API keys get an owner, expiry, revocation.
    R"sql(
CREATE TABLE principals (
  id         INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  identifier TEXT NOT NULL,
  name       TEXT NOT NULL,
  type       TEXT NOT NULL CHECK (type IN ('user', 'service_account')),
  created    INTEGER NOT NULL,
  UNIQUE (account_id, identifier)
);

-- Custom roles only: the built-in ones (viewer, operator, admin) are code, not rows.
-- permissions_json is an array of permission names, read and written whole.
CREATE TABLE roles (
  id               INTEGER PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  identifier       TEXT NOT NULL,
  name             TEXT NOT NULL,
  description      TEXT NOT NULL,
  permissions_json TEXT NOT NULL,
  created          INTEGER NOT NULL,
  updated          INTEGER NOT NULL,
  UNIQUE (account_id, identifier)
);

-- The scope is the account when org_id is NULL, the org when only project_id is NULL. Bindings
-- cascade from their org or project, so a scope deleted and created again under the same name
-- grants nothing it did not grant before. `role` names a built-in or custom role; the store
-- refuses to delete a custom role that is still bound.
CREATE TABLE role_bindings (
  id           TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  principal_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  role         TEXT NOT NULL,
  org_id       INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
  project_id   INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  created      INTEGER NOT NULL,
  CHECK (project_id IS NULL OR org_id IS NOT NULL)
);
CREATE UNIQUE INDEX role_bindings_unique
  ON role_bindings(principal_id, role, IFNULL(org_id, 0), IFNULL(project_id, 0));
CREATE INDEX role_bindings_by_role ON role_bindings(account_id, role);
CREATE INDEX role_bindings_by_org ON role_bindings(org_id);
CREATE INDEX role_bindings_by_project ON role_bindings(project_id);

ALTER TABLE api_keys ADD COLUMN principal_id INTEGER REFERENCES principals(id) ON DELETE CASCADE;
ALTER TABLE api_keys ADD COLUMN expires INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
CREATE INDEX api_keys_by_principal ON api_keys(principal_id);

-- Every key made before roles existed could do everything in its account: each becomes a
-- service account of its own, key_<key id>, holding the admin role at account scope.
INSERT INTO principals(account_id, identifier, name, type, created)
  SELECT account_id, 'key_' || id, name, 'service_account', created FROM api_keys;
UPDATE api_keys SET principal_id = (
  SELECT p.id FROM principals p
  WHERE p.account_id = api_keys.account_id AND p.identifier = 'key_' || api_keys.id);
INSERT INTO role_bindings(id, account_id, principal_id, role, created)
  SELECT 'key_' || id, account_id, principal_id, 'admin', created FROM api_keys;
)sql",
    // 6: master key rotation. key_id is the MasterKey::Id() a secret's ciphertext names ("" for
    // values sealed before key ids existed); secret_sealing holds the one id new values must be
    // sealed with, so a write sealed with a rotated-out key is refused inside its transaction.
    R"sql(
ALTER TABLE secrets ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
CREATE INDEX secrets_by_key_id ON secrets(key_id);
CREATE TABLE secret_sealing (
  only   INTEGER PRIMARY KEY CHECK (only = 1),
  key_id TEXT NOT NULL
);
)sql",
};

constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

absl::StatusOr<int> UserVersion(Connection& conn) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, "PRAGMA user_version"));
  TERRANE_ASSIGN_OR_RETURN(int64_t version, stmt.QueryInt());
  return static_cast<int>(version);
}

absl::Status ApplyMissing(Connection& conn) {
  TERRANE_ASSIGN_OR_RETURN(int version, UserVersion(conn));
  if (version > kLatestVersion) {
    return absl::FailedPreconditionError(Cat("database schema version ", version,
                                             " is newer than this Terrane supports (",
                                             kLatestVersion, "); upgrade Terrane"));
  }
  for (int v = version; v < kLatestVersion; ++v) {
    TERRANE_RETURN_IF_ERROR(conn.Exec(kMigrations[v]));
    TERRANE_RETURN_IF_ERROR(conn.Exec(Cat("PRAGMA user_version=", v + 1).c_str()));
  }
  return absl::OkStatus();
}

}  // namespace

int LatestSchemaVersion() { return kLatestVersion; }

absl::Status Migrate(Connection& conn) {
  // user_version is read inside the write transaction, so two processes opening the same new
  // file cannot both apply migration 1.
  TERRANE_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  absl::Status status = ApplyMissing(conn);
  if (status.ok()) status = conn.Exec("COMMIT");
  if (!status.ok()) conn.RollbackIfOpen();
  return status;
}

}  // namespace terrane::storage::sqlite::internal
