// What every client command shares: the context it runs with and the registry that declares
// subcommands with their common flags, help footer and action.
#pragma once

#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "cli/api_client.h"
#include "cli/config.h"
#include "cli/terminal.h"

namespace CLI {
class App;
}

namespace terrane::cli::internal {

// Exit codes: a run that did not succeed is distinguishable from a failing command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitRunFailed = 2;
inline constexpr int kExitRunStopped = 3;  // cancelled or rejected

struct Context {
  ApiClient& api;
  Terminal terminal;
  bool json = false;  // --output json
  std::ostream& out = std::cout;
  std::string config_path;  // where `terrane login` writes

  // Prints `doc` as JSON (one document, newline-terminated).
  void PrintJson(const boost::json::value& doc) const;
};

// An action returns the exit code, or an error printed as one line.
using Action = std::function<absl::StatusOr<int>(Context&)>;

class Registry {
 public:
  explicit Registry(CLI::App& app) : app_(app) {}

  CLI::App& app() { return app_; }
  // A group command (`workspace`, `run`, ...) needing a subcommand, with an example footer.
  CLI::App* Group(CLI::App* parent, std::string name, std::string description, std::string example);
  // A command that talks to a server: connection and --output flags, an example footer, and
  // `action` run by ClientCommands::Run when the user chose it.
  CLI::App* Command(CLI::App* parent, std::string name, std::string description,
                    std::string example, Action action);

  // The chosen action, once parsing is done.
  const Action* chosen() const { return chosen_ ? &*chosen_ : nullptr; }
  const SettingsLayer& flags() const { return flags_; }
  const std::string& output() const { return output_; }

 private:
  CLI::App& app_;
  SettingsLayer flags_;
  std::string output_ = "table";
  std::optional<Action> chosen_;
};

// The subcommands, by file.
void AddTenancyCommands(Registry& r);
void AddAccessCommands(Registry& r);
void AddWorkspaceCommands(Registry& r, CLI::App* workspace);
void AddStateCommands(Registry& r, CLI::App* workspace);
void AddRunCommands(Registry& r, CLI::App* workspace);
void AddAuditCommands(Registry& r);

// Small JSON accessors for server answers ("" / 0 when missing or of another type).
std::string Str(const boost::json::value& v, std::string_view key);
int64_t Int(const boost::json::value& v, std::string_view key);
bool Bool(const boost::json::value& v, std::string_view key);
const boost::json::array& Arr(const boost::json::value& v);

}  // namespace terrane::cli::internal
