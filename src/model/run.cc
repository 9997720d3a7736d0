#include "model/run.h"

#include <algorithm>
#include <array>
#include <utility>

#include "boost/json/array.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "model/internal/enum_names.h"
#include "model/internal/json_util.h"

namespace terrane::model {

namespace json = boost::json;
using internal::Cat;

namespace {

constexpr internal::EnumNames<RunOperation, 4> kOperations = {{
    {RunOperation::kProvision, "provision"},
    {RunOperation::kDestroy, "destroy"},
    {RunOperation::kPlan, "plan"},
    {RunOperation::kDrift, "drift"},
}};

constexpr internal::EnumNames<RunStatus, 7> kRunStatuses = {{
    {RunStatus::kQueued, "queued"},
    {RunStatus::kRunning, "running"},
    {RunStatus::kWaitingApproval, "waiting_approval"},
    {RunStatus::kSucceeded, "succeeded"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kCancelled, "cancelled"},
    {RunStatus::kRejected, "rejected"},
}};

constexpr internal::EnumNames<StepStatus, 7> kStepStatuses = {{
    {StepStatus::kPending, "pending"},
    {StepStatus::kRunning, "running"},
    {StepStatus::kWaiting, "waiting"},
    {StepStatus::kSucceeded, "succeeded"},
    {StepStatus::kFailed, "failed"},
    {StepStatus::kCancelled, "cancelled"},
    {StepStatus::kSkipped, "skipped"},
}};

// True for the ASCII control characters (NUL to US, and DEL).
bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// Resource addresses given to -target / -replace: one line, no option injection, no control
// character (a NUL would cut the argument short: terraform would act on another address).
absl::StatusOr<std::vector<std::string>> AddressList(const json::object& obj,
                                                     std::string_view field) {
  std::vector<std::string> out;
  const json::value* v = internal::Find(obj, field);
  if (v == nullptr) return out;
  if (!v->is_array()) return internal::WrongType(field, "an array of resource addresses", *v);
  for (const json::value& item : v->get_array()) {
    if (!item.is_string()) {
      return internal::WrongType(Cat(field, "[]"), "a resource address string", item);
    }
    std::string_view address = item.get_string();
    bool bad = address.empty() || address.size() > 1024 || address.front() == '-' ||
               std::any_of(address.begin(), address.end(), IsControl);
    if (bad) {
      return absl::InvalidArgumentError(
          Cat("field '", field, "' holds ", internal::Quote(address),
              ", which is not a resource address (e.g. terraform_data.web or module.net.aws_vpc.main)"));
    }
    out.emplace_back(address);
  }
  return out;
}

json::object StepToJson(const RunStep& step) {
  json::object out{{"name", step.name},
                   {"status", ToString(step.status)},
                   {"started", step.started},
                   {"finished", step.finished}};
  if (step.exit_code.has_value()) {
    out["exit_code"] = *step.exit_code;
  } else {
    out["exit_code"] = nullptr;
  }
  return out;
}

json::array StringsToJson(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& s : items) out.emplace_back(s);
  return out;
}

// Adds one `actions` list of terraform's plan JSON to `counts`.
void CountActions(const json::array& actions, ChangeCounts& counts) {
  bool create = false, update = false, del = false;
  for (const json::value& a : actions) {
    if (!a.is_string()) continue;
    std::string_view action = a.get_string();
    create = create || action == "create";
    update = update || action == "update";
    del = del || action == "delete";
  }
  counts.add += create ? 1 : 0;
  counts.change += update ? 1 : 0;
  counts.destroy += del ? 1 : 0;
  counts.has_changes = counts.has_changes || create || update || del;
}

}  // namespace

std::string_view ToString(RunOperation op) { return internal::NameOf(kOperations, op, "plan"); }
std::optional<RunOperation> ParseRunOperation(std::string_view text) {
  return internal::ValueOf(kOperations, text);
}
std::string_view ToString(RunStatus status) {
  return internal::NameOf(kRunStatuses, status, "failed");
}
std::optional<RunStatus> ParseRunStatus(std::string_view text) {
  return internal::ValueOf(kRunStatuses, text);
}
std::string_view ToString(StepStatus status) {
  return internal::NameOf(kStepStatuses, status, "pending");
}
std::optional<StepStatus> ParseStepStatus(std::string_view text) {
  return internal::ValueOf(kStepStatuses, text);
}

