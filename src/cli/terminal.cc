#include "cli/terminal.h"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "common/strings.h"

namespace terrane::cli {

Terminal Terminal::Detect() {
  bool out_tty = isatty(STDOUT_FILENO) == 1;
  const char* no_colour = std::getenv("NO_COLOR");
  return Terminal(isatty(STDIN_FILENO) == 1, out_tty,
                  out_tty && (no_colour == nullptr || *no_colour == '\0'));
}

std::string Terminal::Paint(std::string_view colour, std::string_view text) const {
  if (!colour_) return std::string(text);
  std::string_view code = colour == "green"    ? "32"
                          : colour == "red"    ? "31"
                          : colour == "yellow" ? "33"
                          : colour == "bold"   ? "1"
                          : colour == "dim"    ? "2"
                                               : "0";
  return Cat("\033[", code, "m", text, "\033[0m");
}

absl::StatusOr<std::string> Terminal::Ask(std::string_view question) const {
  std::cerr << question << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) {
    std::cerr << "\n";
    return absl::CancelledError("no answer: the input ended");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

absl::StatusOr<std::string> Terminal::AskSecret(std::string_view question) const {
  termios saved{};
  bool hide = stdin_tty_ && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  absl::StatusOr<std::string> answer = Ask(question);
  if (hide) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  return answer;
}

}  // namespace terrane::cli
