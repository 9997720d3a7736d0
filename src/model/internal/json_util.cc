#include "model/internal/json_util.h"

#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parser.hpp"

namespace terrane::model::internal {

namespace json = boost::json;

namespace {

// Request bodies are small documents; deeper nesting is not a workspace, org or lock.
constexpr size_t kMaxBodyDepth = 64;

// Boost.JSON reads a number too large for a double (1e999) as infinity. Such a value cannot be
// written back as JSON, so a stored one would make its record unreadable. Returns the path of
// the first one, e.g. "default_pipelines.plan.x" or "variable_sets[2]".
std::optional<std::string> NonFinitePath(const json::value& v, const std::string& path) {
  if (const double* d = v.if_double()) {
    if (!std::isfinite(*d)) return path.empty() ? std::string("(the body)") : path;
  } else if (const json::object* obj = v.if_object()) {
    for (const auto& [key, item] : *obj) {
      std::string child = path.empty() ? std::string(key) : Cat(path, ".", std::string_view(key));
      if (auto found = NonFinitePath(item, child)) return found;
    }
  } else if (const json::array* arr = v.if_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      if (auto found = NonFinitePath((*arr)[i], Cat(path, "[", i, "]"))) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

void NullNonFiniteNumbers(json::value& v) {
  if (const double* d = v.if_double()) {
    if (!std::isfinite(*d)) v = nullptr;
  } else if (json::object* obj = v.if_object()) {
    for (auto& member : *obj) NullNonFiniteNumbers(member.value());
  } else if (json::array* arr = v.if_array()) {
    for (json::value& item : *arr) NullNonFiniteNumbers(item);
  }
}

std::string Quote(std::string_view text) {
  const bool truncated = text.size() > kMaxQuoted;
  if (truncated) text = text.substr(0, kMaxQuoted);
  return Cat("'", absl::CHexEscape(AsAbsl(text)), truncated ? "...'" : "'");
}

std::string_view TypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

absl::Status WrongType(std::string_view field, std::string_view expected, const json::value& got) {
  return absl::InvalidArgumentError(
      Cat("field '", field, "' must be ", expected, ", got ", TypeName(got)));
}

absl::Status Missing(std::string_view field) {
  return absl::InvalidArgumentError(Cat("field '", field, "' is required"));
}

absl::StatusOr<json::object> ParseObject(std::string_view body, std::string_view what) {
  if (absl::StripAsciiWhitespace(AsAbsl(body)).empty()) {
    return absl::InvalidArgumentError(Cat(what, " is empty; it must be a JSON object"));
  }
  json::parse_options opts;
  opts.max_depth = kMaxBodyDepth;
  json::parser parser(json::storage_ptr(), opts);
  json::error_code ec;
  const size_t used = parser.write(body.data(), body.size(), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        Cat(what, " is not valid JSON: ", ec.message(), " at byte ", used));
  }
  json::value root = parser.release();
  json::object* obj = root.if_object();
  if (obj == nullptr) {
    return absl::InvalidArgumentError(Cat(what, " must be a JSON object, got ", TypeName(root)));
  }
  if (std::optional<std::string> path = NonFinitePath(root, "")) {
    return absl::InvalidArgumentError(
        Cat("field '", *path, "' in ", what, " is a number too large to store; use a smaller one"));
  }
  return std::move(*obj);
}

const json::value* Find(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

absl::StatusOr<std::optional<std::string>> OptionalString(const json::object& obj,
                                                          std::string_view key,
                                                          std::string_view field) {
  const json::value* v = Find(obj, key);
  if (v == nullptr) return std::optional<std::string>();
  const json::string* s = v->if_string();
  if (s == nullptr) return WrongType(field, "a string", *v);
  return std::optional<std::string>(std::string(s->data(), s->size()));
}

absl::StatusOr<std::string> RequiredString(const json::object& obj, std::string_view key,
                                           std::string_view field) {
  const json::value* v = Find(obj, key);
  if (v == nullptr) return Missing(field);
  const json::string* s = v->if_string();
  if (s == nullptr) return WrongType(field, "a string", *v);
  return std::string(s->data(), s->size());
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    // Count every byte that does not continue a multi-byte sequence.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool MatchesIdentifier(std::string_view text, size_t max_len, bool (*first)(char),
                       bool (*rest)(char)) {
  if (text.empty() || text.size() > max_len || !first(text[0])) return false;
  for (size_t i = 1; i < text.size(); ++i) {
    if (!rest(text[i])) return false;
  }
  return true;
}

absl::StatusOr<std::map<std::string, std::string>> ParseTags(const json::value& v,
                                                             std::string_view field) {
  std::map<std::string, std::string> tags;
  if (const json::object* obj = v.if_object()) {
    for (const auto& [key, value] : *obj) {
      const std::string name = Cat(field, ".", std::string_view(key));
      if (key.empty()) {
        return absl::InvalidArgumentError(Cat("field '", field, "' has an empty key"));
      }
      const json::string* s = value.if_string();
      if (s == nullptr) return WrongType(name, "a string", value);
      tags[std::string(key)] = std::string(*s);
    }
    return tags;
  }
  const json::array* arr = v.if_array();
  if (arr == nullptr) return WrongType(field, "an object of strings or an array of strings", v);
  for (size_t i = 0; i < arr->size(); ++i) {
    const json::string* s = (*arr)[i].if_string();
    if (s == nullptr) return WrongType(Cat(field, "[", i, "]"), "a string", (*arr)[i]);
    const std::string_view text(*s);
    const size_t colon = text.find(':');
    const std::string_view key = text.substr(0, colon);
    if (key.empty()) {
      return absl::InvalidArgumentError(
          Cat("field '", field, "[", i, "]' has an empty tag key: ", Quote(text)));
    }
    tags[std::string(key)] =
        colon == std::string_view::npos ? std::string() : std::string(text.substr(colon + 1));
  }
  return tags;
}

json::object TagsToJson(const std::map<std::string, std::string>& tags, json::storage_ptr sp) {
  json::object out(tags.size(), std::move(sp));
  for (const auto& [key, value] : tags) out[key] = value;
  return out;
}

}  // namespace terrane::model::internal
