// `terrane workspace provision|destroy|plan|drift` and `terrane run list|get|logs|approve|
// reject|cancel`.
#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_join.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "cli/internal/follow.h"
#include "cli/table.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

struct StartFlags {
  std::string ws;
  bool auto_approve = false;
  bool no_follow = false;
  std::vector<std::string> targets;
  std::vector<std::string> replace;
};

struct RunFlags {
  std::string ws;
  std::string run;
  bool follow = false;
};

json::array Strings(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& s : items) out.emplace_back(s);
  return out;
}

// Provision and destroy always stop for approval of their plan, as terraform apply does;
// --auto-approve approves it when the run waits, so the run records who approved.
absl::StatusOr<int> Start(Context& ctx, std::string_view op, const StartFlags& f) {
  bool approvable = op == "provision" || op == "destroy";
  if (approvable && !f.auto_approve && !f.no_follow && !ctx.terminal.interactive()) {
    return absl::FailedPreconditionError(
        Cat("a ", op, " waits for approval of its plan and stdin is not a terminal: pass ",
            "--auto-approve to ", op, " without asking"));
  }
  json::object body{{"operation", op}};
  if (approvable) body["approval_required"] = true;
  if (!f.targets.empty()) body["targets"] = Strings(f.targets);
  if (!f.replace.empty()) body["replace"] = Strings(f.replace);
  TERRANE_ASSIGN_OR_RETURN(
      json::value run,
      ctx.api.CallJson("POST", ctx.api.WorkspacePath(f.ws) + "/runs", json::serialize(body)));
  std::string id = Str(run, "id");
  if (f.no_follow) {
    if (ctx.json) {
      ctx.PrintJson(run);
    } else {
      ctx.out << id << "\n";
    }
    return kExitOk;
  }
  if (ctx.terminal.fancy()) {
    (ctx.json ? std::cerr : ctx.out)
        << ctx.terminal.Paint("bold", Cat("Started ", op, " run ", id, " of ", f.ws)) << "\n";
  }
  TERRANE_ASSIGN_OR_RETURN(
      int code, FollowRun(ctx, f.ws, id, f.auto_approve ? Approval::kAuto : Approval::kAsk));
  return code;
}

std::string RunPath(Context& ctx, const RunFlags& f) {
  return Cat(ctx.api.WorkspacePath(f.ws), "/runs/", PathSegment(f.run));
}

absl::StatusOr<int> List(Context& ctx, const RunFlags& f) {
  TERRANE_ASSIGN_OR_RETURN(
      json::value runs, ctx.api.CallJson("GET", ctx.api.WorkspacePath(f.ws) + "/runs?limit=100"));
  if (ctx.json) {
    ctx.PrintJson(runs);
    return kExitOk;
  }
  Table table({"id", "operation", "status", "changes", "created", "by"});
  for (const json::value& run : Arr(runs)) {
    table.AddRow({Str(run, "id"), Str(run, "operation"), Str(run, "status"), ChangeSummary(run),
                  FormatTime(Int(run, "created")), Str(run, "created_by")});
  }
  ctx.out << table.Render();
  return kExitOk;
}

absl::StatusOr<int> Get(Context& ctx, const RunFlags& f) {
  TERRANE_ASSIGN_OR_RETURN(json::value run, ctx.api.CallJson("GET", RunPath(ctx, f)));
  if (ctx.json) {
    ctx.PrintJson(run);
    return kExitOk;
  }
  ctx.out << RenderFields(
      {{"Run", Str(run, "id")},
       {"Workspace", Str(run, "workspace")},
       {"Operation", Str(run, "operation")},
       {"Status", Str(run, "status")},
       {"Changes", ChangeSummary(run)},
       {"Commit", Str(run, "commit_sha").empty() ? "-" : Str(run, "commit_sha")},
       {"Message", Str(run, "message").empty() ? "-" : Str(run, "message")},
       {"Created by", Str(run, "created_by")},
       {"Created", FormatTime(Int(run, "created"))},
       {"Finished", FormatTime(Int(run, "finished"))}});
  Table steps({"step", "status", "took", "exit code"});
  const json::value* list = run.get_object().if_contains("steps");
  for (const json::value& step : list != nullptr ? Arr(*list) : Arr(json::value())) {
    int64_t started = Int(step, "started");
    int64_t finished = Int(step, "finished");
    const json::value* code = step.get_object().if_contains("exit_code");
    steps.AddRow({Str(step, "name"), Str(step, "status"),
                  started > 0 && finished > 0 ? FormatDuration(finished - started) : "-",
                  code != nullptr && code->is_int64() ? std::to_string(code->get_int64()) : "-"});
  }
  ctx.out << "\n" << steps.Render();
  return kExitOk;
}

