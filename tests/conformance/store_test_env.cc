#include "store_test_env.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "common/crypto.h"

namespace terrane::storage::testing {

std::vector<StoreBackendFactory> AllStoreBackends() {
  // A PostgreSQL backend joins here when TERRANE_TEST_PG_URL is set.
  return {SqliteBackendFactory()};
}

void StoreTest::SetUp() {
  backend_ = GetParam().make();
  ASSERT_OK_AND_ASSIGN(store_, backend_->OpenStore());
  SeedProject(kAccount, kOrg, kProject);
}

void StoreTest::SeedProject(std::string_view account, std::string_view org,
                            std::string_view project) {
  ASSERT_OK_AND_ASSIGN(bool account_exists, store().AccountExists(account));
  if (!account_exists) ASSERT_OK(store().CreateAccount(account, 1));
  if (absl::IsNotFound(store().GetOrg(account, org).status())) {
    model::Org o;
    o.account = std::string(account);
    o.identifier = std::string(org);
    o.name = Cat("Org ", org);
    ASSERT_OK(store().CreateOrg(o));
  }
  if (absl::IsNotFound(store().GetProject(account, org, project).status())) {
    model::Project p;
    p.account = std::string(account);
    p.org = std::string(org);
    p.identifier = std::string(project);
    p.name = Cat("Project ", project);
    ASSERT_OK(store().CreateProject(p));
  }
}

model::WorkspaceKey StoreTest::Key(std::string_view identifier, std::string_view project) {
  return model::WorkspaceKey{.account = std::string(kAccount),
                             .org = std::string(kOrg),
                             .project = std::string(project),
                             .identifier = std::string(identifier)};
}

model::WorkspaceSpec StoreTest::FullSpec(std::string_view name) {
  model::WorkspaceSpec spec;
  spec.name = std::string(name);
  spec.description = Cat("description of ", name);
  spec.provisioner = "terraform";
  spec.tags = {{"team", "platform"}, {"env", "prod"}, {"bare", ""}};
  spec.terraform_variables["region"] = Var("region", "eu-west-1");
  spec.terraform_variables["size"] = Var("size", "3");
  spec.environment_variables["TF_TOKEN"] = Var("TF_TOKEN", "account.secret.tok", "secret");
  spec.settings = boost::json::object{
      {"provisioner_version", "1.5.7"},
      {"repository", "https://git.example.com/infra.git"},
      {"repository_branch", "main"},
      {"cost_estimation_enabled", true},
      {"budget", 12.5},
      {"provider_connectors",
       boost::json::array{boost::json::object{{"connector_ref", "aws_conn"}, {"type", "aws"}}}}};
  return spec;
}

void StoreTest::CreateWorkspace(std::string_view identifier, std::string_view name, int64_t now) {
  ASSERT_OK(
      store().CreateWorkspace(Key(identifier), FullSpec(name.empty() ? identifier : name), now));
}

TestState StoreTest::MakeState(int64_t serial, std::string_view lineage, int64_t managed,
                               std::string_view salt) {
  std::string resources;
  for (int64_t i = 0; i < managed; ++i) {
    absl::StrAppend(&resources, i == 0 ? "" : ",",
                    R"({"mode":"managed","type":"null_resource","name":"r)", i,
                    R"(","instances":[]})");
  }
  TestState state;
  state.body =
      Cat(R"({"version":4,"terraform_version":"1.11.4","serial":)", serial, R"(,"lineage":")",
          lineage, R"(","resources":[)", resources, R"(],"salt":")", salt, "\"}\n");
  state.meta = model::StateMeta{
      .serial = serial, .lineage = std::string(lineage), .managed_resources = managed};
  state.sha256 = Sha256Hex(state.body);
  return state;
}

absl::StatusOr<StateWriteResult> StoreTest::Put(const model::WorkspaceKey& key,
                                                const TestState& state, int64_t now,
                                                std::optional<std::string> lock_id) {
  return store().PutState(key, StateWrite{.body = state.body,
                                          .meta = state.meta,
                                          .sha256 = state.sha256,
                                          .lock_id = std::move(lock_id),
                                          .created_by = "key_writer",
                                          .now = now});
}

model::Lock StoreTest::MakeLock(std::string_view id, model::LockOrigin origin) {
  return model::Lock{.id = std::string(id),
                     .origin = origin,
                     .info_json = Cat(R"({"ID":")", id,
                                      R"(","Operation":"OperationTypeApply","Info":"",)"
                                      R"("Who":"alice@laptop","Version":"1.11.4",)"
                                      R"("Created":"2026-01-02T03:04:05.123Z","Path":""})"),
                     .operation = "OperationTypeApply",
                     .reason = "testing",
                     .principal_id = "key_alice",
                     .principal_type = "api_key",
                     .display_name = "Alice",
                     .created = 4242};
}

int64_t StoreTest::WorkspaceRowId(std::string_view identifier) {
  return backend().QueryInt(
      Cat("SELECT COALESCE(MAX(w.id), -1) FROM workspaces w JOIN projects p ON p.id = w.project_id"
          " WHERE p.identifier = '",
          kProject, "' AND w.identifier = '", identifier, "'"));
}

int64_t StoreTest::RowsFor(std::string_view table, int64_t row_id) {
  return backend().QueryInt(Cat("SELECT COUNT(*) FROM ", table, " WHERE workspace_id = ", row_id));
}

std::string LockPayload(const absl::Status& status) {
  auto payload = status.GetPayload(AsAbsl(model::kLockInfoPayload));
  return payload ? std::string(*payload) : std::string();
}

}  // namespace terrane::storage::testing