bool IsFinal(RunStatus status) {
  return status == RunStatus::kSucceeded || status == RunStatus::kFailed ||
         status == RunStatus::kCancelled || status == RunStatus::kRejected;
}

std::vector<RunStep> StepsFor(RunOperation op, bool approval_required) {
  std::vector<std::string> names;
  switch (op) {
    case RunOperation::kProvision:
      names = {"init", "plan", "approval", "apply"};
      break;
    case RunOperation::kDestroy:
      names = {"init", "plan-destroy", "approval", "destroy"};
      break;
    case RunOperation::kPlan:
      names = {"init", "plan"};
      break;
    case RunOperation::kDrift:
      names = {"init", "detect-drift"};
      break;
  }
  std::vector<RunStep> steps;
  for (std::string& name : names) {
    if (name == "approval" && !approval_required) continue;
    steps.push_back(RunStep{.name = std::move(name)});
  }
  return steps;
}

absl::StatusOr<Run> ParseRunCreate(std::string_view body) {
  absl::StatusOr<json::object> obj = internal::ParseObject(body.empty() ? "{}" : body);
  if (!obj.ok()) return obj.status();
  absl::StatusOr<std::string> op_text = internal::RequiredString(*obj, "operation", "operation");
  if (!op_text.ok()) return op_text.status();
  std::optional<RunOperation> op = ParseRunOperation(*op_text);
  if (!op.has_value()) {
    return absl::InvalidArgumentError(Cat("field 'operation' is ", internal::Quote(*op_text),
                                          "; use provision, destroy, plan or drift"));
  }
  Run run{.operation = *op};
  if (const json::value* v = internal::Find(*obj, "approval_required")) {
    if (!v->is_bool()) return internal::WrongType("approval_required", "a boolean", *v);
    run.approval_required = v->get_bool();
  }
  bool applies = *op == RunOperation::kProvision || *op == RunOperation::kDestroy;
  if (run.approval_required && !applies) {
    return absl::InvalidArgumentError(
        "field 'approval_required' applies to provision and destroy runs only: a plan or drift "
        "run never changes infrastructure");
  }
  absl::StatusOr<std::vector<std::string>> targets = AddressList(*obj, "targets");
  if (!targets.ok()) return targets.status();
  absl::StatusOr<std::vector<std::string>> replace = AddressList(*obj, "replace");
  if (!replace.ok()) return replace.status();
  if (!replace->empty() && *op == RunOperation::kDestroy) {
    return absl::InvalidArgumentError("field 'replace' cannot be used with a destroy run");
  }
  run.targets = std::move(*targets);
  run.replace = std::move(*replace);
  run.steps = StepsFor(*op, run.approval_required);
  return run;
}

json::object RunToJson(const Run& run) {
  json::array steps;
  for (const RunStep& step : run.steps) steps.push_back(StepToJson(step));
  return json::object{
      {"id", run.id},
      {"account", run.workspace.account},
      {"org", run.workspace.org},
      {"project", run.workspace.project},
      {"workspace", run.workspace.identifier},
      {"operation", ToString(run.operation)},
      {"status", ToString(run.status)},
      {"approval_required", run.approval_required},
      {"targets", StringsToJson(run.targets)},
      {"replace", StringsToJson(run.replace)},
      {"steps", std::move(steps)},
      {"resource_changes", json::object{{"add", run.changes.add},
                                        {"change", run.changes.change},
                                        {"destroy", run.changes.destroy},
                                        {"has_changes", run.changes.has_changes}}},
      {"commit_sha", run.commit_sha},
      {"message", run.message},
      {"created_by", run.created_by},
      {"decided_by", run.decided_by},
      {"created", run.created},
      {"started", run.started},
      {"finished", run.finished},
  };
}

std::string StepsToJsonText(const std::vector<RunStep>& steps) {
  json::array out;
  for (const RunStep& step : steps) out.push_back(StepToJson(step));
  return json::serialize(out);
}

