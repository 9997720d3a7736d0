#include "runner/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/strings.h"

namespace terrane::runner {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

class PosixProcess final : public Process {
 public:
  PosixProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  ~PosixProcess() override {
    if (fd_ >= 0) close(fd_);
    if (!reaped_) {
      // Never leave a zombie or an orphaned group behind.
      kill(-pid_, SIGKILL);
      Wait();
    }
  }

  // Process
  absl::StatusOr<bool> ReadOutput(std::string& out, std::chrono::milliseconds timeout) override {
    if (fd_ < 0) return false;
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    int rc = poll(&p, 1, static_cast<int>(timeout.count()));
    if (rc < 0 && errno == EINTR) return true;
    if (rc < 0) return absl::InternalError(Cat("poll: ", ErrnoText(errno)));
    if (rc == 0) return true;
    char buf[16 * 1024];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) {
      close(fd_);
      fd_ = -1;
      return false;
    }
    out.append(buf, static_cast<size_t>(n));
    return true;
  }

  void SignalGroup(int signal) override {
    if (!reaped_) kill(-pid_, signal);
  }

  int Wait() override {
    if (reaped_) return exit_code_;
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

 private:
  pid_t pid_;
  int fd_;
  bool reaped_ = false;
  int exit_code_ = -1;
};

std::vector<char*> CStrings(const std::vector<std::string>& items) {
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (const std::string& s : items) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Process>> PosixProcessLauncher::Start(const ProcessSpec& spec) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(Cat("pipe: ", ErrnoText(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  if (spec.discard_stderr) {
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  }
  posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  // The server may block or ignore signals; the child starts with defaults.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> argv_strings{spec.executable};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(spec.env);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, spec.executable.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return absl::InternalError(
        Cat("cannot start ", spec.executable, " in ", spec.cwd, ": ", ErrnoText(rc)));
  }
  return std::unique_ptr<Process>(new PosixProcess(pid, fds[0]));
}

absl::StatusOr<std::string> FindExecutable(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0) return name;
    return absl::NotFoundError(Cat("'", name, "' is not an executable file"));
  }
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    std::string candidate = Cat(dir, "/", name);
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return absl::NotFoundError(Cat("'", name, "' was not found on PATH (", path, ")"));
}

}  // namespace terrane::runner
