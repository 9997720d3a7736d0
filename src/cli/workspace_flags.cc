#include "cli/internal/workspace_flags.h"

#include <fstream>
#include <sstream>

#include "CLI/CLI.hpp"
#include "boost/json/parse.hpp"
#include "cli/internal/yaml.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

json::object& ObjectField(json::object& body, std::string_view key) {
  json::value& v = body[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

absl::Status AddVariables(const std::vector<std::string>& items, std::string_view value_type,
                          std::string_view flag, json::object& vars) {
  for (const std::string& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(Cat(flag, " takes NAME=VALUE, got '", item, "'"));
    }
    std::string key = item.substr(0, eq);
    vars[key] =
        json::object{{"key", key}, {"value", item.substr(eq + 1)}, {"value_type", value_type}};
  }
  return absl::OkStatus();
}

void SetIfGiven(json::object& body, std::string_view key, const std::string& value) {
  if (!value.empty()) body[key] = value;
}

}  // namespace

void AddWorkspaceFlags(CLI::App* cmd, WorkspaceFlags& f) {
  cmd->add_option("-f,--file", f.file, "A JSON or YAML file with the API's workspace body");
  cmd->add_option("--name", f.name, "Display name");
  cmd->add_option("--description", f.description, "Description");
  cmd->add_option("--provisioner", f.provisioner, "terraform or opentofu");
  cmd->add_option("--provisioner-version", f.provisioner_version, "e.g. 1.11 or latest");
  cmd->add_option("--repository", f.repository, "Git URL or path of the configuration");
  cmd->add_option("--branch", f.branch, "Git branch to run");
  cmd->add_option("--git-tag", f.commit, "Git tag to run (instead of a branch)");
  cmd->add_option("--sha", f.sha, "Git commit SHA to run (instead of a branch)");
  cmd->add_option_function<std::string>(
      "--path", [&f](const std::string& v) { f.path = v; },
      "Folder of the module inside the repository");
  cmd->add_option("--var", f.vars, "Terraform variable NAME=VALUE (repeatable)");
  cmd->add_option("--secret-var", f.secret_vars,
                  "Terraform variable from a secret, NAME=REF (REF: name, org.name, account.name)");
  cmd->add_option("--env", f.env, "Environment variable NAME=VALUE (repeatable)");
  cmd->add_option("--secret-env", f.secret_env, "Environment variable from a secret, NAME=REF");
  cmd->add_option("--unset", f.unset, "Remove a terraform or environment variable by name");
  cmd->add_option("--tag", f.tags, "Tag KEY:VALUE or KEY (repeatable)");
}

absl::StatusOr<json::object> LoadWorkspaceFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(Cat("cannot read workspace file ", path));
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec) {
    absl::StatusOr<json::value> yaml = ParseYaml(text.str());
    if (!yaml.ok()) {
      return absl::InvalidArgumentError(
          Cat("workspace file ", path, " is neither JSON nor YAML: ", yaml.status().message()));
    }
    doc = *std::move(yaml);
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(Cat("workspace file ", path, " must hold one object"));
  }
  return std::move(doc.get_object());
}

absl::Status ApplyWorkspaceFlags(const WorkspaceFlags& f, json::object& body) {
  SetIfGiven(body, "name", f.name);
  SetIfGiven(body, "description", f.description);
  SetIfGiven(body, "provisioner", f.provisioner);
  SetIfGiven(body, "provisioner_version", f.provisioner_version);
  SetIfGiven(body, "repository", f.repository);
  if (f.path.has_value()) body["repository_path"] = *f.path;
  int refs = !f.branch.empty() + !f.commit.empty() + !f.sha.empty();
  if (refs > 1) {
    return absl::InvalidArgumentError("give only one of --branch, --git-tag and --sha");
  }
  if (refs == 1) {
    body.erase("repository_branch");
    body.erase("repository_commit");
    body.erase("repository_sha");
    SetIfGiven(body, "repository_branch", f.branch);
    SetIfGiven(body, "repository_commit", f.commit);
    SetIfGiven(body, "repository_sha", f.sha);
  }
  // One map at a time: inserting into `body` invalidates references into it.
  ObjectField(body, "terraform_variables");
  ObjectField(body, "environment_variables");
  for (const std::string& name : f.unset) {
    if (body["terraform_variables"].get_object().erase(name) +
            body["environment_variables"].get_object().erase(name) ==
        0) {
      return absl::InvalidArgumentError(
          Cat("--unset ", name, ": the workspace has no such variable"));
    }
  }
  json::object& tf = body["terraform_variables"].get_object();
  TERRANE_RETURN_IF_ERROR(AddVariables(f.vars, "string", "--var", tf));
  TERRANE_RETURN_IF_ERROR(AddVariables(f.secret_vars, "secret", "--secret-var", tf));
  json::object& env = body["environment_variables"].get_object();
  TERRANE_RETURN_IF_ERROR(AddVariables(f.env, "string", "--env", env));
  TERRANE_RETURN_IF_ERROR(AddVariables(f.secret_env, "secret", "--secret-env", env));
  if (!f.tags.empty()) {
    json::object& tags = ObjectField(body, "tags");
    for (const std::string& tag : f.tags) {
      size_t colon = tag.find(':');
      if (colon == 0) return absl::InvalidArgumentError(Cat("--tag '", tag, "' has no key"));
      if (colon == std::string::npos) {
        tags[tag] = "";
      } else {
        tags[tag.substr(0, colon)] = tag.substr(colon + 1);
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace terrane::cli::internal
