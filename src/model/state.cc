#include "model/state.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "boost/json/value.hpp"
#include "common/status_macros.h"
#include "model/internal/json_util.h"
#include "model/internal/state_meta_parser.h"

namespace terrane::model {

namespace json = boost::json;

absl::StatusOr<StateMeta> ParseStateMeta(std::string_view body) {
  internal::StateMetaParser parser;
  TERRANE_RETURN_IF_ERROR(parser.Write(body));
  return parser.Finish();
}

absl::Status CheckStateWrite(const std::optional<StateVersion>& current, const StateMeta& incoming,
                             std::string_view incoming_sha256) {
  if (!current.has_value()) return absl::OkStatus();
  if (incoming_sha256 == current->sha256) {
    return absl::AlreadyExistsError("identical state already stored");
  }
  // A different lineage is a new state history (e.g. `init -migrate-state`); terraform's own
  // client-side checks govern it, so the server accepts it.
  if (incoming.lineage != current->lineage) return absl::OkStatus();
  if (incoming.serial < current->serial) {
    return absl::FailedPreconditionError(internal::Cat(
        "state serial ", incoming.serial, " is lower than the current serial ", current->serial,
        " of lineage ", internal::Quote(current->lineage),
        "; pull the latest state (terraform state pull), reapply your change on top of it and "
        "push again; to restore an older version use the workspace's state rollback"));
  }
  if (incoming.serial == current->serial) {
    return absl::FailedPreconditionError(internal::Cat(
        "state serial ", incoming.serial, " was already stored with different content for lineage ",
        internal::Quote(current->lineage),
        "; another writer changed the state: pull the latest state (terraform state pull) and "
        "retry, and keep state locking enabled"));
  }
  return absl::OkStatus();
}

json::object StateVersionToJson(const StateVersion& v, std::string_view account,
                                std::string_view org, std::string_view project,
                                std::string_view workspace) {
  return json::object{{"id", v.id},
                      {"account", account},
                      {"org", org},
                      {"project", project},
                      {"workspace", workspace},
                      {"created", v.created},
                      {"data_type", "state_raw"},
                      {"provisioner_type", "tf"},
                      {"serial", v.serial},
                      {"lineage", v.lineage},
                      {"sha256", v.sha256},
                      {"checksum", v.sha256},
                      {"size", v.size},
                      {"resource_count", v.managed_resources},
                      {"created_by", v.created_by},
                      {"rollback_source_id", v.rollback_source_id},
                      {"pipeline_id", ""},
                      {"stage_id", ""},
                      {"pipeline_execution_id", ""},
                      {"pipeline_stage_id", ""}};
}

}  // namespace terrane::model
