#include "storage/sqlite/internal/workspace_list.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/status_macros.h"
#include "storage/sqlite/internal/columns.h"
#include "storage/sqlite/internal/resolve.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage::sqlite::internal {
namespace {

constexpr int kMaxLimit = 1000;

using Arg = std::variant<int64_t, std::string>;

// A WHERE clause over `workspaces w` and its arguments, in placeholder order.
struct Filter {
  std::string where;
  std::vector<Arg> args;
  bool filtered = false;  // anything beyond the project
};

// Which rows of the sort order to read. OFFSET costs one index step per skipped row, so a
// page in the back half is read backwards from the end and reversed: at most total/2 steps.
struct Window {
  int64_t offset = 0;
  int64_t limit = 0;
  bool from_end = false;
};

// `%term%` for LIKE, with the term lowered like name_lower and its LIKE metacharacters escaped,
// so a term like "50%_off" matches only itself.
std::string ContainsPattern(std::string_view term) {
  std::string pattern = "%";
  for (char c : absl::AsciiStrToLower(AsAbsl(term))) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

Filter BuildFilter(int64_t project_id, const model::WorkspaceQuery& q) {
  Filter f{.where = "w.project_id = ?", .args = {project_id}, .filtered = false};
  if (!q.search_term.empty()) {
    f.where += " AND w.name_lower LIKE ? ESCAPE '\\'";
    f.args.emplace_back(ContainsPattern(q.search_term));
  }
  if (!q.statuses.empty()) {
    f.where += " AND w.status IN (";
    for (size_t i = 0; i < q.statuses.size(); ++i) {
      f.where += i == 0 ? "?" : ", ?";
      f.args.emplace_back(std::string(model::ToString(q.statuses[i])));
    }
    f.where += ")";
  }
  // IN (uncorrelated) rather than a correlated EXISTS: SQLite collects the matching ids once
  // from workspace_tags_by_value instead of probing the tag table for every workspace.
  for (const auto& [key, value] : q.tags) {
    f.where += " AND w.id IN (SELECT t.workspace_id FROM workspace_tags t WHERE t.key = ?";
    f.args.emplace_back(key);
    if (value) {
      f.where += " AND t.value = ?";
      f.args.emplace_back(*value);
    }
    f.where += ")";
  }
  f.filtered = !q.search_term.empty() || !q.statuses.empty() || !q.tags.empty();
  return f;
}

// The window of page `q.page`; `total` > its offset.
Window PageWindow(const model::WorkspaceQuery& q, int64_t total) {
  int64_t offset = int64_t{q.page - 1} * q.limit;
  int64_t count = std::min<int64_t>(q.limit, total - offset);
  int64_t offset_from_end = total - offset - count;
  if (offset_from_end < offset)
    return {.offset = offset_from_end, .limit = count, .from_end = true};
  return {.offset = offset, .limit = count, .from_end = false};
}

// Binds `args` from placeholder 1; returns the next free placeholder.
int BindArgs(Statement& stmt, const std::vector<Arg>& args) {
  int index = 1;
  for (const Arg& arg : args) {
    std::visit([&](const auto& value) { stmt.Bind(index, value); }, arg);
    ++index;
  }
  return index;
}

// The page's ids come from a walk of the sort index alone, and only those rows are read from
// the table. OFFSET steps over every skipped entry either way, but an unfiltered walk then
// touches only index pages and never positions a table cursor for a skipped row (measured: 40%
// fewer instructions for a middle page of 100k workspaces). The outer query orders the 30 rows
// again by the same (sort column, identifier) key, so the page order is the walk's order.
// INDEXED BY pins the inner plan: the planner has no statistics and could otherwise pick the
// (project_id, identifier) index and sort the whole project for every page; NOT INDEXED keeps
// the outer query on rowid lookups of the selected ids.
std::string PageSql(const model::WorkspaceQuery& q, const Filter& f, bool from_end) {
  bool by_name = q.sort == model::WorkspaceSortField::kName;
  std::string_view index = by_name ? "workspaces_by_name" : "workspaces_by_updated";
  std::string_view column = by_name ? "w.name" : "w.updated";
  std::string_view dir = q.descending != from_end ? " DESC" : " ASC";
  std::string order = Cat(" ORDER BY ", column, dir, ", w.identifier", dir);
  return Cat(
      "SELECT w.identifier, w.name, w.description, w.status, w.created, w.updated"
      " FROM workspaces w NOT INDEXED WHERE w.id IN (SELECT w.id FROM workspaces w INDEXED BY ",
      index, " WHERE ", f.where, order, " LIMIT ? OFFSET ?)", order);
}

absl::StatusOr<int64_t> CountMatches(Connection& conn, int64_t project_id, const Filter& f) {
  if (!f.filtered) {
    TERRANE_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(conn, "SELECT workspace_count FROM projects WHERE id = ?"));
    return stmt.Bind(1, project_id).QueryInt();
  }
  TERRANE_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(conn, Cat("SELECT COUNT(*) FROM workspaces w WHERE ", f.where)));
  BindArgs(stmt, f.args);
  return stmt.QueryInt();
}

absl::Status ReadPage(Connection& conn, const model::WorkspaceQuery& q, const Filter& f,
                      Window window, std::vector<model::WorkspaceSummary>& items) {
  TERRANE_ASSIGN_OR_RETURN(Statement stmt,
                           Statement::Prepare(conn, PageSql(q, f, window.from_end)));
  int next = BindArgs(stmt, f.args);
  stmt.Bind(next, window.limit).Bind(next + 1, window.offset);
  while (true) {
    TERRANE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      if (window.from_end) std::reverse(items.begin(), items.end());
      return absl::OkStatus();
    }
    model::WorkspaceSummary item;
    item.key = {
        .account = q.account, .org = q.org, .project = q.project, .identifier = stmt.Text(0)};
    item.name = stmt.Text(1);
    item.description = stmt.Text(2);
    TERRANE_ASSIGN_OR_RETURN(item.status, StatusFromColumn(stmt.Text(3)));
    item.created = stmt.Int(4);
    item.updated = stmt.Int(5);
    items.push_back(std::move(item));
  }
}

}  // namespace

absl::StatusOr<model::WorkspacePage> ListWorkspaces(Connection& conn,
                                                    const model::WorkspaceQuery& q) {
  if (q.limit < 1 || q.limit > kMaxLimit) {
    return absl::InvalidArgumentError(
        Cat("limit must be between 1 and ", kMaxLimit, ", got ", q.limit));
  }
  if (q.page < 1) {
    return absl::InvalidArgumentError(Cat("page must be 1 or more, got ", q.page));
  }
  TERRANE_ASSIGN_OR_RETURN(int64_t project_id, ResolveProject(conn, q.account, q.org, q.project));
  Filter filter = BuildFilter(project_id, q);
  model::WorkspacePage page;
  TERRANE_ASSIGN_OR_RETURN(page.total, CountMatches(conn, project_id, filter));
  if (int64_t{q.page - 1} * q.limit < page.total) {
    TERRANE_RETURN_IF_ERROR(ReadPage(conn, q, filter, PageWindow(q, page.total), page.items));
  }
  return page;
}

}  // namespace terrane::storage::sqlite::internal
