#include "cli/cli.h"

#include <cstdlib>
#include <iostream>

#include "CLI/CLI.hpp"
#include "boost/json/serialize.hpp"
#include "cli/internal/command.h"

namespace terrane::cli {
namespace internal {

namespace json = boost::json;

void Context::PrintJson(const json::value& doc) const { out << json::serialize(doc) << "\n"; }

CLI::App* Registry::Group(CLI::App* parent, std::string name, std::string description,
                          std::string example) {
  CLI::App* group = parent->add_subcommand(std::move(name), std::move(description));
  group->require_subcommand(1);
  group->footer("Example:\n  " + example);
  return group;
}

CLI::App* Registry::Command(CLI::App* parent, std::string name, std::string description,
                            std::string example, Action action) {
  CLI::App* cmd = parent->add_subcommand(std::move(name), std::move(description));
  // Bound to the same members from every command: only the chosen command's flags are parsed.
  auto bind = [cmd](const char* flag, std::optional<std::string>& field, const char* help) {
    cmd->add_option_function<std::string>(
           flag, [&field](const std::string& v) { field = v; }, help)
        ->group("Connection");
  };
  bind("--addr", flags_.address, "Server address, http://HOST:PORT (env TERRANE_ADDR)");
  bind("--api-key", flags_.api_key, "API key (env TERRANE_API_KEY)");
  bind("--account", flags_.account, "Account identifier (env TERRANE_ACCOUNT)");
  bind("--org", flags_.org, "Organization identifier (env TERRANE_ORG)");
  bind("--project", flags_.project, "Project identifier (env TERRANE_PROJECT)");
  cmd->add_option("-o,--output", output_, "table (for people) or json (for scripts)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->footer("Example:\n  " + example);
  cmd->callback([this, cmd, action = std::move(action)] {
    // An empty identifier would leave its path segment out and reach another route (the
    // workspace list instead of one workspace): a usage error, whatever the command.
    for (const CLI::Option* opt : cmd->get_options()) {
      if (!opt->get_positional()) continue;
      for (const std::string& value : opt->results()) {
        if (value.empty()) throw CLI::ValidationError(opt->get_name(), "must not be empty");
      }
    }
    chosen_ = action;
  });
  return cmd;
}

std::string Str(const json::value& v, std::string_view key) {
  const json::value* f = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
}

int64_t Int(const json::value& v, std::string_view key) {
  const json::value* f = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  if (f == nullptr) return 0;
  if (f->is_int64()) return f->get_int64();
  if (f->is_uint64()) return static_cast<int64_t>(f->get_uint64());
  if (f->is_double()) return static_cast<int64_t>(f->get_double());
  return 0;
}

bool Bool(const json::value& v, std::string_view key) {
  const json::value* f = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  return f != nullptr && f->is_bool() && f->get_bool();
}

const json::array& Arr(const json::value& v) {
  static const json::array kEmpty;
  return v.is_array() ? v.get_array() : kEmpty;
}

}  // namespace internal

ClientCommands::ClientCommands(CLI::App& app)
    : registry_(std::make_unique<internal::Registry>(app)) {
  internal::AddTenancyCommands(*registry_);
  internal::AddAccessCommands(*registry_);
  CLI::App* workspace = registry_->Group(
      &app, "workspace", "Workspaces: list, inspect, create, provision, destroy, delete",
      "terrane workspace list --output json");
  workspace->alias("ws");
  internal::AddWorkspaceCommands(*registry_, workspace);
  internal::AddStateCommands(*registry_, workspace);
  internal::AddRunCommands(*registry_, workspace);
  internal::AddAuditCommands(*registry_);
}

ClientCommands::~ClientCommands() = default;

std::optional<int> ClientCommands::Run() {
  const internal::Action* action = registry_->chosen();
  if (action == nullptr) return std::nullopt;
  EnvLookup env = [](const char* name) { return std::getenv(name); };
  std::string path = ConfigFilePath(env);
  auto fail = [](const absl::Status& status) {
    std::cout.flush();
    std::cerr << "error: " << status.message() << std::endl;
    return internal::kExitError;
  };
  absl::StatusOr<SettingsLayer> file = LoadConfigFile(path);
  if (!file.ok()) return fail(file.status());
  if (std::string warning = ConfigFileModeWarning(path, *file); !warning.empty()) {
    std::cerr << warning << std::endl;
  }
  absl::StatusOr<ApiClient> api =
      ApiClient::Create(ResolveSettings(registry_->flags(), SettingsFromEnv(env), *file));
  if (!api.ok()) return fail(api.status());
  internal::Context ctx{.api = *api,
                        .terminal = Terminal::Detect(),
                        .json = registry_->output() == "json",
                        .config_path = path};
  absl::StatusOr<int> code = (*action)(ctx);
  std::cout.flush();
  if (!code.ok()) return fail(code.status());
  return *code;
}

}  // namespace terrane::cli
