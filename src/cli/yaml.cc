#include "cli/internal/yaml.h"

#include <charconv>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

struct Line {
  int number;  // 1-based, for messages
  size_t indent;
  std::string text;  // without indentation and comment
};

absl::Status Bad(int line, std::string_view why) {
  return absl::InvalidArgumentError(Cat("YAML line ", line, ": ", why));
}

// Cuts a `#` comment that is outside quotes and starts the line or follows a space.
std::string StripComment(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ')) {
      return std::string(s.substr(0, i));
    }
  }
  return std::string(s);
}

absl::StatusOr<json::value> Scalar(std::string_view s, int line) {
  s = AsStd(absl::StripAsciiWhitespace(AsAbsl(s)));
  if (s.empty() || s == "~" || s == "null") return json::value();
  if (s == "true") return json::value(true);
  if (s == "false") return json::value(false);
  if (s == "{}") return json::value(json::object());
  if (s.front() == '"') {
    boost::system::error_code ec;
    json::value v = json::parse(s, ec);
    if (ec || !v.is_string()) return Bad(line, "malformed double-quoted string");
    return v;
  }
  if (s.front() == '\'') {
    if (s.size() < 2 || s.back() != '\'') return Bad(line, "malformed single-quoted string");
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out += s[i];
      if (s[i] == '\'') ++i;  // '' stands for '
    }
    return json::value(out);
  }
  if (s.front() == '[') {
    if (s.back() != ']') return Bad(line, "a flow sequence must end on its line with ]");
    json::array items;
    std::string_view inner = s.substr(1, s.size() - 2);
    if (absl::StripAsciiWhitespace(AsAbsl(inner)).empty()) return json::value(items);
    for (absl::string_view part : absl::StrSplit(AsAbsl(inner), ',')) {
      TERRANE_ASSIGN_OR_RETURN(json::value item, Scalar(AsStd(part), line));
      items.push_back(std::move(item));
    }
    return json::value(std::move(items));
  }
  if (s.front() == '&' || s.front() == '*' || s.front() == '!' || s.front() == '|' ||
      s.front() == '>' || s.front() == '{') {
    return Bad(line, Cat("'", s.substr(0, 1), "' (anchors, tags, block or flow mappings) is ",
                         "not supported; use JSON for such files"));
  }
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc() && end == s.data() + s.size()) return json::value(n);
  return json::value(std::string(s));
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  absl::StatusOr<json::value> Document() {
    if (lines_.empty()) return json::value(json::object());
    TERRANE_ASSIGN_OR_RETURN(json::value v, Block(lines_[0].indent));
    if (pos_ < lines_.size()) return Bad(lines_[pos_].number, "unexpected indentation");
    return v;
  }

 private:
  // The block starting at the current line, whose lines are indented exactly `indent`.
  absl::StatusOr<json::value> Block(size_t indent) {
    if (lines_[pos_].text.starts_with("- ") || lines_[pos_].text == "-") return Sequence(indent);
    return Mapping(indent);
  }

  // After a `key:` or `-` with nothing else: the nested block, or null when there is none.
  absl::StatusOr<json::value> Nested(size_t parent_indent, bool allow_same_indent_sequence) {
    if (pos_ >= lines_.size()) return json::value();
    const Line& next = lines_[pos_];
    bool deeper = next.indent > parent_indent;
    bool seq_here = allow_same_indent_sequence && next.indent == parent_indent &&
                    (next.text.starts_with("- ") || next.text == "-");
    if (!deeper && !seq_here) return json::value();
    return Block(next.indent);
  }

  absl::StatusOr<json::value> Sequence(size_t indent) {
    json::array items;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
           (lines_[pos_].text.starts_with("- ") || lines_[pos_].text == "-")) {
      Line& line = lines_[pos_];
      std::string rest = line.text.size() > 2 ? line.text.substr(2) : "";
      size_t lead = rest.find_first_not_of(' ');
      if (lead == std::string::npos) {
        ++pos_;
        TERRANE_ASSIGN_OR_RETURN(json::value v, Nested(indent, false));
        items.push_back(std::move(v));
      } else if (IsKeyLine(rest)) {
        // "- key: value": a mapping whose first line sits after the dash.
        line.indent = indent + 2 + lead;
        line.text = rest.substr(lead);
        TERRANE_ASSIGN_OR_RETURN(json::value v, Mapping(line.indent));
        items.push_back(std::move(v));
      } else {
        TERRANE_ASSIGN_OR_RETURN(json::value v, Scalar(rest, line.number));
        items.push_back(std::move(v));
        ++pos_;
      }
    }
    return json::value(std::move(items));
  }

  absl::StatusOr<json::value> Mapping(size_t indent) {
    json::object out;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent) {
      const Line& line = lines_[pos_];
      if (!IsKeyLine(line.text)) return Bad(line.number, "expected 'key: value'");
      size_t colon = KeyColon(line.text);
      TERRANE_ASSIGN_OR_RETURN(json::value key, Scalar(line.text.substr(0, colon), line.number));
      std::string name = key.is_string() ? std::string(key.get_string()) : json::serialize(key);
      std::string value = line.text.substr(colon + 1);
      int number = line.number;
      ++pos_;
      if (out.contains(name)) return Bad(number, Cat("duplicate key '", name, "'"));
      if (absl::StripAsciiWhitespace(AsAbsl(value)).empty()) {
        TERRANE_ASSIGN_OR_RETURN(out[name], Nested(indent, true));
      } else {
        TERRANE_ASSIGN_OR_RETURN(out[name], Scalar(value, number));
      }
    }
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
      return Bad(lines_[pos_].number, "unexpected indentation");
    }
    return json::value(std::move(out));
  }

  // The colon ending a mapping key: followed by a space or the end, outside quotes.
  static size_t KeyColon(std::string_view text) {
    char quote = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ':' && (i + 1 == text.size() || text[i + 1] == ' ')) {
        return i;
      }
    }
    return std::string_view::npos;
  }
  static bool IsKeyLine(std::string_view text) {
    return !text.starts_with('[') && KeyColon(text) != std::string_view::npos;
  }

  std::vector<Line> lines_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<json::value> ParseYaml(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  for (absl::string_view raw : absl::StrSplit(AsAbsl(text), '\n')) {
    ++number;
    std::string s = StripComment(AsStd(raw));
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
    size_t indent = s.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    if (s[indent] == '\t') return Bad(number, "tabs cannot indent YAML");
    if (s == "---" && lines.empty()) continue;
    if (s == "---" || s == "...") return Bad(number, "only one document is supported");
    lines.push_back(Line{number, indent, s.substr(indent)});
  }
  return Parser(std::move(lines)).Document();
}

}  // namespace terrane::cli::internal
