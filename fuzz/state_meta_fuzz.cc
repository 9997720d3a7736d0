// Fuzzes the state-body readers: ParseStateMeta (the event parser every state write goes
// through) against a tree-based reference reading of the same rules, and ExtractResources.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/check.h"
#include "model/state.h"

namespace {

namespace json = boost::json;

// The contract of ParseStateMeta restated over a DOM. nullopt: the body must be refused.
std::optional<terrane::model::StateMeta> Reference(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 512;
  json::error_code ec;
  const json::value root = json::parse(body, ec, json::storage_ptr(), opts);
  const json::object* obj = ec ? nullptr : root.if_object();
  if (obj == nullptr) return std::nullopt;
  terrane::model::StateMeta meta;
  const json::value* serial = obj->if_contains("serial");
  if (serial == nullptr) return std::nullopt;
  if (const int64_t* i = serial->if_int64()) {
    if (*i < 0) return std::nullopt;
    meta.serial = *i;
  } else if (const uint64_t* u = serial->if_uint64()) {
    if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    meta.serial = static_cast<int64_t>(*u);
  } else if (const double* d = serial->if_double()) {
    if (!(*d >= 0 && *d < 9223372036854775808.0) ||
        static_cast<double>(static_cast<int64_t>(*d)) != *d) {
      return std::nullopt;
    }
    meta.serial = static_cast<int64_t>(*d);
  } else {
    return std::nullopt;
  }
  const json::value* lineage = obj->if_contains("lineage");
  const json::string* lineage_string = lineage == nullptr ? nullptr : lineage->if_string();
  if (lineage_string == nullptr || lineage_string->size() > 1024) return std::nullopt;
  meta.lineage = std::string(*lineage_string);
  const json::value* resources = obj->if_contains("resources");
  if (resources != nullptr && !resources->is_null()) {
    const json::array* list = resources->if_array();
    if (list == nullptr) return std::nullopt;
    for (const json::value& r : *list) {
      const json::object* resource = r.if_object();
      const json::value* mode = resource == nullptr ? nullptr : resource->if_contains("mode");
      if (mode != nullptr && mode->is_string() && mode->get_string() == "managed") {
        ++meta.managed_resources;
      }
    }
  }
  return meta;
}

bool SameMeta(const terrane::model::StateMeta& a, const terrane::model::StateMeta& b) {
  return a.serial == b.serial && a.lineage == b.lineage &&
         a.managed_resources == b.managed_resources;
}

std::string Normalize(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 512;
  json::error_code ec;
  return json::serialize(json::parse(body, ec, json::storage_ptr(), opts));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto meta = terrane::model::ParseStateMeta(body);
  const auto expected = Reference(body);
  if (!expected.has_value()) {
    TERRANE_CHECK(!meta.ok());
  } else if (meta.ok()) {
    TERRANE_CHECK(SameMeta(*meta, *expected));
  } else {
    // The tree keeps only the last of duplicate keys, while the event parser also refuses a
    // mistyped earlier duplicate (as Go does). Only such a field error is excused, and the
    // duplicate-free rewrite of the body must then be read exactly like the reference.
    TERRANE_CHECK(meta.status().message().find("state is not a terraform state: field '") == 0);
    const auto rewritten = terrane::model::ParseStateMeta(Normalize(body));
    TERRANE_CHECK(rewritten.ok() && SameMeta(*rewritten, *expected));
  }
  const auto resources = terrane::model::ExtractResources(body);
  if (resources.ok()) {
    TERRANE_CHECK(resources->contains("total_resources"));
    static_cast<void>(json::serialize(*resources));
  }
  return 0;
}
