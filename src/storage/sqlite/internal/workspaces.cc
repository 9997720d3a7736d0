#include "storage/sqlite/internal/workspaces.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "storage/sqlite/internal/columns.h"
#include "storage/sqlite/internal/locks.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/runs.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

constexpr std::string_view kTerraformKind = "terraform";
constexpr std::string_view kEnvironmentKind = "environment";

absl::Status WriteTags(Connection& conn, int64_t workspace_id,
                       const std::map<std::string, std::string>& tags) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement clear,
      Statement::Prepare(conn, "DELETE FROM workspace_tags WHERE workspace_id = ?"));
  TERRANE_RETURN_IF_ERROR(clear.Bind(1, workspace_id).Run());
  for (const auto& [key, value] : tags) {
    TERRANE_ASSIGN_OR_RETURN(
        Statement insert, Statement::Prepare(conn,
                                             "INSERT INTO workspace_tags(workspace_id, key, value) "
                                             "VALUES (?, ?, ?)"));
    TERRANE_RETURN_IF_ERROR(insert.Bind(1, workspace_id).Bind(2, key).Bind(3, value).Run());
  }
  return absl::OkStatus();
}

// Deletes the variables of `kind` whose key is not in `keep`.
absl::Status DeleteDroppedVariables(Connection& conn, int64_t workspace_id, std::string_view kind,
                                    const model::VariableMap& keep) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement keys,
      Statement::Prepare(conn, "SELECT key FROM variables WHERE workspace_id = ? AND kind = ?"));
  keys.Bind(1, workspace_id).Bind(2, kind);
  std::vector<std::string> dropped;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, keys.Step());
    if (!row) break;
    std::string key = keys.Text(0);
    if (!keep.contains(key)) dropped.push_back(std::move(key));
  }
  for (const std::string& key : dropped) {
    TERRANE_ASSIGN_OR_RETURN(Statement del, Statement::Prepare(conn, R"sql(
        DELETE FROM variables WHERE workspace_id = ? AND kind = ? AND key = ?)sql"));
    TERRANE_RETURN_IF_ERROR(del.Bind(1, workspace_id).Bind(2, kind).Bind(3, key).Run());
  }
  return absl::OkStatus();
}

// Makes the stored variables of `kind` equal `vars`. A surviving key keeps `created`, and keeps
// `updated` too when neither its value nor its type changed; new keys get `now` for both.
absl::Status WriteVariables(Connection& conn, int64_t workspace_id, std::string_view kind,
                            const model::VariableMap& vars, int64_t now) {
  TERRANE_RETURN_IF_ERROR(DeleteDroppedVariables(conn, workspace_id, kind, vars));
  for (const auto& [key, var] : vars) {
    // In an upsert's SET, every expression reads the old row, so the CASE sees old values.
    TERRANE_ASSIGN_OR_RETURN(Statement upsert, Statement::Prepare(conn, R"sql(
        INSERT INTO variables(workspace_id, kind, key, value, value_type, created, updated)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
        ON CONFLICT (workspace_id, kind, key) DO UPDATE SET
          updated = CASE WHEN value = excluded.value AND value_type = excluded.value_type
                         THEN updated ELSE excluded.updated END,
          value = excluded.value,
          value_type = excluded.value_type)sql"));
    TERRANE_RETURN_IF_ERROR(upsert.Bind(1, workspace_id)
                                .Bind(2, kind)
                                .Bind(3, key)
                                .Bind(4, var.value)
                                .Bind(5, var.value_type)
                                .Bind(6, now)
                                .Run());
  }
  return absl::OkStatus();
}

absl::Status WriteChildren(Connection& conn, int64_t workspace_id, const model::WorkspaceSpec& spec,
                           int64_t now) {
  TERRANE_RETURN_IF_ERROR(WriteTags(conn, workspace_id, spec.tags));
  TERRANE_RETURN_IF_ERROR(
      WriteVariables(conn, workspace_id, kTerraformKind, spec.terraform_variables, now));
  return WriteVariables(conn, workspace_id, kEnvironmentKind, spec.environment_variables, now);
}

// The workspace row itself plus the checksum of its current state.
absl::Status ReadWorkspaceRow(Connection& conn, int64_t workspace_id, model::Workspace& ws) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      SELECT w.name, w.description, w.provisioner, w.status, w.settings_json, w.created,
             w.updated, COALESCE(v.sha256, '')
      FROM workspaces w LEFT JOIN state_versions v ON v.id = w.current_version_id
      WHERE w.id = ?)sql"));
  TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Bind(1, workspace_id).Step());
  if (!row) return absl::InternalError("workspace row vanished inside its transaction");
  ws.spec.name = stmt.Text(0);
  ws.spec.description = stmt.Text(1);
  ws.spec.provisioner = stmt.Text(2);
  TERRANE_ASSIGN_OR_RETURN(ws.status, StatusFromColumn(stmt.Text(3)));
  TERRANE_ASSIGN_OR_RETURN(ws.spec.settings, ObjectFromJson(stmt.Text(4)));
  ws.created = stmt.Int(5);
  ws.updated = stmt.Int(6);
  ws.state_checksum = stmt.Text(7);
  return absl::OkStatus();
}