absl::StatusOr<std::vector<RunStep>> StepsFromJsonText(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return absl::InternalError("stored run steps are corrupt");
  std::vector<RunStep> steps;
  for (const json::value& item : v.get_array()) {
    const json::object* o = item.if_object();
    if (o == nullptr) return absl::InternalError("stored run step is corrupt");
    RunStep step;
    if (const json::value* n = o->if_contains("name"); n && n->is_string()) {
      step.name = std::string(n->get_string());
    }
    if (const json::value* s = o->if_contains("status"); s && s->is_string()) {
      step.status = ParseStepStatus(s->get_string()).value_or(StepStatus::kPending);
    }
    if (const json::value* t = o->if_contains("started"); t && t->is_int64()) {
      step.started = t->get_int64();
    }
    if (const json::value* t = o->if_contains("finished"); t && t->is_int64()) {
      step.finished = t->get_int64();
    }
    if (const json::value* e = o->if_contains("exit_code"); e && e->is_int64()) {
      step.exit_code = static_cast<int>(e->get_int64());
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::string StringListToJsonText(const std::vector<std::string>& items) {
  return json::serialize(StringsToJson(items));
}

absl::StatusOr<std::vector<std::string>> StringListFromJsonText(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return absl::InternalError("stored string list is corrupt");
  std::vector<std::string> out;
  for (const json::value& item : v.get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

absl::StatusOr<ChangeCounts> CountPlanChanges(std::string_view plan_json, bool drift) {
  json::parse_options opts;
  opts.max_depth = kMaxPlanJsonDepth;  // the default (32) refuses real plans
  boost::system::error_code ec;
  json::value v = json::parse(plan_json, ec, json::storage_ptr(), opts);
  if (ec || !v.is_object()) {
    return absl::InvalidArgumentError("terraform show -json did not print a plan object");
  }
  const json::object& plan = v.get_object();
  ChangeCounts counts;
  const json::value* list = plan.if_contains(drift ? "resource_drift" : "resource_changes");
  if (list != nullptr && list->is_array()) {
    for (const json::value& rc : list->get_array()) {
      const json::value* change = rc.is_object() ? rc.get_object().if_contains("change") : nullptr;
      const json::value* actions =
          change && change->is_object() ? change->get_object().if_contains("actions") : nullptr;
      if (actions != nullptr && actions->is_array()) CountActions(actions->get_array(), counts);
    }
  }
  {
    if (const json::value* outputs = plan.if_contains("output_changes");
        outputs != nullptr && outputs->is_object()) {
      for (const auto& entry : outputs->get_object()) {
        ChangeCounts ignored;
        const json::value* actions =
            entry.value().is_object() ? entry.value().get_object().if_contains("actions") : nullptr;
        if (actions != nullptr && actions->is_array()) CountActions(actions->get_array(), ignored);
        counts.has_changes = counts.has_changes || ignored.has_changes;
      }
    }
  }
  return counts;
}

std::optional<WorkspaceStatus> StatusAfterFailure(const Run& run, std::string_view checksum_now,
                                                  std::string* why) {
  if (run.operation == RunOperation::kPlan || run.operation == RunOperation::kDrift) {
    *why = "a plan never changes infrastructure, so the workspace status is unchanged";
    return std::nullopt;
  }
  std::optional<WorkspaceStatus> before = ParseWorkspaceStatus(run.status_before);
  // Only the apply or destroy step changes infrastructure. terraform may still write state
  // before it (an interrupted plan saves the refreshed state), which changes nothing real.
  bool applying = false;
  for (const RunStep& step : run.steps) {
    if ((step.name == "apply" || step.name == "destroy") &&
        step.status != StepStatus::kPending && step.status != StepStatus::kSkipped) {
      applying = true;
    }
  }
  if (!applying && before.has_value()) {
    *why = Cat("the run stopped before applying anything, so the workspace stays ",
               ToString(*before));
    return *before;
  }
  if (checksum_now == run.checksum_before && before.has_value()) {
    *why = Cat("the state did not change, so the workspace stays ", ToString(*before));
    return *before;
  }
  *why = "the state changed before the run stopped, so the workspace is failed: review the "
         "resources, then provision again";
  return WorkspaceStatus::kFailed;
}

}  // namespace terrane::model
