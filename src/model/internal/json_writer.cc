#include "model/internal/json_writer.h"

#include <charconv>

#include "boost/json/serialize.hpp"

namespace terrane::model::internal {

namespace {

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t first = 0;
  while (first < text.size() && !NeedsEscape(static_cast<unsigned char>(text[first]))) ++first;
  // The common case, nothing to escape: one copy.
  const size_t at = out.size();
  out.resize(at + first + 2);
  out[at] = '"';
  text.copy(out.data() + at + 1, first);
  out[at + first + 1] = '"';
  if (first == text.size()) return;
  out.pop_back();
  size_t plain = first;  // start of the run not yet copied
  for (size_t i = first; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(c)) continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0x0f];
        break;
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

void JsonWriter::Separate() {
  if (need_comma_) out_ += ',';
}

void JsonWriter::BeginObject() {
  Separate();
  out_ += '{';
  need_comma_ = false;
}

void JsonWriter::EndObject() {
  out_ += '}';
  need_comma_ = true;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  AppendJsonString(out_, key);
  out_ += ':';
  need_comma_ = false;
}

void JsonWriter::String(std::string_view text) {
  Separate();
  AppendJsonString(out_, text);
  need_comma_ = true;
}

void JsonWriter::Int(int64_t value) {
  Separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
  need_comma_ = true;
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
  need_comma_ = true;
}

void JsonWriter::Value(const boost::json::value& value) {
  Separate();
  out_ += boost::json::serialize(value);
  need_comma_ = true;
}

}  // namespace terrane::model::internal
