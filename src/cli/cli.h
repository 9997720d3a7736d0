// The client subcommands of `terrane` (login, org, project, workspace, run), talking to a server
// over its REST API. main.cc adds them to its CLI11 app and runs the one the user chose.
#pragma once

#include <memory>
#include <optional>

namespace CLI {
class App;
}

namespace terrane::cli {

namespace internal {
class Registry;
}

class ClientCommands {
 public:
  // Adds the client subcommands to `app`, which must outlive this object.
  explicit ClientCommands(CLI::App& app);
  ~ClientCommands();

  // After `app` parsed the command line: the exit code of the client command it selected (run
  // now), or nullopt when the user chose another subcommand. Errors print one line to stderr.
  std::optional<int> Run();

 private:
  std::unique_ptr<internal::Registry> registry_;
};

}  // namespace terrane::cli