// Rows of FindWorkspace's statement, told apart by its first column.
enum FoundRow : int64_t { kWorkspaceRow = 0, kTagRow = 1, kVariableRow = 2 };

// Fills the fields of `ws` held on the workspace row: FindWorkspace's columns 1-17.
absl::Status ReadFoundWorkspace(const Statement& stmt, model::Workspace& ws) {
  ws.spec.name = stmt.Text(1);
  ws.spec.description = stmt.Text(2);
  ws.spec.provisioner = stmt.Text(3);
  TERRANE_ASSIGN_OR_RETURN(ws.status, StatusFromColumn(stmt.Text(4)));
  TERRANE_ASSIGN_OR_RETURN(ws.spec.settings, ObjectFromJson(stmt.Text(5)));
  ws.created = stmt.Int(6);
  ws.updated = stmt.Int(7);
  ws.state_checksum = stmt.Text(8);
  TERRANE_ASSIGN_OR_RETURN(ws.lock, LockFromRow(stmt, 9));
  return absl::OkStatus();
}

void ReadFoundVariable(const Statement& stmt, model::WorkspaceSpec& spec) {
  model::Variable var{.key = stmt.Text(2),
                      .value = stmt.Text(3),
                      .value_type = stmt.Text(4),
                      .created = stmt.Int(6),
                      .updated = stmt.Int(7)};
  model::VariableMap& map =
      stmt.Text(1) == kTerraformKind ? spec.terraform_variables : spec.environment_variables;
  std::string key = var.key;
  map.emplace(std::move(key), std::move(var));
}

absl::StatusOr<int64_t> CountRows(Connection& conn, std::string_view table, int64_t workspace_id) {
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, Cat("SELECT COUNT(*) FROM ", table, " WHERE workspace_id = ?")));
  return stmt.Bind(1, workspace_id).QueryInt();
}

}  // namespace

absl::Status CreateWorkspace(Connection& conn, const model::WorkspaceKey& key,
                             const model::WorkspaceSpec& spec, int64_t now) {
  TERRANE_ASSIGN_OR_RETURN(int64_t project_id,
                           ResolveProject(conn, key.account, key.org, key.project));
  TERRANE_ASSIGN_OR_RETURN(
      Statement exists,
      Statement::Prepare(conn, "SELECT 1 FROM workspaces WHERE project_id = ? AND identifier = ?"));
  TERRANE_ASSIGN_OR_RETURN(bool duplicate,
                           exists.Bind(1, project_id).Bind(2, key.identifier).Step());
  if (duplicate) {
    return absl::AlreadyExistsError(
        Cat("workspace '", key.identifier, "' already exists in project '", key.project, "'"));
  }
  TERRANE_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(conn, R"sql(
      INSERT INTO workspaces(project_id, identifier, name, name_lower, description, provisioner,
                             status, settings_json, created, updated)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql"));
  TERRANE_RETURN_IF_ERROR(insert.Bind(1, project_id)
                              .Bind(2, key.identifier)
                              .Bind(3, spec.name)
                              .Bind(4, absl::AsciiStrToLower(spec.name))
                              .Bind(5, spec.description)
                              .Bind(6, spec.provisioner)
                              .Bind(7, model::ToString(model::WorkspaceStatus::kInactive))
                              .Bind(8, ObjectToJson(spec.settings))
                              .Bind(9, now)
                              .Bind(10, now)
                              .Run());
  return WriteChildren(conn, sqlite3_last_insert_rowid(conn.handle()), spec, now);
}

absl::StatusOr<std::optional<model::Workspace>> FindWorkspace(Connection& conn,
                                                              const model::WorkspaceKey& key) {
  // One row for the workspace itself (with its current state's checksum and its lock), then
  // one per tag and per variable. Each arm resolves the path through the unique indexes (three
  // index seeks): materialising the CTE once instead cost more, since SQLite builds and tears
  // down a temporary b-tree for it on every call. Unused columns are NULL.
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      WITH ws(id) AS NOT MATERIALIZED (
        SELECT w.id FROM orgs o
        JOIN projects p ON p.org_id = o.id AND p.identifier = ?3
        JOIN workspaces w ON w.project_id = p.id AND w.identifier = ?4
        WHERE o.account_id = ?1 AND o.identifier = ?2)
      SELECT 0, w.name, w.description, w.provisioner, w.status, w.settings_json, w.created,
             w.updated, COALESCE(v.sha256, ''), l.lock_id, l.origin, l.info_json, l.operation,
             l.reason, l.principal_id, l.principal_type, l.display_name, l.created
      FROM ws JOIN workspaces w ON w.id = ws.id
      LEFT JOIN state_versions v ON v.id = w.current_version_id
      LEFT JOIN locks l ON l.workspace_id = w.id
      UNION ALL
      SELECT 1, t.key, t.value, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL
      FROM ws JOIN workspace_tags t ON t.workspace_id = ws.id
      UNION ALL
      SELECT 2, x.kind, x.key, x.value, x.value_type, NULL, x.created, x.updated, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM ws JOIN variables x ON x.workspace_id = ws.id)sql"));
  stmt.Bind(1, key.account).Bind(2, key.org).Bind(3, key.project).Bind(4, key.identifier);
  model::Workspace ws;
  bool found = false;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    // The arms' rows are not relied upon to come in order.
    switch (stmt.Int(0)) {
      case kWorkspaceRow:
        found = true;
        TERRANE_RETURN_IF_ERROR(ReadFoundWorkspace(stmt, ws));
        break;
      case kTagRow:
        ws.spec.tags.emplace(stmt.Text(1), stmt.Text(2));
        break;
      default:
        ReadFoundVariable(stmt, ws.spec);
        break;
    }
  }
  if (!found) return std::optional<model::Workspace>();
  ws.key = key;
  return std::optional<model::Workspace>(std::move(ws));
}

