#include "cli/internal/follow.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "boost/json/object.hpp"
#include "cli/table.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "model/run.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// How often the waiting thread looks for Ctrl-C while the log streams.
constexpr long kSignalPollNanos = 200'000'000;
constexpr std::string_view kStepMarker = "[terrane] ==> ";

int64_t MillisSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// SIGINT is blocked while a run is followed and collected with sigtimedwait, so Ctrl-C becomes
// a question instead of killing the client mid-stream.
class SigintBlock {
 public:
  SigintBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, &saved_);
  }
  ~SigintBlock() {
    // A Ctrl-C still pending would fire on unblocking: take it first.
    timespec zero{};
    while (sigtimedwait(&set_, nullptr, &zero) == SIGINT) {
    }
    pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  }
  bool Wait() const {
    timespec ts{.tv_sec = 0, .tv_nsec = kSignalPollNanos};
    return sigtimedwait(&set_, nullptr, &ts) == SIGINT;
  }

 private:
  sigset_t set_;
  sigset_t saved_;
};

// Shows `prompt` and waits until stdin has input (true) or Ctrl-C is pressed (false), without a
// race: SIGINT is caught by a no-op handler and blocked before the prompt shows, and unblocked
// only inside ppoll.
bool PromptAndWaitForInput(std::string_view prompt) {
  struct sigaction act {};
  struct sigaction saved_act {};
  act.sa_handler = [](int) {};
  sigemptyset(&act.sa_mask);
  sigaction(SIGINT, &act, &saved_act);
  sigset_t block;
  sigset_t saved_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &saved_mask);
  sigset_t wait_mask = saved_mask;
  sigdelset(&wait_mask, SIGINT);
  std::cerr << prompt << std::flush;
  pollfd fd{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
  int n = 0;
  do {
    n = ppoll(&fd, 1, nullptr, &wait_mask);
  } while (n < 0 && errno != EINTR);
  bool input = n > 0;
  pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  sigaction(SIGINT, &saved_act, nullptr);
  return input;
}

// Prints log lines and, on a terminal, a progress line when a step starts or ends.
class LogPrinter {
 public:
  LogPrinter(Context& ctx, Clock::time_point start) : ctx_(ctx), start_(start) {}

  void Line(std::string_view line) {
    ctx_.out << line;
    if (!line.ends_with('\n')) ctx_.out << '\n';
    ctx_.out.flush();
    if (!ctx_.terminal.fancy() || !line.starts_with(kStepMarker)) return;
    std::string step(line.substr(kStepMarker.size()));
    while (!step.empty() && (step.back() == '\n' || step.back() == '\r')) step.pop_back();
    FinishStep();
    step_ = step;
    step_start_ = Clock::now();
    ctx_.out << ctx_.terminal.Paint(
                    "bold",
                    Cat("--> ", step_, "  (", FormatDuration(MillisSince(start_)), " since start)"))
             << "\n";
  }
  void FinishStep() {
    if (!ctx_.terminal.fancy() || step_.empty()) return;
    ctx_.out << ctx_.terminal.Paint(
                    "dim", Cat("    ", step_, " took ", FormatDuration(MillisSince(step_start_))))
             << "\n";
    step_.clear();
  }

 private:
  Context& ctx_;
  Clock::time_point start_;
  std::string step_;
  Clock::time_point step_start_;
};

absl::Status Decide(Context& ctx, const std::string& run_path, std::string_view what) {
  return ctx.api.Call("POST", Cat(run_path, "/", what)).status();
}

// Ctrl-C while following: ask whether to cancel; without a terminal stop following (the run
// goes on) and exit at once, since the streaming thread cannot be interrupted.
void OnInterrupt(Context& ctx, const std::string& ws, const std::string& run_id,
                 const std::string& run_path) {
  if (!ctx.terminal.interactive()) {
    ctx.out.flush();
    std::fprintf(stderr,
                 "\ninterrupted: run %s goes on; cancel it with `terrane run cancel %s %s`\n",
                 run_id.c_str(), ws.c_str(), run_id.c_str());
    std::_Exit(130);
  }
  absl::StatusOr<std::string> answer = ctx.terminal.Ask(Cat("\nCancel run ", run_id, "? [y/N] "));
  if (!answer.ok() || (*answer != "y" && *answer != "yes")) {
    std::fprintf(stderr, "still following run %s\n", run_id.c_str());
    return;
  }
  absl::Status s = Decide(ctx, run_path, "cancel");
  std::fprintf(stderr, "%s\n",
               s.ok() ? "cancel requested; the log continues until the run stops"
                      : std::string(s.message()).c_str());
}

