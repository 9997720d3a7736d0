// Connection settings of the CLI and where they come from: flags win over the environment
// (TERRANE_ADDR, TERRANE_API_KEY, TERRANE_ACCOUNT, TERRANE_ORG, TERRANE_PROJECT), which wins
// over the config file written by `terrane login`; then the defaults. Thread-compatible.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace terrane::cli {

inline constexpr char kDefaultAddress[] = "http://127.0.0.1:8080";

// One source of settings; an unset field defers to the next source.
struct SettingsLayer {
  std::optional<std::string> address;
  std::optional<std::string> api_key;
  std::optional<std::string> account;
  std::optional<std::string> org;
  std::optional<std::string> project;
};

// The settings a command uses. `api_key` may be empty (the server then answers 401).
struct Settings {
  std::string address = kDefaultAddress;
  std::string api_key;
  std::string account = "default";
  std::string org = "default";
  std::string project = "default";
};

// Returns the value of an environment variable, or nullptr (std::getenv in production).
using EnvLookup = std::function<const char*(const char*)>;

// flags > env > file > defaults, field by field. Empty strings count as unset.
Settings ResolveSettings(const SettingsLayer& flags, const SettingsLayer& env,
                         const SettingsLayer& file);

// The TERRANE_* variables.
SettingsLayer SettingsFromEnv(const EnvLookup& getenv);

// $XDG_CONFIG_HOME/terrane/config.json, else $HOME/.config/terrane/config.json; "" when neither
// variable is set.
std::string ConfigFilePath(const EnvLookup& getenv);

// Reads the config file; a missing file is an empty layer. InvalidArgument names the file when it
// is not a JSON object of strings.
absl::StatusOr<SettingsLayer> LoadConfigFile(const std::string& path);

// A warning when the config file at `path` holds an API key and group or others may read it
// (it is still used; `terrane login` rewrites it 0600); "" otherwise.
std::string ConfigFileModeWarning(const std::string& path, const SettingsLayer& layer);

// Writes `layer` (its set fields) to `path` with mode 0600, creating the directory (0700).
absl::Status SaveConfigFile(const std::string& path, const SettingsLayer& layer);

}  // namespace terrane::cli