absl::StatusOr<model::Workspace> GetWorkspace(Connection& conn, const model::WorkspaceKey& key) {
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Workspace> ws, FindWorkspace(conn, key));
  if (ws) return *std::move(ws);
  // Names the first missing level of the path.
  TERRANE_RETURN_IF_ERROR(ResolveWorkspace(conn, key).status());
  return absl::InternalError(
      Cat("workspace '", key.identifier, "' resolved but was not read in the same transaction"));
}

absl::Status UpdateWorkspace(Connection& conn, const model::WorkspaceKey& key,
                             const model::WorkspaceSpec& spec, int64_t now,
                             const UpdateCheck& check) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Workspace> before, FindWorkspace(conn, key));
  TERRANE_CHECK(before.has_value());
  if (check) TERRANE_RETURN_IF_ERROR(check(before->spec));
  model::WorkspaceStatus status = before->status;
  bool applied = status == model::WorkspaceStatus::kActive ||
                 status == model::WorkspaceStatus::kDrifted;
  if (applied && model::ChangesRunInputs(before->spec, spec)) {
    status = model::WorkspaceStatus::kApplyNeeded;
  }
  TERRANE_ASSIGN_OR_RETURN(Statement update, Statement::Prepare(conn, R"sql(
      UPDATE workspaces SET name = ?, name_lower = ?, description = ?, provisioner = ?,
                            settings_json = ?, updated = ?, status = ?
      WHERE id = ?)sql"));
  TERRANE_RETURN_IF_ERROR(update.Bind(1, spec.name)
                              .Bind(2, absl::AsciiStrToLower(spec.name))
                              .Bind(3, spec.description)
                              .Bind(4, spec.provisioner)
                              .Bind(5, ObjectToJson(spec.settings))
                              .Bind(6, now)
                              .Bind(7, model::ToString(status))
                              .Bind(8, workspace_id)
                              .Run());
  return WriteChildren(conn, workspace_id, spec, now);
}

absl::StatusOr<DeleteCounts> DeleteWorkspace(Connection& conn, const model::WorkspaceKey& key) {
  TERRANE_ASSIGN_OR_RETURN(int64_t workspace_id, ResolveWorkspace(conn, key));
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Run> run, UnfinishedRunOf(conn, workspace_id));
  if (run.has_value()) {
    return absl::FailedPreconditionError(
        Cat("workspace '", key.identifier, "' has run ", run->id, " (",
            model::ToString(run->operation), ", ", model::ToString(run->status),
            "): wait for it to finish or cancel it (POST .../runs/", run->id,
            "/cancel), then delete the workspace"));
  }
  model::Workspace ws;
  TERRANE_RETURN_IF_ERROR(ReadWorkspaceRow(conn, workspace_id, ws));
  if (ws.status != model::WorkspaceStatus::kInactive) {
    return absl::FailedPreconditionError(Cat(
        "workspace '", key.identifier, "' is ", model::ToString(ws.status),
        ": run a destroy pipeline first (terraform destroy) so it becomes inactive, then delete "
        "it. Deleting never destroys real infrastructure."));
  }
  TERRANE_ASSIGN_OR_RETURN(std::optional<model::Lock> lock, LoadLock(conn, workspace_id));
  if (lock) {
    return model::LockedError(
        *lock, Cat("workspace '", key.identifier, "' is locked (", DescribeLock(*lock),
                   "): unlock it or wait for the operation to "
                   "finish"));
  }
  DeleteCounts counts;
  TERRANE_ASSIGN_OR_RETURN(counts.state_versions, CountRows(conn, "state_versions", workspace_id));
  TERRANE_ASSIGN_OR_RETURN(counts.variables, CountRows(conn, "variables", workspace_id));
  TERRANE_ASSIGN_OR_RETURN(counts.runs, CountRows(conn, "runs", workspace_id));
  // Tags, variables, the lock, versions and their bodies, runs with their logs and artifacts go
  // with it (ON DELETE CASCADE).
  TERRANE_ASSIGN_OR_RETURN(Statement del,
                           Statement::Prepare(conn, "DELETE FROM workspaces WHERE id = ?"));
  TERRANE_RETURN_IF_ERROR(del.Bind(1, workspace_id).Run());
  return counts;
}

}  // namespace terrane::storage::sqlite::internal
