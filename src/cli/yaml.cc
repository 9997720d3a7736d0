#include "cli/internal/yaml.h"

#include <charconv>
#include <string>
#include <vector>

#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "common/strings.h"
#include "yaml-cpp/yaml.h"

namespace terrane::cli::internal {
namespace {

namespace json = boost::json;

// Nested deeper than this is refused (yaml-cpp recurses).
constexpr int kMaxDepth = 64;

absl::Status Bad(const YAML::Mark& mark, std::string_view why) {
  return absl::InvalidArgumentError(Cat("YAML line ", mark.line + 1, ": ", why));
}

// A plain (unquoted) scalar's JSON value under the YAML 1.2 core schema.
json::value PlainScalar(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  int64_t i = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && end == s.data() + s.size()) return i;
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec == std::errc() && dend == s.data() + s.size()) return d;
  return json::string(s);
}

absl::StatusOr<json::value> ToJson(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) return Bad(node.Mark(), "nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json::value(nullptr);
    case YAML::NodeType::Scalar:
      // "!" is the tag yaml-cpp gives quoted scalars: they are always strings.
      if (node.Tag() == "!") return json::value(json::string(node.Scalar()));
      return PlainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json::array out;
      for (const YAML::Node& item : node) {
        absl::StatusOr<json::value> v = ToJson(item, depth + 1);
        if (!v.ok()) return v.status();
        out.push_back(*std::move(v));
      }
      return json::value(std::move(out));
    }
    case YAML::NodeType::Map: {
      json::object out;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) return Bad(entry.first.Mark(), "keys must be strings");
        const std::string& key = entry.first.Scalar();
        if (out.contains(key)) return Bad(entry.first.Mark(), Cat("duplicate key '", key, "'"));
        absl::StatusOr<json::value> v = ToJson(entry.second, depth + 1);
        if (!v.ok()) return v.status();
        out[key] = *std::move(v);
      }
      return json::value(std::move(out));
    }
  }
  return json::value(nullptr);
}

}  // namespace

// yaml-cpp reports errors by throwing; they end here (STYLE: exceptions never cross modules).
absl::StatusOr<json::value> ParseYaml(std::string_view text) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (docs.size() != 1) {
      return absl::InvalidArgumentError(
          Cat("a workspace file holds exactly one YAML document, found ", docs.size()));
    }
    return ToJson(docs.front(), 0);
  } catch (const YAML::Exception& e) {
    return Bad(e.mark, e.msg);
  }
}

}  // namespace terrane::cli::internal
