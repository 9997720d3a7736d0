// ProcessLauncher: the seam through which runs spawn git and terraform. A process runs in its
// own process group with stdin from /dev/null and stdout and stderr merged into one pipe (or
// stderr sent to /dev/null), so signals reach terraform and everything it started (providers,
// local-exec commands).
// Thread-safety: a launcher is thread-safe; one Process is used by one thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace terrane::runner {

struct ProcessSpec {
  std::string executable;          // absolute path (see FindExecutable)
  std::vector<std::string> args;   // argv[1..]
  std::vector<std::string> env;    // the complete environment, "NAME=value"
  std::string cwd;                 // working directory
  // Sends stderr to /dev/null instead of the pipe: for output that is parsed (`show -json`),
  // where a warning (a missing CLI config file) would make it unreadable.
  bool discard_stderr = false;
};

class Process {
 public:
  virtual ~Process() = default;
  // Appends output that is available, waiting at most `timeout` for some. Returns false once the
  // output is closed (the process and every child holding the pipe exited).
  virtual absl::StatusOr<bool> ReadOutput(std::string& out, std::chrono::milliseconds timeout) = 0;
  // Sends `signal` to the whole process group. Harmless after the group exited.
  virtual void SignalGroup(int signal) = 0;
  // Waits for the process to exit and returns its exit code (128 + N when killed by signal N).
  virtual int Wait() = 0;
};

class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;
  // Starts `spec`. Internal when the process cannot be created.
  virtual absl::StatusOr<std::unique_ptr<Process>> Start(const ProcessSpec& spec) = 0;
};

// The POSIX implementation (posix_spawn, process groups). Thread-safe.
class PosixProcessLauncher final : public ProcessLauncher {
 public:
  // ProcessLauncher
  absl::StatusOr<std::unique_ptr<Process>> Start(const ProcessSpec& spec) override;
};

// `name` itself when it contains a '/', else the first executable `dir/name` for the dirs of
// the PATH-style list `path`. NotFound naming `name` and `path` otherwise.
absl::StatusOr<std::string> FindExecutable(const std::string& name, const std::string& path);

}  // namespace terrane::runner
