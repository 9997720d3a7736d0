// Workspace create and update bodies built from a file (JSON or YAML, the API's body shape) and
// command-line flags, which override the file. Pure apart from reading the file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"

namespace CLI {
class App;
}

namespace terrane::cli::internal {

struct WorkspaceFlags {
  std::string file;
  std::string name;
  std::string description;
  std::string provisioner;
  std::string provisioner_version;
  std::string repository;
  std::string branch;
  std::string commit;  // a tag
  std::string sha;
  std::optional<std::string> path;       // "" is a valid folder (the repository root)
  std::vector<std::string> vars;         // NAME=VALUE terraform variables
  std::vector<std::string> secret_vars;  // NAME=SECRET_REF
  std::vector<std::string> env;          // NAME=VALUE environment variables
  std::vector<std::string> secret_env;   // NAME=SECRET_REF
  std::vector<std::string> unset;        // variable names removed from both maps
  std::vector<std::string> tags;         // KEY:VALUE or KEY
};

// Declares the flags on `cmd`, bound to `f`.
void AddWorkspaceFlags(CLI::App* cmd, WorkspaceFlags& f);

// The file's object: YAML unless it parses as JSON. InvalidArgument names the file.
absl::StatusOr<boost::json::object> LoadWorkspaceFile(const std::string& path);

// Applies the flags that were given to `body` (a create/update body or a workspace's show
// body). A new branch, tag or sha replaces the other two. InvalidArgument for malformed
// NAME=VALUE or KEY:VALUE items.
absl::Status ApplyWorkspaceFlags(const WorkspaceFlags& f, boost::json::object& body);

}  // namespace terrane::cli::internal
