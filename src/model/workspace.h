// The workspace: one IaC configuration, its variables and exactly one state with history.
// Plain value types plus their JSON forms (shared by server and CLI). No I/O, thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "model/lock.h"

namespace terrane::model {

// Wire values of iacm-api.md §4.
enum class WorkspaceStatus {
  kInactive,
  kActive,
  kProvisioning,
  kDestroying,
  kDrifted,
  kApplyNeeded,
  kRollbackApplied,
  kFailed,
  kUnknown,
};
std::string_view ToString(WorkspaceStatus status);
// nullopt for anything that is not one of the nine wire values.
std::optional<WorkspaceStatus> ParseWorkspaceStatus(std::string_view text);

struct Variable {
  std::string key;
  std::string value;
  std::string value_type;  // "string" or "secret"
  int64_t created = 0;     // unix ms
  int64_t updated = 0;
};
using VariableMap = std::map<std::string, Variable>;

// The user-editable part of a workspace: what a create or update body carries.
struct WorkspaceSpec {
  std::string name;
  std::string description;
  std::string provisioner;  // "terraform" or "opentofu"
  std::map<std::string, std::string> tags;
  VariableMap terraform_variables;
  VariableMap environment_variables;
  // Every other accepted field (provisioner_version, repository*, provider_connector, ...),
  // validated and kept verbatim so a GET returns what was written.
  boost::json::object settings;
};

// Addresses one workspace. All four parts are case-sensitive.
struct WorkspaceKey {
  std::string account;
  std::string org;
  std::string project;
  std::string identifier;
};

struct Workspace {
  WorkspaceKey key;
  WorkspaceSpec spec;
  WorkspaceStatus status = WorkspaceStatus::kInactive;
  int64_t created = 0;  // unix ms
  int64_t updated = 0;
  std::string state_checksum;   // SHA-256 hex of the current state; "" when there is none
  std::optional<Lock> lock;     // the lock slot, if held
};

// List item of iacm-api.md §3.4.
struct WorkspaceSummary {
  WorkspaceKey key;
  std::string name;
  std::string description;
  WorkspaceStatus status = WorkspaceStatus::kInactive;
  int64_t created = 0;
  int64_t updated = 0;
};

enum class WorkspaceSortField { kName, kUpdated };

// Query of `GET W` (iacm-api.md §5.1), already validated.
struct WorkspaceQuery {
  std::string account;
  std::string org;
  std::string project;
  int limit = 30;  // 1..1000
  int page = 1;    // 1-based
  std::string search_term;  // case-insensitive substring of name; "" = all
  WorkspaceSortField sort = WorkspaceSortField::kName;
  bool descending = false;
  std::vector<WorkspaceStatus> statuses;  // empty = all
  // Each tag filter must match: key equal and, when value is set, value equal.
  std::vector<std::pair<std::string, std::optional<std::string>>> tags;
};

struct WorkspacePage {
  std::vector<WorkspaceSummary> items;
  int64_t total = 0;  // matches over all pages
};

// Parses a create body (iacm-api.md §3.1). InvalidArgument names the offending field.
// Timestamps of variables are left 0 (the store fills them).
absl::StatusOr<std::pair<std::string, WorkspaceSpec>> ParseWorkspaceCreate(std::string_view body);

// Parses an update body (§3.2): same fields minus identifier; a PUT replaces everything.
// An `identifier` in the body must equal `identifier` (it is immutable).
absl::StatusOr<WorkspaceSpec> ParseWorkspaceUpdate(std::string_view body,
                                                   std::string_view identifier);

// True when `after` changes what a run of the workspace would apply: provisioner, source,
// variables or any other setting terraform sees (not name, description, tags or cost settings).
// An active or drifted workspace then needs an apply (iacm-api.md §4).
bool ChangesRunInputs(const WorkspaceSpec& before, const WorkspaceSpec& after);

// Validates an identifier against ^[A-Za-z_][A-Za-z0-9_-]*$, 1-128 characters.
absl::Status ValidateWorkspaceIdentifier(std::string_view identifier);

// The show body of §3.3 as JSON text, written directly (GET workspace is the hot read; building
// and serialising a DOM cost more than the rest of the handler but the database read). The
// members of `extra` (e.g. the caller's terraform_backend) follow the workspace's own; no stored
// setting repeats a member.
std::string WorkspaceJson(const Workspace& ws, const boost::json::object& extra = {});
// The same body as a DOM.
boost::json::object WorkspaceToJson(const Workspace& ws);
boost::json::object WorkspaceSummaryToJson(const WorkspaceSummary& ws,
                                           boost::json::storage_ptr sp = {});

}  // namespace terrane::model