// Streams the log from `offset` until the server ends it; adds what was read to `offset`.
absl::Status FollowSegment(Context& ctx, const std::string& ws, const std::string& run_id,
                           const std::string& run_path, int64_t& offset, LogPrinter& printer) {
  SigintBlock block;  // before the thread starts, so it inherits the mask
  std::atomic<bool> done = false;
  absl::Status status;
  std::thread reader([&] {
    status = ctx.api.Stream(Cat(run_path, "/logs?follow=true&offset=", offset),
                            [&](std::string_view line) {
                              offset += static_cast<int64_t>(line.size());
                              printer.Line(line);
                            });
    done = true;
  });
  while (!done) {
    if (block.Wait()) OnInterrupt(ctx, ws, run_id, run_path);
  }
  reader.join();
  return status;
}

absl::StatusOr<bool> AskApproval(Context& ctx, const std::string& ws, const std::string& run_id,
                                 const std::string& run_path, Approval approval) {
  if (approval == Approval::kAuto) {
    TERRANE_RETURN_IF_ERROR(Decide(ctx, run_path, "approve"));
    ctx.out << "Approved (--auto-approve)\n";
    return true;
  }
  if (approval == Approval::kLeave) return false;
  if (!ctx.terminal.interactive()) {
    return absl::FailedPreconditionError(
        Cat("run ", run_id, " waits for approval and stdin is not a terminal: decide with ",
            "`terrane run approve ", ws, " ", run_id, "` or `terrane run reject ", ws, " ", run_id,
            "`"));
  }
  // Ctrl-C (or the end of input) at this prompt rejects the run, as terraform cancels its
  // apply: leaving it waiting would hold the workspace until the approval timeout.
  absl::StatusOr<std::string> answer = absl::CancelledError("interrupted");
  if (PromptAndWaitForInput("Apply this plan? Only 'yes' approves: ")) {
    answer = ctx.terminal.Ask("");
  } else {
    std::cerr << "\n";
  }
  bool yes = answer.ok() && *answer == "yes";
  TERRANE_RETURN_IF_ERROR(Decide(ctx, run_path, yes ? "approve" : "reject"));
  ctx.out << (yes ? "Approved\n" : answer.ok() ? "Rejected\n" : "No answer: rejected\n");
  return true;
}

}  // namespace

int ExitCodeFor(std::string_view run_status) {
  if (run_status == "succeeded") return kExitOk;
  if (run_status == "cancelled" || run_status == "rejected") return kExitRunStopped;
  return kExitRunFailed;
}

std::string ChangeSummary(const json::value& run) {
  const json::value* c =
      run.is_object() ? run.get_object().if_contains("resource_changes") : nullptr;
  json::value none = json::object();
  const json::value& changes = c != nullptr ? *c : none;
  return Cat(Int(changes, "add"), " to add, ", Int(changes, "change"), " to change, ",
             Int(changes, "destroy"), " to destroy");
}

absl::StatusOr<int> FollowRun(Context& ctx, const std::string& ws, const std::string& run_id,
                              Approval approval) {
  // With --output json stdout holds one document, the run as it ended (or waits); the log
  // and the progress lines go to stderr.
  Context shown{.api = ctx.api,
                .terminal = ctx.terminal,
                .json = ctx.json,
                .out = ctx.json ? std::cerr : ctx.out,
                .config_path = ctx.config_path};
  std::string run_path = Cat(ctx.api.WorkspacePath(ws), "/runs/", PathSegment(run_id));
  Clock::time_point start = Clock::now();
  LogPrinter printer(shown, start);
  int64_t offset = 0;
  while (true) {
    TERRANE_RETURN_IF_ERROR(FollowSegment(shown, ws, run_id, run_path, offset, printer));
    TERRANE_ASSIGN_OR_RETURN(json::value run, ctx.api.CallJson("GET", run_path));
    std::string status = Str(run, "status");
    std::optional<model::RunStatus> parsed = model::ParseRunStatus(status);
    if (parsed.has_value() && model::IsFinal(*parsed)) {
      printer.FinishStep();
      std::string line =
          Cat("Run ", run_id, " ", status, " after ", FormatDuration(MillisSince(start)));
      line +=
          Cat(Str(run, "operation") == "drift" ? " (drift: " : " (plan: ", ChangeSummary(run), ")");
      shown.out << ctx.terminal.Paint(status == "succeeded" ? "green" : "red", line) << "\n";
      if (!Str(run, "message").empty()) shown.out << Str(run, "message") << "\n";
      if (ctx.json) ctx.PrintJson(run);
      return ExitCodeFor(status);
    }
    if (parsed == model::RunStatus::kWaitingApproval) {
      printer.FinishStep();
      shown.out << ctx.terminal.Paint("yellow", Cat("Plan: ", ChangeSummary(run), ". Run ", run_id,
                                                    " waits for approval."))
                << "\n";
      TERRANE_ASSIGN_OR_RETURN(bool decided, AskApproval(shown, ws, run_id, run_path, approval));
      if (!decided) {
        shown.out << "Decide with `terrane run approve " << ws << " " << run_id
                  << "` or `terrane run reject " << ws << " " << run_id << "`\n";
        if (ctx.json) ctx.PrintJson(run);
        return kExitOk;
      }
    }
    // Queued or running again (after approval, or a dropped stream): follow on.
  }
}

}  // namespace terrane::cli::internal
