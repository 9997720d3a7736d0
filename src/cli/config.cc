#include "cli/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/strings.h"

namespace terrane::cli {
namespace {

namespace json = boost::json;

// The fields of a layer with their names in the config file.
template <typename Layer, typename Fn>
void ForEachField(Layer& layer, Fn fn) {
  fn("address", layer.address);
  fn("api_key", layer.api_key);
  fn("account", layer.account);
  fn("org", layer.org);
  fn("project", layer.project);
}

void Pick(std::string& out, const std::optional<std::string>& flag,
          const std::optional<std::string>& env, const std::optional<std::string>& file) {
  for (const std::optional<std::string>* source : {&flag, &env, &file}) {
    if (source->has_value() && !(*source)->empty()) {
      out = **source;
      return;
    }
  }
}

std::optional<std::string> Env(const EnvLookup& getenv, const char* name) {
  const char* v = getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

absl::Status MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string part = dir.substr(0, i);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(
          Cat("cannot create directory ", part, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Settings ResolveSettings(const SettingsLayer& flags, const SettingsLayer& env,
                         const SettingsLayer& file) {
  Settings s;
  Pick(s.address, flags.address, env.address, file.address);
  Pick(s.api_key, flags.api_key, env.api_key, file.api_key);
  Pick(s.account, flags.account, env.account, file.account);
  Pick(s.org, flags.org, env.org, file.org);
  Pick(s.project, flags.project, env.project, file.project);
  return s;
}

SettingsLayer SettingsFromEnv(const EnvLookup& getenv) {
  return SettingsLayer{.address = Env(getenv, "TERRANE_ADDR"),
                       .api_key = Env(getenv, "TERRANE_API_KEY"),
                       .account = Env(getenv, "TERRANE_ACCOUNT"),
                       .org = Env(getenv, "TERRANE_ORG"),
                       .project = Env(getenv, "TERRANE_PROJECT")};
}

std::string ConfigFilePath(const EnvLookup& getenv) {
  if (std::optional<std::string> xdg = Env(getenv, "XDG_CONFIG_HOME")) {
    return *xdg + "/terrane/config.json";
  }
  if (std::optional<std::string> home = Env(getenv, "HOME")) {
    return *home + "/.config/terrane/config.json";
  }
  return "";
}

absl::StatusOr<SettingsLayer> LoadConfigFile(const std::string& path) {
  SettingsLayer layer;
  if (path.empty()) return layer;
  std::ifstream in(path);
  if (!in) return layer;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  auto bad = [&path](std::string_view why) {
    return absl::InvalidArgumentError(
        Cat("config file ", path, " ", why, "; fix it or run `terrane login` again"));
  };
  if (ec || !doc.is_object()) return bad("is not a JSON object");
  absl::Status status;
  ForEachField(layer, [&](std::string_view name, std::optional<std::string>& field) {
    const json::value* v = doc.get_object().if_contains(name);
    if (v == nullptr) return;
    if (!v->is_string()) {
      status = bad(Cat("has a non-string '", name, "'"));
      return;
    }
    field = std::string(v->get_string());
  });
  if (!status.ok()) return status;
  return layer;
}

std::string ConfigFileModeWarning(const std::string& path, const SettingsLayer& layer) {
  struct stat st {};
  if (path.empty() || !layer.api_key.has_value() || stat(path.c_str(), &st) != 0) return "";
  mode_t mode = st.st_mode & 0777;
  if ((mode & 0077) == 0) return "";
  char octal[8];
  std::snprintf(octal, sizeof(octal), "%04o", static_cast<unsigned>(mode));
  return Cat("warning: config file ", path,
             " holds an API key and is readable by group or others (mode ", octal,
             "): run `chmod 600 ", path, "`");
}

absl::Status SaveConfigFile(const std::string& path, const SettingsLayer& layer) {
  if (path.empty()) {
    return absl::FailedPreconditionError(
        "neither XDG_CONFIG_HOME nor HOME is set: nowhere to keep the config file");
  }
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (absl::Status s = MakeDirs(path.substr(0, slash)); !s.ok()) return s;
  }
  json::object doc;
  ForEachField(layer, [&](std::string_view name, const std::optional<std::string>& field) {
    if (field.has_value()) doc[name] = *field;
  });
  std::string text = json::serialize(doc) + "\n";
  // Created 0600 and re-chmodded in case the file existed with a wider mode: it holds a key.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return absl::PermissionDeniedError(Cat("cannot write ", path, ": ", std::strerror(errno)));
  bool ok = fchmod(fd, 0600) == 0 &&
            write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int saved = errno;
  ok = (close(fd) == 0) && ok;
  if (!ok) return absl::InternalError(Cat("cannot write ", path, ": ", std::strerror(saved)));
  return absl::OkStatus();
}

}  // namespace terrane::cli
