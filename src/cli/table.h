// Plain-text output of the CLI: aligned tables and the small value formats they use. Stable
// output (no colour, no terminal width) so scripts and tests can rely on it. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace terrane::cli {

// Columns separated by two spaces, each as wide as its widest cell (counted in UTF-8 code
// points); the header row is upper-cased; trailing spaces are trimmed. No rows: only the header.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Rows shorter than the header are padded with empty cells; longer ones are cut.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // The table, each line ending with '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "KEY: value" lines with the values aligned, for one object.
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

// Unix milliseconds as UTC "2026-01-02 15:04:05"; 0 as "-".
std::string FormatTime(int64_t unix_ms);

// A duration as "850ms", "12.3s", "4m05s" or "1h02m".
std::string FormatDuration(int64_t ms);

// Code points of UTF-8 `text` (its width in a terminal for the text the CLI prints).
size_t DisplayWidth(const std::string& text);

}  // namespace terrane::cli
