// `terrane audit list`: the account's audit trail, newest first, filtered by the server.
#include <cstdlib>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "boost/json/array.hpp"
#include "boost/json/parse.hpp"
#include "cli/internal/command.h"
#include "cli/table.h"
#include "common/clock.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "model/audit.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

// Longest message shown in a table cell; --output json has all of it.
constexpr size_t kMessageCodePoints = 80;

struct AuditFlags {
  std::string workspace;
  std::string action;
  std::string actor;
  std::string outcome;
  std::string since;
  std::string until;
  int limit = 50;
  int page = 1;
};

// The query string of `f`; --since/--until become unix ms, --workspace names one of the
// settings' project.
absl::StatusOr<std::string> AuditQuery(Context& ctx, const AuditFlags& f) {
  std::string q = Cat("?limit=", f.limit, "&page=", f.page);
  auto add = [&](std::string_view name, std::string_view value) {
    if (!value.empty()) q += Cat("&", name, "=", QueryEscape(value));
  };
  if (!f.workspace.empty()) {
    add("org", ctx.api.settings().org);
    add("project", ctx.api.settings().project);
    add("workspace", f.workspace);
  }
  add("action", f.action);
  add("actor", f.actor);
  add("outcome", f.outcome);
  SystemClock clock;
  int64_t now = clock.NowMillis();
  if (!f.since.empty()) {
    TERRANE_ASSIGN_OR_RETURN(int64_t from, model::ParseAuditTime(f.since, now, "--since"));
    q += Cat("&from=", from);
  }
  if (!f.until.empty()) {
    TERRANE_ASSIGN_OR_RETURN(int64_t to, model::ParseAuditTime(f.until, now, "--until"));
    q += Cat("&to=", to);
  }
  return q;
}

// At most kMessageCodePoints code points of `text`, with "..." when cut.
std::string Shorten(const std::string& text) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points++ == kMessageCodePoints) return text.substr(0, i) + "...";
  }
  return text;
}

// org/project/workspace (as far as given), then the run.
std::string Target(const json::value& r) {
  std::string out;
  for (const char* field : {"org", "project", "workspace"}) {
    std::string part = Str(r, field);
    if (part.empty()) break;
    out += (out.empty() ? "" : "/") + part;
  }
  if (std::string run = Str(r, "run"); !run.empty()) out += (out.empty() ? "" : " ") + run;
  return out.empty() ? "-" : out;
}

absl::StatusOr<int> List(Context& ctx, const AuditFlags& f) {
  TERRANE_ASSIGN_OR_RETURN(std::string query, AuditQuery(ctx, f));
  TERRANE_ASSIGN_OR_RETURN(HttpResponse resp, ctx.api.Call("GET", "/v1/audit" + query));
  boost::system::error_code ec;
  json::value records = json::parse(resp.body, ec);
  if (ec || !records.is_array()) return absl::InternalError("the audit list is not a JSON array");
  if (ctx.json) {
    ctx.PrintJson(records);
    return kExitOk;
  }
  Table table({"time", "actor", "from", "action", "target", "result", "message"});
  for (const json::value& r : Arr(records)) {
    std::string actor = Str(r, "actor");
    table.AddRow({FormatTime(Int(r, "time")), actor.empty() ? "(no valid key)" : actor,
                  Str(r, "remote"), Str(r, "action"), Target(r),
                  Cat(Int(r, "status"), " ", Str(r, "outcome")), Shorten(Str(r, "message"))});
  }
  ctx.out << table.Render();
  int64_t total = std::atoll(resp.Header("x-total-items").c_str());
  if (total > static_cast<int64_t>(Arr(records).size())) {
    ctx.out << "\n"
            << Arr(records).size() << " of " << total << " records (page " << f.page
            << "; --page or --limit for more)\n";
  }
  return kExitOk;
}

}  // namespace

void AddAuditCommands(Registry& r) {
  CLI::App* audit = r.Group(&r.app(), "audit", "The audit trail: who changed what, and when",
                            "terrane audit list --outcome refused --since 24h");
  auto f = std::make_shared<AuditFlags>();
  CLI::App* list = r.Command(audit, "list",
                             "List audit records of the account, newest first (changes and "
                             "refused attempts; reads are not recorded)",
                             "terrane audit list --workspace net --since 7d",
                             [f](Context& ctx) { return List(ctx, *f); });
  list->add_option("--workspace", f->workspace,
                   "Only records of this workspace (in --org/--project)");
  list->add_option("--action", f->action, "Only this action, e.g. workspace.delete, state.write");
  list->add_option("--actor", f->actor, "Only this actor: a name such as api_key:ci, or a key id");
  list->add_option("--outcome", f->outcome, "success, refused or failed")
      ->check(CLI::IsMember({"success", "refused", "failed"}));
  list->add_option("--since", f->since,
                   "From this time: 24h, 7d (ago), 2026-01-02, RFC 3339 or unix ms");
  list->add_option("--until", f->until, "Up to this time, in the same forms as --since");
  list->add_option("--limit", f->limit, "Records per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  list->add_option("--page", f->page, "Page to show, from 1")
      ->check(CLI::Range(1, 1'000'000'000))
      ->capture_default_str();
}

}  // namespace terrane::cli::internal
