// Terraform state metadata and versions. A state body is treated as a secret: nothing here
// logs or copies it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/object.hpp"

namespace terrane::model {

// What Terrane reads from a state body without building a tree (Boost.JSON event parser).
struct StateMeta {
  int64_t serial = 0;
  std::string lineage;
  int64_t managed_resources = 0;  // entries of top-level `resources` with "mode": "managed"
};

// Validates that `body` is one JSON object with an integer `serial` >= 0 and a string
// `lineage` (plain v4 state and OpenTofu's encrypted envelope both qualify).
// InvalidArgument with a readable reason otherwise.
absl::StatusOr<StateMeta> ParseStateMeta(std::string_view body);

// One immutable stored state (a `state_raw` WorkspaceData row).
struct StateVersion {
  std::string id;  // uuid
  int64_t serial = 0;
  std::string lineage;
  std::string sha256;
  int64_t size = 0;
  int64_t managed_resources = 0;
  int64_t created = 0;  // unix ms
  std::string created_by;  // principal id (api key id)
  std::string rollback_source_id;  // "" unless made by a rollback
};

// Decides whether `incoming` may become the new current version after `current`.
// OK: store a new version. AlreadyExists: identical bytes to current, nothing to store (the
// caller answers success). FailedPrecondition (→ 409): same lineage and serial lowered, or the
// same serial with different bytes.
absl::Status CheckStateWrite(const std::optional<StateVersion>& current, const StateMeta& incoming,
                             std::string_view incoming_sha256);

// JSON of a version for the state-versions API (WorkspaceData shape plus serial etc.).
boost::json::object StateVersionToJson(const StateVersion& v, std::string_view account,
                                       std::string_view org, std::string_view project,
                                       std::string_view workspace);

// The `resources` response of iacm-api.md §5.4 built from a state body. Sensitive values
// (outputs marked sensitive, attributes named in sensitive_attributes) are replaced.
absl::StatusOr<boost::json::object> ExtractResources(std::string_view state_body);

}  // namespace terrane::model
