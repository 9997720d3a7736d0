// The CLI's view of its terminal: whether stdin/stdout are terminals, colour only then, and
// prompts that read one line from stdin. Not thread-safe (one per command).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace terrane::cli {

class Terminal {
 public:
  // Looks at the real stdin and stdout (isatty). NO_COLOR in the environment turns colour off.
  static Terminal Detect();
  Terminal(bool stdin_tty, bool stdout_tty, bool colour)
      : stdin_tty_(stdin_tty), stdout_tty_(stdout_tty), colour_(colour) {}

  // True when questions can be asked: stdin is a terminal.
  bool interactive() const { return stdin_tty_; }
  // True when progress lines and colour are shown: stdout is a terminal.
  bool fancy() const { return stdout_tty_; }

  // `text` wrapped in an ANSI colour when colour is on: "green", "red", "yellow", "bold", "dim".
  std::string Paint(std::string_view colour, std::string_view text) const;

  // Writes `question` to stderr and reads one line from stdin (without its newline).
  // Cancelled when stdin ends before a line.
  absl::StatusOr<std::string> Ask(std::string_view question) const;
  // Ask without echoing the answer (for API keys), when stdin is a terminal.
  absl::StatusOr<std::string> AskSecret(std::string_view question) const;

 private:
  bool stdin_tty_;
  bool stdout_tty_;
  bool colour_;
};

}  // namespace terrane::cli
