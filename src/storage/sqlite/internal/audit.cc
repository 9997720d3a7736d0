#include "storage/sqlite/internal/audit.h"

#include <string>
#include <utility>

#include "common/status_macros.h"
#include "storage/sqlite/internal/columns.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

// RecordFromRow depends on this order.
constexpr std::string_view kColumns =
    "seq, time, account, actor_id, actor, remote, action, method, path, org, project, "
    "workspace, run, http_status, outcome, message, request_id, details_json";

absl::StatusOr<model::AuditRecord> RecordFromRow(const Statement& row) {
  model::AuditRecord r;
  r.id = row.Int(0);
  r.time = row.Int(1);
  r.account = row.Text(2);
  r.actor_id = row.Text(3);
  r.actor = row.Text(4);
  r.remote = row.Text(5);
  r.action = row.Text(6);
  r.method = row.Text(7);
  r.path = row.Text(8);
  r.org = row.Text(9);
  r.project = row.Text(10);
  r.workspace = row.Text(11);
  r.run = row.Text(12);
  r.http_status = static_cast<int>(row.Int(13));
  std::optional<model::AuditOutcome> outcome = model::ParseAuditOutcome(row.Text(14));
  if (!outcome.has_value()) return absl::InternalError("stored audit outcome is not known");
  r.outcome = *outcome;
  r.message = row.Text(15);
  r.request_id = row.Text(16);
  TERRANE_ASSIGN_OR_RETURN(r.details, ObjectFromJson(row.Text(17)));
  return r;
}

// A bound value of a filter: text, or a number when `is_number`. (Not a std::variant: g++ 12
// reports a false "may be used uninitialized" in its copy at -O2.)
struct Param {
  bool is_number = false;
  std::string text;
  int64_t number = 0;
};

// The WHERE clause of a query and its parameters, numbered ?1, ?2, ... in order.
struct Filter {
  std::string where;
  std::vector<Param> params;

  // The number of a new parameter.
  int Text(std::string value) {
    params.push_back(Param{.text = std::move(value)});
    return static_cast<int>(params.size());
  }
  int Number(int64_t value) {
    params.push_back(Param{.is_number = true, .number = value});
    return static_cast<int>(params.size());
  }
  void And(std::string_view clause) { where += Cat(where.empty() ? "WHERE " : " AND ", clause); }
};

Filter FilterFor(const model::AuditQuery& q) {
  Filter f;
  f.And(Cat("account = ?", f.Text(q.account)));
  if (!q.actor.empty()) {
    int n = f.Text(q.actor);
    f.And(Cat("(actor = ?", n, " OR actor_id = ?", n, ")"));
  }
  if (!q.action.empty()) f.And(Cat("action = ?", f.Text(q.action)));
  if (!q.org.empty()) f.And(Cat("org = ?", f.Text(q.org)));
  if (!q.project.empty()) f.And(Cat("project = ?", f.Text(q.project)));
  if (!q.workspace.empty()) f.And(Cat("workspace = ?", f.Text(q.workspace)));
  if (q.outcome.has_value()) {
    f.And(Cat("outcome = ?", f.Text(std::string(model::ToString(*q.outcome)))));
  }
  if (q.from.has_value()) f.And(Cat("time >= ?", f.Number(*q.from)));
  if (q.to.has_value()) f.And(Cat("time <= ?", f.Number(*q.to)));
  return f;
}

// Binds the filter's parameters; returns the next free index.
int BindFilter(Statement& stmt, const Filter& f) {
  int i = 1;
  for (const Param& param : f.params) {
    if (param.is_number) {
      stmt.Bind(i++, param.number);
    } else {
      stmt.Bind(i++, param.text);
    }
  }
  return i;
}

}  // namespace

absl::StatusOr<int64_t> AppendAuditRecord(Connection& conn, const model::AuditRecord& r) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(conn, R"sql(
      INSERT INTO audit_log(time, account, actor_id, actor, remote, action, method, path, org,
                            project, workspace, run, http_status, outcome, message, request_id,
                            details_json)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql"));
  TERRANE_RETURN_IF_ERROR(stmt.Bind(1, r.time)
                              .Bind(2, r.account)
                              .Bind(3, r.actor_id)
                              .Bind(4, r.actor)
                              .Bind(5, r.remote)
                              .Bind(6, r.action)
                              .Bind(7, r.method)
                              .Bind(8, r.path)
                              .Bind(9, r.org)
                              .Bind(10, r.project)
                              .Bind(11, r.workspace)
                              .Bind(12, r.run)
                              .Bind(13, int64_t{r.http_status})
                              .Bind(14, model::ToString(r.outcome))
                              .Bind(15, model::TruncateAuditMessage(r.message))
                              .Bind(16, r.request_id)
                              .Bind(17, ObjectToJson(r.details))
                              .Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(conn.handle()));
}

absl::StatusOr<std::vector<model::AuditRecord>> ListAuditRecords(Connection& conn,
                                                                 const model::AuditQuery& q,
                                                                 int64_t* total) {
  Filter f = FilterFor(q);
  TERRANE_ASSIGN_OR_RETURN(
      Statement count, Statement::Prepare(conn, Cat("SELECT COUNT(*) FROM audit_log ", f.where)));
  BindFilter(count, f);
  TERRANE_ASSIGN_OR_RETURN(*total, count.QueryInt());
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt, Statement::Prepare(conn, Cat("SELECT ", kColumns, " FROM audit_log ", f.where,
                                                   " ORDER BY seq DESC LIMIT ? OFFSET ?")));
  int i = BindFilter(stmt, f);
  stmt.Bind(i, int64_t{q.limit}).Bind(i + 1, int64_t{q.limit} * (q.page - 1));
  std::vector<model::AuditRecord> out;
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    TERRANE_ASSIGN_OR_RETURN(model::AuditRecord r, RecordFromRow(stmt));
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<int64_t> PruneAuditRecords(Connection& conn, int64_t before) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, "DELETE FROM audit_log WHERE time < ?"));
  TERRANE_RETURN_IF_ERROR(stmt.Bind(1, before).Run());
  return static_cast<int64_t>(sqlite3_changes(conn.handle()));
}

}  // namespace terrane::storage::sqlite::internal
