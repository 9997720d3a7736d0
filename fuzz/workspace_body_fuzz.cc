// Fuzzes the workspace, org and project body parsers. An accepted workspace body must
// survive WorkspaceToJson -> ParseWorkspaceCreate unchanged, since clients send back what a
// GET returned.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "boost/json/serialize.hpp"
#include "common/check.h"
#include "model/tenancy.h"
#include "model/workspace.h"

namespace model = terrane::model;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static_cast<void>(model::ValidateWorkspaceIdentifier(body));
  static_cast<void>(model::ValidatePlatformIdentifier(body, "identifier"));
  static_cast<void>(model::ParseOrgCreate(body));
  static_cast<void>(model::ParseProjectCreate(body, "default"));
  static_cast<void>(model::ParseWorkspaceUpdate(body, "ws"));

  const auto created = model::ParseWorkspaceCreate(body);
  if (!created.ok()) return 0;
  model::Workspace ws;
  ws.key = {.account = "acc", .org = "org", .project = "proj", .identifier = created->first};
  ws.spec = created->second;
  const std::string shown = boost::json::serialize(model::WorkspaceToJson(ws));
  const auto again = model::ParseWorkspaceCreate(shown);
  TERRANE_CHECK(again.ok());
  TERRANE_CHECK(again->first == created->first);
  const model::WorkspaceSpec& a = created->second;
  const model::WorkspaceSpec& b = again->second;
  TERRANE_CHECK(a.name == b.name && a.description == b.description);
  TERRANE_CHECK(a.provisioner == b.provisioner && a.tags == b.tags);
  TERRANE_CHECK(a.terraform_variables.size() == b.terraform_variables.size());
  TERRANE_CHECK(a.environment_variables.size() == b.environment_variables.size());
  for (const auto& [key, value] : a.settings) {
    const boost::json::value* echoed = b.settings.if_contains(key);
    TERRANE_CHECK(echoed != nullptr && *echoed == value);
  }
  const auto update = model::ParseWorkspaceUpdate(shown, created->first);
  TERRANE_CHECK(update.ok());
  return 0;
}
