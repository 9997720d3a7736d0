// `terrane workspace state versions|pull|rollback` and `terrane workspace delete`.
#include <cstdlib>
#include <memory>

#include "CLI/CLI.hpp"
#include "boost/json/object.hpp"
#include "cli/internal/command.h"
#include "cli/table.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

absl::StatusOr<int> Versions(Context& ctx, const std::string& ws) {
  TERRANE_ASSIGN_OR_RETURN(json::value list,
                           ctx.api.CallJson("GET", ctx.api.WorkspacePath(ws) + "/state-versions"));
  if (ctx.json) {
    ctx.PrintJson(list);
    return kExitOk;
  }
  Table table({"id", "serial", "resources", "size", "created", "created by", "rollback of"});
  for (const json::value& v : Arr(list)) {
    std::string source = Str(v, "rollback_source_id");
    table.AddRow({Str(v, "id"), std::to_string(Int(v, "serial")),
                  std::to_string(Int(v, "resource_count")), std::to_string(Int(v, "size")),
                  FormatTime(Int(v, "created")), Str(v, "created_by"),
                  source.empty() ? "-" : source});
  }
  ctx.out << table.Render();
  return kExitOk;
}

// Prints the bytes of `version` (the current state when empty). Never to a log: only stdout.
absl::StatusOr<int> Pull(Context& ctx, const std::string& ws, std::string version) {
  std::string base = ctx.api.WorkspacePath(ws) + "/state-versions";
  if (version.empty()) {
    TERRANE_ASSIGN_OR_RETURN(json::value list, ctx.api.CallJson("GET", base));
    if (Arr(list).empty()) {
      return absl::NotFoundError(Cat("workspace '", ws, "' has no state yet"));
    }
    version = Str(Arr(list)[0], "id");
  }
  TERRANE_ASSIGN_OR_RETURN(HttpResponse resp,
                           ctx.api.Call("GET", Cat(base, "/", PathSegment(version), "/download")));
  ctx.out << resp.body;
  return kExitOk;
}

absl::StatusOr<int> Rollback(Context& ctx, const std::string& ws, const std::string& version) {
  TERRANE_ASSIGN_OR_RETURN(
      json::value made, ctx.api.CallJson("POST", Cat(ctx.api.WorkspacePath(ws), "/state-versions/",
                                                     PathSegment(version), "/rollback")));
  if (ctx.json) {
    ctx.PrintJson(made);
  } else {
    ctx.out << "Rolled workspace " << ws << " back to " << version << ": new state version "
            << Str(made, "id") << " (serial " << Int(made, "serial") << ")\n";
  }
  return kExitOk;
}

int64_t CountVariables(const json::value& ws) {
  int64_t n = 0;
  for (std::string_view key : {"terraform_variables", "environment_variables"}) {
    const json::value* vars = ws.get_object().if_contains(key);
    if (vars != nullptr && vars->is_object()) n += static_cast<int64_t>(vars->get_object().size());
  }
  return n;
}

// Deletes only an inactive workspace, after showing what goes with it and a confirmation:
// --yes, or the identifier typed on a terminal.
absl::StatusOr<int> Delete(Context& ctx, const std::string& id, bool yes) {
  std::string path = ctx.api.WorkspacePath(id);
  TERRANE_ASSIGN_OR_RETURN(json::value ws, ctx.api.CallJson("GET", path));
  std::string status = Str(ws, "status");
  if (status != "inactive") {
    return absl::FailedPreconditionError(
        Cat("workspace '", id, "' is ", status, ", not inactive, so it may still manage real ",
            "infrastructure: run `terrane workspace destroy ", id, "` first, then delete it ",
            "(deleting never destroys infrastructure)"));
  }
  // Both counts from x-total-items: a listing holds one page only (30 by default).
  TERRANE_ASSIGN_OR_RETURN(HttpResponse versions,
                           ctx.api.Call("GET", path + "/state-versions?limit=1"));
  TERRANE_ASSIGN_OR_RETURN(HttpResponse runs, ctx.api.Call("GET", path + "/runs?limit=1"));
  int64_t n_versions = std::atoll(versions.Header("x-total-items").c_str());
  int64_t n_runs = std::atoll(runs.Header("x-total-items").c_str());
  int64_t n_vars = CountVariables(ws);
  if (!yes) {
    if (!ctx.terminal.interactive()) {
      return absl::FailedPreconditionError(Cat("refusing to delete workspace '", id,
                                               "' without confirmation: stdin is not a ",
                                               "terminal; pass --yes to delete it from a script"));
    }
    std::cerr << "Deleting workspace " << ctx.terminal.Paint("bold", id) << " removes, for good:\n"
              << "  " << n_versions << " state version(s), " << n_runs
              << " run(s) with their logs and plans, " << n_vars << " variable(s).\n"
              << "Real infrastructure is not touched (the workspace is inactive).\n";
    TERRANE_ASSIGN_OR_RETURN(std::string typed,
                             ctx.terminal.Ask("Type the workspace identifier to confirm: "));
    if (typed != id) {
      return absl::CancelledError(Cat("not deleted: '", typed, "' is not '", id, "'"));
    }
  }
  TERRANE_RETURN_IF_ERROR(ctx.api.Call("DELETE", path).status());
  if (ctx.json) {
    ctx.PrintJson(json::object{
        {"deleted", id}, {"state_versions", n_versions}, {"runs", n_runs}, {"variables", n_vars}});
  } else {
    ctx.out << "Deleted workspace " << id << " (" << n_versions << " state versions, " << n_runs
            << " runs, " << n_vars << " variables)\n";
  }
  return kExitOk;
}

}  // namespace

void AddStateCommands(Registry& r, CLI::App* workspace) {
  auto ws = std::make_shared<std::string>();
  auto version = std::make_shared<std::string>();
  auto yes = std::make_shared<bool>(false);
  auto add_ws = [ws](CLI::App* c) {
    c->add_option("workspace", *ws, "Workspace identifier")->required();
    return c;
  };
  CLI::App* state = r.Group(workspace, "state", "State history of a workspace",
                            "terrane workspace state versions net");
  add_ws(r.Command(state, "versions", "List state versions, newest first",
                   "terrane workspace state versions net",
                   [ws](Context& ctx) { return Versions(ctx, *ws); }));
  add_ws(r.Command(state, "pull", "Print the current state (or --version) to stdout",
                   "terrane workspace state pull net > terraform.tfstate",
                   [ws, version](Context& ctx) { return Pull(ctx, *ws, *version); }))
      ->add_option("--version", *version, "A state version id (default: the current one)");
  add_ws(r.Command(state, "rollback", "Copy an old state version forward as the current state",
                   "terrane workspace state rollback net sv-0123456789abcdef",
                   [ws, version](Context& ctx) { return Rollback(ctx, *ws, *version); }))
      ->add_option("version", *version, "The state version id to restore")
      ->required();
  CLI::App* del =
      add_ws(r.Command(workspace, "delete",
                       "Delete an inactive workspace with its state versions, runs and variables",
                       "terrane workspace delete net        # asks you to type `net`\n"
                       "  terrane workspace delete net --yes  # for scripts",
                       [ws, yes](Context& ctx) { return Delete(ctx, *ws, *yes); }));
  del->add_flag("-y,--yes", *yes, "Do not ask for confirmation (needed without a terminal)");
}

}  // namespace terrane::cli::internal
