// The resources view of a state (iacm-api.md §5.4). State bodies hold secrets in clear text:
// every value named sensitive is replaced before anything leaves this file, and when the
// sensitivity marks cannot be understood the enclosing value is hidden instead.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "model/internal/json_util.h"
#include "model/internal/state_meta_parser.h"
#include "model/state.h"

namespace terrane::model {

namespace json = boost::json;
using internal::Find;

namespace {

constexpr std::string_view kSensitive = "(sensitive)";

std::string StringField(const json::object& obj, std::string_view key) {
  const json::value* v = Find(obj, key);
  const json::string* s = v == nullptr ? nullptr : v->if_string();
  return s == nullptr ? std::string() : std::string(*s);
}

// "aws" from `provider["registry.terraform.io/hashicorp/aws"]` (optionally module-prefixed
// or aliased) and from the 0.12 form `provider.aws`; the whole address otherwise.
std::string ShortProvider(std::string_view address) {
  if (size_t open = address.find("provider[\""); open != std::string_view::npos) {
    const size_t start = open + 10;
    const size_t close = address.find("\"]", start);
    if (close != std::string_view::npos) {
      std::string_view source = address.substr(start, close - start);
      const size_t slash = source.rfind('/');
      return std::string(slash == std::string_view::npos ? source : source.substr(slash + 1));
    }
  }
  if (size_t dot = address.find("provider."); dot != std::string_view::npos) {
    std::string_view rest = address.substr(dot + 9);
    return std::string(rest.substr(0, rest.find('.')));
  }
  return std::string(address);
}

void MaskAll(json::object& attributes) {
  for (auto& member : attributes) member.value() = kSensitive;
}

// The index a cty path step carries: {"value": 0, "type": "number"} (also a bare value).
const json::value& IndexKey(const json::value& step_value) {
  if (const json::object* typed = step_value.if_object()) {
    if (const json::value* v = typed->if_contains("value")) return *v;
  }
  return step_value;
}

// Follows one path of sensitive_attributes into `attributes` and masks what it names.
// Returns the dotted form of the path ("" when it could not be read).
std::string MaskPath(const json::value& path, json::object& attributes) {
  const json::array* steps = path.if_array();
  if (steps == nullptr || steps->empty()) {
    MaskAll(attributes);
    return "";
  }
  json::value* target = nullptr;  // nullptr: the attributes object itself
  std::vector<std::string> dotted;
  auto mask_target = [&] {
    if (target == nullptr) {
      MaskAll(attributes);
    } else {
      *target = kSensitive;
    }
  };
  for (const json::value& step_value : *steps) {
    const json::object* step = step_value.if_object();
    const json::value* type_value = step == nullptr ? nullptr : step->if_contains("type");
    const json::string* type = type_value == nullptr ? nullptr : type_value->if_string();
    const json::value* value = step == nullptr ? nullptr : step->if_contains("value");
    if (type == nullptr || value == nullptr || (*type != "get_attr" && *type != "index")) {
      mask_target();
      return absl::StrJoin(dotted, ".");
    }
    const json::value& key = *type == "index" ? IndexKey(*value) : *value;
    json::object* container = target == nullptr ? &attributes : target->if_object();
    json::array* list = target == nullptr ? nullptr : target->if_array();
    json::error_code ec;
    if (const json::string* name = key.if_string(); name != nullptr && container != nullptr) {
      json::value* next = container->if_contains(*name);
      if (next == nullptr) return "";  // nothing stored there, nothing to hide
      dotted.emplace_back(*name);
      target = next;
    } else if (const auto index = key.to_number<uint64_t>(ec);
               *type == "index" && !ec && list != nullptr) {
      if (index >= list->size()) return "";
      dotted.push_back(internal::Cat(index));
      target = &(*list)[index];
    } else {
      // A set element, a type mismatch or an odd step: hide everything below here.
      mask_target();
      return absl::StrJoin(dotted, ".");
    }
  }
  mask_target();
  return absl::StrJoin(dotted, ".");
}

// Masks `attributes` per `marks` (an instance's sensitive_attributes); returns the paths.
json::array ApplySensitiveMarks(const json::value* marks, json::object& attributes) {
  json::array paths;
  if (marks == nullptr) return paths;
  const json::array* list = marks->if_array();
  if (list == nullptr) {
    MaskAll(attributes);
    return paths;
  }
  for (const json::value& path : *list) {
    std::string dotted = MaskPath(path, attributes);
    if (!dotted.empty()) paths.emplace_back(dotted);
  }
  return paths;
}

std::string IndexSuffix(const json::value* index_key) {
  if (index_key == nullptr) return "";
  // Terraform's address syntax: [0] or ["key"], the key quoted as in JSON.
  if (!index_key->is_string() && !index_key->is_number()) return "";
  return internal::Cat("[", json::serialize(*index_key), "]");
}

struct ResourceHeader {
  std::string provider_address;
  std::string type;
  std::string name;
  std::string module;
  bool managed = true;
};

json::object InstanceItem(const ResourceHeader& r, json::object& instance) {
  json::object attributes;
  for (std::string_view key : {"attributes", "attributes_flat"}) {
    json::value* v = instance.if_contains(key);
    if (json::object* obj = v == nullptr ? nullptr : v->if_object()) {
      attributes = std::move(*obj);
      break;
    }
  }
  json::array sensitive = ApplySensitiveMarks(Find(instance, "sensitive_attributes"), attributes);
  std::string path_id = r.module.empty() ? "" : internal::Cat(r.module, ".");
  absl::StrAppend(&path_id, r.managed ? "" : "data.", r.type, ".", r.name,
                  IndexSuffix(Find(instance, "index_key")));
  std::string resource_id = path_id;
  const json::value* id_value = attributes.if_contains("id");
  const json::string* id = id_value == nullptr ? nullptr : id_value->if_string();
  if (id != nullptr && !id->empty() && *id != kSensitive) resource_id = std::string(*id);
  return json::object{{"provider", ShortProvider(r.provider_address)},
                      {"provider_address", r.provider_address},
                      {"type", r.type},
                      {"name", r.name},
                      {"module", r.module},
                      {"mode", r.managed ? "resource" : "data"},
                      {"attributes", std::move(attributes)},
                      {"drift_status", "unchanged"},
                      {"drift_attributes", json::object()},
                      {"path_id", std::move(path_id)},
                      {"resource_id", std::move(resource_id)},
                      {"sensitive_attributes", std::move(sensitive)},
                      {"createdAt", 0},
                      {"lastSyncedAt", 0}};
}

json::array OutputItems(const json::value* outputs) {
  json::array items;
  const json::object* obj = outputs == nullptr ? nullptr : outputs->if_object();
  if (obj == nullptr) return items;
  for (const auto& [name, output] : *obj) {
    const json::object* out = output.if_object();
    const json::value* flag = out == nullptr ? nullptr : out->if_contains("sensitive");
    // Terraform omits `sensitive` when false; a malformed flag is taken as true.
    const bool* flag_bool = flag == nullptr ? nullptr : flag->if_bool();
    const bool sensitive = flag != nullptr && (flag_bool == nullptr || *flag_bool);
    const json::value* value = out == nullptr ? nullptr : out->if_contains("value");
    items.emplace_back(
        json::object{{"name", std::string_view(name)},
                     {"value", sensitive || value == nullptr ? json::value() : *value},
                     {"sensitive", sensitive},
                     {"expression", internal::Cat("<+outputs.", std::string_view(name), ">")}});
  }
  return items;
}

}  // namespace

absl::StatusOr<json::object> ExtractResources(std::string_view state_body) {
  json::parse_options opts;
  opts.max_depth = internal::kMaxStateDepth;
  json::error_code ec;
  json::value root = json::parse(state_body, ec, json::storage_ptr(), opts);
  if (ec)
    return absl::InvalidArgumentError(internal::Cat("state is not valid JSON: ", ec.message()));
  json::object* state = root.if_object();
  if (state == nullptr) return absl::InvalidArgumentError("state must be a JSON object");
  internal::NullNonFiniteNumbers(root);

  json::array resources;
  json::array data_sources;
  json::value* list = state->if_contains("resources");
  json::array* entries = list == nullptr ? nullptr : list->if_array();
  for (size_t i = 0; entries != nullptr && i < entries->size(); ++i) {
    json::object* resource = (*entries)[i].if_object();
    if (resource == nullptr) continue;
    const std::string mode = StringField(*resource, "mode");
    if (mode != "managed" && mode != "data") continue;
    const ResourceHeader header{.provider_address = StringField(*resource, "provider"),
                                .type = StringField(*resource, "type"),
                                .name = StringField(*resource, "name"),
                                .module = StringField(*resource, "module"),
                                .managed = mode == "managed"};
    json::value* instances = resource->if_contains("instances");
    json::array* instance_list = instances == nullptr ? nullptr : instances->if_array();
    if (instance_list == nullptr) continue;
    for (json::value& instance : *instance_list) {
      json::object* obj = instance.if_object();
      if (obj == nullptr) continue;
      (header.managed ? resources : data_sources).emplace_back(InstanceItem(header, *obj));
    }
  }
  const auto total = static_cast<int64_t>(resources.size());
  return json::object{{"resources", std::move(resources)},
                      {"data_sources", std::move(data_sources)},
                      {"outputs", OutputItems(Find(*state, "outputs"))},
                      {"stack_outputs", json::object()},
                      {"total_resources", total}};
}

}  // namespace terrane::model
