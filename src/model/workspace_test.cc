#include "model/workspace.h"

#include <string>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

namespace terrane::model {
namespace {

namespace json = boost::json;

// A minimal valid create body with `extra` members appended.
std::string Body(std::string_view extra = "") {
  std::string body = R"({"identifier":"ws_1","name":"My ws","provisioner":"terraform")";
  if (!extra.empty()) body += ",";
  body += extra;
  body += "}";
  return body;
}

std::string CreateError(std::string_view body) {
  auto parsed = ParseWorkspaceCreate(body);
  EXPECT_FALSE(parsed.ok()) << body;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(WorkspaceStatusTest, RoundTripsAllNine) {
  const WorkspaceStatus all[] = {
      WorkspaceStatus::kInactive,        WorkspaceStatus::kActive,  WorkspaceStatus::kProvisioning,
      WorkspaceStatus::kDestroying,      WorkspaceStatus::kDrifted, WorkspaceStatus::kApplyNeeded,
      WorkspaceStatus::kRollbackApplied, WorkspaceStatus::kFailed,  WorkspaceStatus::kUnknown};
  for (WorkspaceStatus s : all) EXPECT_EQ(ParseWorkspaceStatus(ToString(s)), s);
  EXPECT_EQ(ToString(WorkspaceStatus::kApplyNeeded), "apply_needed");
  EXPECT_EQ(ToString(WorkspaceStatus::kRollbackApplied), "rollback_applied");
  EXPECT_EQ(ParseWorkspaceStatus("Active"), std::nullopt);
  EXPECT_EQ(ParseWorkspaceStatus(""), std::nullopt);
}

TEST(ValidateWorkspaceIdentifierTest, EdgeCases) {
  EXPECT_TRUE(ValidateWorkspaceIdentifier("a").ok());
  EXPECT_TRUE(ValidateWorkspaceIdentifier("_x-1_y").ok());
  EXPECT_TRUE(ValidateWorkspaceIdentifier(std::string(128, 'a')).ok());
  EXPECT_FALSE(ValidateWorkspaceIdentifier(std::string(129, 'a')).ok());
  EXPECT_FALSE(ValidateWorkspaceIdentifier("").ok());
  EXPECT_FALSE(ValidateWorkspaceIdentifier("1abc").ok());
  EXPECT_FALSE(ValidateWorkspaceIdentifier("-abc").ok());
  EXPECT_FALSE(ValidateWorkspaceIdentifier("a$b").ok());
  EXPECT_FALSE(ValidateWorkspaceIdentifier("a.b").ok());
  EXPECT_EQ(ValidateWorkspaceIdentifier("x y").message(),
            "identifier 'x y' must match ^[A-Za-z_][A-Za-z0-9_-]*$ (1-128 characters)");
}

TEST(ParseWorkspaceCreateTest, Minimal) {
  auto parsed = ParseWorkspaceCreate(Body());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->first, "ws_1");
  EXPECT_EQ(parsed->second.name, "My ws");
  EXPECT_EQ(parsed->second.provisioner, "terraform");
  EXPECT_EQ(parsed->second.description, "");
  EXPECT_TRUE(parsed->second.tags.empty());
  EXPECT_TRUE(parsed->second.terraform_variables.empty());
  EXPECT_TRUE(parsed->second.settings.empty());
}

TEST(ParseWorkspaceCreateTest, FullBody) {
  auto parsed = ParseWorkspaceCreate(Body(R"(
      "description":"d","provisioner_version":"1.5.7","provider_connector":"aws_conn",
      "repository":"infra","repository_connector":"gh","repository_branch":"main",
      "repository_commit":"","repository_path":"envs/prod","repository_submodules":"recursive",
      "cost_estimation_enabled":true,"budget":12.5,"prune_sensitive_data":false,
      "provisioner_configuration":{"language":"go"},"default_pipelines":{"plan":{}},
      "provider_connectors":[{"connector_ref":"a","type":"aws"}],"variable_sets":["vs1"],
      "terraform_variable_files":[{"repository":"r"}],"sparse_checkout":["a/","b/"],
      "tags":{"team":"platform"},"unknown_field":[1,2],"state_checksum":"abc",
      "terraform_variables":{"region":{"key":"region","value":"eu-west-1","value_type":"string"}},
      "environment_variables":{"TOKEN":{"value":"account.tok","value_type":"secret"}})"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const WorkspaceSpec& spec = parsed->second;
  EXPECT_EQ(spec.description, "d");
  EXPECT_EQ(spec.tags.at("team"), "platform");
  EXPECT_EQ(spec.terraform_variables.at("region").value, "eu-west-1");
  EXPECT_EQ(spec.terraform_variables.at("region").value_type, "string");
  EXPECT_EQ(spec.environment_variables.at("TOKEN").key, "TOKEN");
  EXPECT_EQ(spec.environment_variables.at("TOKEN").value_type, "secret");
  EXPECT_EQ(spec.settings.at("provisioner_version"), "1.5.7");
  EXPECT_EQ(spec.settings.at("repository_path"), "envs/prod");
  EXPECT_EQ(spec.settings.at("budget"), 12.5);
  EXPECT_EQ(spec.settings.at("sparse_checkout"), json::parse(R"(["a/","b/"])"));
  EXPECT_EQ(spec.settings.at("default_pipelines"), json::parse(R"({"plan":{}})"));
  EXPECT_FALSE(spec.settings.contains("unknown_field"));
  EXPECT_FALSE(spec.settings.contains("state_checksum"));
  EXPECT_FALSE(spec.settings.contains("description"));
  EXPECT_FALSE(spec.settings.contains("tags"));
}

TEST(ParseWorkspaceCreateTest, NullMeansAbsent) {
  auto parsed = ParseWorkspaceCreate(Body(
      R"("description":null,"tags":null,"terraform_variables":null,"repository":null,"budget":null)"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->second.description, "");
  EXPECT_TRUE(parsed->second.settings.empty());
}

TEST(ParseWorkspaceCreateTest, TagsArrayForm) {
  auto parsed = ParseWorkspaceCreate(Body(R"("tags":["env:prod","critical","a:b:c"])"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto& tags = parsed->second.tags;
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags.at("env"), "prod");
  EXPECT_EQ(tags.at("critical"), "");
  EXPECT_EQ(tags.at("a"), "b:c");
}

TEST(ParseWorkspaceCreateTest, BodyErrors) {
  EXPECT_EQ(CreateError("[]"), "request body must be a JSON object, got an array");
  EXPECT_EQ(CreateError("{\"identifier\":").rfind("request body is not valid JSON: ", 0), 0u);
  EXPECT_EQ(CreateError("{}"), "field 'identifier' is required");
  EXPECT_EQ(CreateError(R"({"identifier":"ws"})"), "field 'name' is required");
  EXPECT_EQ(CreateError(R"({"identifier":"ws","name":"n"})"), "field 'provisioner' is required");
}

TEST(ParseWorkspaceCreateTest, IdentifierAndNameRules) {
  EXPECT_EQ(CreateError(R"({"identifier":"x y","name":"n","provisioner":"terraform"})"),
            "identifier 'x y' must match ^[A-Za-z_][A-Za-z0-9_-]*$ (1-128 characters)");
  EXPECT_EQ(CreateError(R"({"identifier":"","name":"n","provisioner":"terraform"})"),
            "identifier '' must match ^[A-Za-z_][A-Za-z0-9_-]*$ (1-128 characters)");
  EXPECT_EQ(CreateError(R"({"identifier":"ws","name":"9 lives","provisioner":"terraform"})"),
            "name '9 lives' must match ^[A-Za-z_][A-Za-z0-9_ -]*$ (1-128 characters)");
  EXPECT_EQ(CreateError(R"({"identifier":"ws","name":"","provisioner":"terraform"})"),
            "name '' must match ^[A-Za-z_][A-Za-z0-9_ -]*$ (1-128 characters)");
  const std::string long_name(129, 'n');
  EXPECT_FALSE(ParseWorkspaceCreate(R"({"identifier":"ws","provisioner":"terraform","name":")" +
                                    long_name + "\"}")
                   .ok());
  EXPECT_TRUE(ParseWorkspaceCreate(R"({"identifier":"ws","provisioner":"terraform","name":")" +
                                   long_name.substr(1) + "\"}")
                  .ok());
  EXPECT_TRUE(ParseWorkspaceCreate(
                  R"({"identifier":"a-b_c","name":"A name - with_dash","provisioner":"opentofu"})")
                  .ok());
}

TEST(ParseWorkspaceCreateTest, ProvisionerMustBeSupported) {
  EXPECT_EQ(CreateError(R"({"identifier":"ws","name":"n","provisioner":"terragrunt"})"),
            "provisioner 'terragrunt' is not supported: Terrane runs terraform and opentofu only");
  EXPECT_EQ(CreateError(R"({"identifier":"ws","name":"n","provisioner":"Terraform"})"),
            "provisioner 'Terraform' is not supported: Terrane runs terraform and opentofu only");
}

TEST(ParseWorkspaceCreateTest, WrongTypesNameTheField) {
  struct Case {
    std::string extra;
    std::string message;
  };
  const Case cases[] = {
      {R"("identifier":1)", "field 'identifier' must be a string, got a number"},
      {R"("name":true)", "field 'name' must be a string, got a boolean"},
      {R"("provisioner":{})", "field 'provisioner' must be a string, got an object"},
      {R"("description":[])", "field 'description' must be a string, got an array"},
      {R"("tags":"a")",
       "field 'tags' must be an object of strings or an array of strings, got a string"},
      {R"("tags":{"a":1})", "field 'tags.a' must be a string, got a number"},
      {R"("terraform_variables":[])",
       "field 'terraform_variables' must be an object of variables, got an array"},
      {R"("environment_variables":{"A":"x"})",
       "field 'environment_variables.A' must be an object, got a string"},
      {R"("terraform_variables":{"a":{"value":1}})",
       "field 'terraform_variables.a.value' must be a string, got a number"},
      {R"("terraform_variables":{"a":{"key":2,"value":"v"}})",
       "field 'terraform_variables.a.key' must be a string, got a number"},
      {R"("terraform_variables":{"a":{"value":"v","value_type":false}})",
       "field 'terraform_variables.a.value_type' must be a string, got a boolean"},
      {R"("provisioner_version":1.5)",
       "field 'provisioner_version' must be a string, got a number"},
      {R"("provider_connector":null,"repository":7)",
       "field 'repository' must be a string, got a number"},
      {R"("repository_connector":[])",
       "field 'repository_connector' must be a string, got an array"},
      {R"("repository_branch":{})", "field 'repository_branch' must be a string, got an object"},
      {R"("repository_commit":1)", "field 'repository_commit' must be a string, got a number"},
      {R"("repository_sha":true)", "field 'repository_sha' must be a string, got a boolean"},
      {R"("repository_path":1)", "field 'repository_path' must be a string, got a number"},
      {R"("repository_submodules":true)",
       "field 'repository_submodules' must be a string, got a boolean"},
      {R"("repository_submodules":"yes")",
       "field 'repository_submodules' must be \"false\", \"true\" or \"recursive\", got 'yes'"},
      {R"("terragrunt_version":0)", "field 'terragrunt_version' must be a string, got a number"},
      {R"("cost_estimation_enabled":"true")",
       "field 'cost_estimation_enabled' must be a boolean, got a string"},
      {R"("ccm_cost_enabled":1)", "field 'ccm_cost_enabled' must be a boolean, got a number"},
      {R"("prune_sensitive_data":"no")",
       "field 'prune_sensitive_data' must be a boolean, got a string"},
      {R"("terragrunt_provider":[])",
       "field 'terragrunt_provider' must be a boolean, got an array"},
      {R"("run_all":{})", "field 'run_all' must be a boolean, got an object"},
      {R"("budget":"100")", "field 'budget' must be a number, got a string"},
      {R"("provisioner_configuration":"x")",
       "field 'provisioner_configuration' must be an object of strings, got a string"},
      {R"("provisioner_configuration":{"language":3})",
       "field 'provisioner_configuration.language' must be a string, got a number"},
      {R"("default_pipelines":[])", "field 'default_pipelines' must be an object, got an array"},
      {R"("associated_template":"t")",
       "field 'associated_template' must be an object, got a string"},
      {R"("provider_connectors":{})",
       "field 'provider_connectors' must be an array of objects, got an object"},
      {R"("provider_connectors":["aws"])",
       "field 'provider_connectors[0]' must be an object, got a string"},
      {R"("terraform_variable_files":[{},1])",
       "field 'terraform_variable_files[1]' must be an object, got a number"},
      {R"("variable_sets":"vs")",
       "field 'variable_sets' must be an array of strings, got a string"},
      {R"("variable_sets":["a",null])", "field 'variable_sets[1]' must be a string, got null"},
      {R"("sparse_checkout":5)",
       "field 'sparse_checkout' must be a string or an array of strings, got a number"},
      {R"("sparse_checkout":["a",{}])",
       "field 'sparse_checkout[1]' must be a string, got an object"},
  };
  for (const Case& c : cases) {
    // Members appended later replace the defaults of Body() (last duplicate wins).
    EXPECT_EQ(CreateError(Body(c.extra)), c.message) << c.extra;
  }
}

TEST(ParseWorkspaceCreateTest, SparseCheckoutString) {
  auto parsed = ParseWorkspaceCreate(Body(R"("sparse_checkout":"modules/\nenvs/")"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->second.settings.at("sparse_checkout"), "modules/\nenvs/");
}

TEST(ParseWorkspaceCreateTest, OneGitReferenceAtMost) {
  EXPECT_EQ(CreateError(Body(R"("repository_branch":"main","repository_sha":"abc")")),
            "at most one of 'repository_branch', 'repository_commit' and 'repository_sha' may be "
            "set");
  EXPECT_TRUE(ParseWorkspaceCreate(Body(R"("repository_branch":"main","repository_sha":"")")).ok());
  EXPECT_TRUE(ParseWorkspaceCreate(Body(R"("repository_commit":"v1","repository_sha":null)")).ok());
}

TEST(ParseWorkspaceCreateTest, VariableRules) {
  EXPECT_EQ(CreateError(Body(R"("terraform_variables":{"a-b":{"value":"v"}})")),
            "field 'terraform_variables' key 'a-b' must match ^[a-zA-Z0-9_]+$ (1-128 characters)");
  EXPECT_EQ(CreateError(Body(R"("environment_variables":{"":{"value":"v"}})")),
            "field 'environment_variables' key '' must match ^[a-zA-Z0-9_]+$ (1-128 characters)");
  EXPECT_EQ(CreateError(Body(R"("terraform_variables":{"a":{"key":"b","value":"v"}})")),
            "field 'terraform_variables.a.key' ('b') must equal its map key 'a'");
  EXPECT_EQ(CreateError(Body(R"("terraform_variables":{"a":{"key":"a"}})")),
            "field 'terraform_variables.a.value' is required");
  EXPECT_EQ(CreateError(Body(R"("terraform_variables":{"a":{"value":"v","value_type":"int"}})")),
            "field 'terraform_variables.a.value_type' must be \"string\" or \"secret\", got 'int'");
  const std::string key128(128, 'k');
  auto ok = ParseWorkspaceCreate(Body(R"("terraform_variables":{"9_lives":{"value":""},")" +
                                      key128 + R"(":{"value":"v","value_type":null}})"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->second.terraform_variables.at("9_lives").value_type, "string");
  EXPECT_EQ(ok->second.terraform_variables.at(key128).value, "v");
  EXPECT_FALSE(
      ParseWorkspaceCreate(Body(R"("terraform_variables":{")" + key128 + R"(k":{"value":"v"}})"))
          .ok());
}

TEST(ParseWorkspaceUpdateTest, IdentifierIsImmutable) {
  const std::string body = R"({"name":"n","provisioner":"opentofu"})";
  auto spec = ParseWorkspaceUpdate(body, "ws");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->provisioner, "opentofu");
  EXPECT_TRUE(
      ParseWorkspaceUpdate(R"({"identifier":"ws","name":"n","provisioner":"terraform"})", "ws")
          .ok());
  EXPECT_TRUE(
      ParseWorkspaceUpdate(R"({"identifier":null,"name":"n","provisioner":"terraform"})", "ws")
          .ok());
  auto moved =
      ParseWorkspaceUpdate(R"({"identifier":"other","name":"n","provisioner":"terraform"})", "ws");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(moved.status().message(),
            "identifier is immutable: the body has 'other', the path 'ws'");
  EXPECT_EQ(ParseWorkspaceUpdate(R"({"identifier":3})", "ws").status().message(),
            "field 'identifier' must be a string, got a number");
  EXPECT_EQ(ParseWorkspaceUpdate(R"({"provisioner":"terraform"})", "ws").status().message(),
            "field 'name' is required");
}

Workspace SampleWorkspace() {
  Workspace ws;
  ws.key = {.account = "acc", .org = "default", .project = "proj", .identifier = "ws"};
  ws.spec.name = "WS";
  ws.spec.description = "desc";
  ws.spec.provisioner = "terraform";
  ws.spec.tags = {{"env", "prod"}};
  ws.spec.terraform_variables["region"] = {
      .key = "region", .value = "eu", .value_type = "string", .created = 5, .updated = 6};
  ws.spec.environment_variables["TOKEN"] = {
      .key = "TOKEN", .value = "account.tok", .value_type = "secret", .created = 7, .updated = 8};
  ws.spec.settings["repository_branch"] = "main";
  ws.spec.settings["cost_estimation_enabled"] = true;
  ws.status = WorkspaceStatus::kActive;
  ws.created = 1000;
  ws.updated = 2000;
  ws.state_checksum = "abc123";
  return ws;
}

TEST(WorkspaceToJsonTest, ShowBody) {
  const json::object out = WorkspaceToJson(SampleWorkspace());
  const json::value expected = json::parse(R"({
    "account":"acc","org":"default","project":"proj","identifier":"ws","name":"WS",
    "description":"desc","provisioner":"terraform","provisioner_version":"latest",
    "provider_connector":"","repository":"","repository_connector":"","repository_path":"",
    "repository_branch":"main","cost_estimation_enabled":true,"tags":{"env":"prod"},
    "terraform_variables":{"region":{"key":"region","value":"eu","value_type":"string",
                                     "created":5,"updated":6}},
    "environment_variables":{"TOKEN":{"key":"TOKEN","value":"account.tok",
                                      "value_type":"secret","created":7,"updated":8}},
    "created":1000,"updated":2000,"provisioner_data":"","status":"active",
    "backend_locked":false,"lock":{},"state_checksum":"abc123"})");
  EXPECT_EQ(json::value(out), expected) << json::serialize(out);
}

TEST(WorkspaceToJsonTest, SettingsOverrideDefaults) {
  Workspace ws = SampleWorkspace();
  ws.spec.settings["provisioner_version"] = "1.5.7";
  ws.spec.settings["repository_path"] = "envs";
  const json::object out = WorkspaceToJson(ws);
  EXPECT_EQ(out.at("provisioner_version"), "1.5.7");
  EXPECT_EQ(out.at("repository_path"), "envs");
}

TEST(WorkspaceToJsonTest, LockOnlyShownWhenManual) {
  Workspace ws = SampleWorkspace();
  ws.lock = Lock();
  ws.lock->id = "L1";
  ws.lock->operation = "OperationTypeApply";
  json::object out = WorkspaceToJson(ws);
  EXPECT_EQ(out.at("backend_locked"), true);
  EXPECT_EQ(out.at("lock"), json::object());

  ws.lock = Lock{.id = "L2",
                 .origin = LockOrigin::kManual,
                 .info_json = "",
                 .operation = "manual",
                 .reason = "freeze",
                 .principal_id = "key1",
                 .principal_type = "api_key",
                 .display_name = "Ann",
                 .created = 42};
  out = WorkspaceToJson(ws);
  EXPECT_EQ(out.at("backend_locked"), true);
  EXPECT_EQ(out.at("lock"), json::parse(R"({"id":"L2","workspace":"ws","created_at":42,
      "manual":true,"reason":"freeze","locked_by_principal_id":"key1",
      "locked_by_principal_type":"api_key","locked_by_display_name":"Ann","origin":"manual",
      "operation":"manual"})"));
}

TEST(WorkspaceToJsonTest, RoundTripsThroughCreate) {
  const Workspace ws = SampleWorkspace();
  auto parsed = ParseWorkspaceCreate(json::serialize(WorkspaceToJson(ws)));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->first, "ws");
  EXPECT_EQ(parsed->second.tags, ws.spec.tags);
  EXPECT_EQ(parsed->second.terraform_variables.at("region").value, "eu");
  EXPECT_EQ(parsed->second.environment_variables.at("TOKEN").value_type, "secret");
  EXPECT_EQ(parsed->second.settings.at("repository_branch"), "main");
}

TEST(WorkspaceSummaryToJsonTest, ListItem) {
  WorkspaceSummary s{.key = {.account = "a", .org = "o", .project = "p", .identifier = "i"},
                     .name = "n",
                     .description = "",
                     .status = WorkspaceStatus::kDrifted,
                     .created = 1,
                     .updated = 2};
  EXPECT_EQ(json::value(WorkspaceSummaryToJson(s)),
            json::parse(R"({"account":"a","org":"o","project":"p","identifier":"i","name":"n",
                            "description":"","status":"drifted","created":1,"updated":2})"));
}

}  // namespace
}  // namespace terrane::model