absl::StatusOr<int> Logs(Context& ctx, const RunFlags& f) {
  if (f.follow) return FollowRun(ctx, f.ws, f.run, Approval::kLeave);
  TERRANE_ASSIGN_OR_RETURN(HttpResponse resp, ctx.api.Call("GET", RunPath(ctx, f) + "/logs"));
  ctx.out << resp.body;
  return kExitOk;
}

absl::StatusOr<int> Decide(Context& ctx, const RunFlags& f, std::string_view what) {
  TERRANE_ASSIGN_OR_RETURN(json::value run,
                           ctx.api.CallJson("POST", Cat(RunPath(ctx, f), "/", what)));
  if (ctx.json) {
    ctx.PrintJson(run);
  } else {
    ctx.out << "Run " << f.run << ": " << Str(run, "status") << "\n";
  }
  return kExitOk;
}

void AddStart(Registry& r, CLI::App* ws, std::string op, std::string description) {
  auto f = std::make_shared<StartFlags>();
  bool approvable = op == "provision" || op == "destroy";
  std::string example = Cat("terrane workspace ", op, " app", approvable ? " --auto-approve" : "");
  CLI::App* cmd =
      r.Command(ws, op, description, example, [f, op](Context& ctx) { return Start(ctx, op, *f); });
  cmd->add_option("workspace", f->ws, "Workspace identifier")->required();
  if (approvable) {
    cmd->add_flag("--auto-approve", f->auto_approve, "Apply the plan without asking");
  }
  cmd->add_option("--target", f->targets, "Only this resource address (repeatable)");
  if (op == "provision") {
    cmd->add_option("--replace", f->replace, "Replace this resource address (repeatable)");
  }
  cmd->add_flag("--no-follow", f->no_follow, "Print the run id and return at once");
  cmd->footer(Cat("Example:\n  ", example,
                  "\nExit code: 0 succeeded, 2 failed, 3 cancelled or rejected, 1 other errors. "
                  "Ctrl-C asks whether to cancel the run."));
}

}  // namespace

void AddRunCommands(Registry& r, CLI::App* ws) {
  AddStart(r, ws, "provision", "Plan and apply the workspace's configuration, following the run");
  AddStart(r, ws, "destroy", "Plan and destroy everything the workspace manages");
  AddStart(r, ws, "plan", "Show what a provision would change");
  AddStart(r, ws, "drift", "Detect drift between real infrastructure and the state");

  CLI::App* run = r.Group(&r.app(), "run", "Runs of a workspace: list, inspect, logs, decide",
                          "terrane run list app");
  auto f = std::make_shared<RunFlags>();
  auto add = [&](std::string name, std::string description, std::string example,
                 std::function<absl::StatusOr<int>(Context&, const RunFlags&)> fn, bool with_run) {
    CLI::App* cmd = r.Command(run, std::move(name), std::move(description), std::move(example),
                              [f, fn](Context& ctx) { return fn(ctx, *f); });
    cmd->add_option("workspace", f->ws, "Workspace identifier")->required();
    if (with_run) cmd->add_option("run", f->run, "Run id (run-...)")->required();
    return cmd;
  };
  add("list", "List the runs of a workspace, newest first", "terrane run list app", List, false);
  add("get", "Show a run with its steps", "terrane run get app run-0123456789abcdef", Get, true);
  add("logs", "Print a run's log; --follow streams it until the run ends",
      "terrane run logs app run-0123456789abcdef --follow", Logs, true)
      ->add_flag("-f,--follow", f->follow, "Stream the log until the run ends or waits");
  for (std::string what : {"approve", "reject", "cancel"}) {
    add(
        what,
        what == "cancel"
            ? "Cancel a queued, waiting or running run"
            : Cat(what == "approve" ? "Approve" : "Reject", " a run waiting for approval"),
        Cat("terrane run ", what, " app run-0123456789abcdef"),
        [what](Context& ctx, const RunFlags& rf) { return Decide(ctx, rf, what); }, true);
  }
}

}  // namespace terrane::cli::internal
