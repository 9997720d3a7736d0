// JSON helpers shared by the model parsers: Boost.JSON's throwing accessors are avoided, and
// every failure becomes an InvalidArgument whose message names the field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/strings.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"

namespace terrane::model::internal {

using ::terrane::Cat;

// Longest user value echoed back in an error message.
inline constexpr size_t kMaxQuoted = 64;

// `text` quoted for an error message: at most kMaxQuoted bytes, non-printable bytes escaped,
// e.g. 'x y' or 'abc...'.
std::string Quote(std::string_view text);

// "a string", "an object", ... for the JSON type of `v`.
std::string_view TypeName(const boost::json::value& v);

// "field 'F' must be EXPECTED, got TYPE".
absl::Status WrongType(std::string_view field, std::string_view expected,
                       const boost::json::value& got);
// "field 'F' is required".
absl::Status Missing(std::string_view field);

// Parses a request body that must be one JSON object. `what` starts the messages, e.g.
// "request body is not valid JSON: ..." / "request body must be a JSON object".
absl::StatusOr<boost::json::object> ParseObject(std::string_view body,
                                                std::string_view what = "request body");

// Replaces every number of `v` that is not finite (a parsed 1e999 is infinity) with null: the
// serializer would write `Infinity`, which is not JSON. For stored data shown as it is (states),
// where refusing is not an option; request bodies are refused instead (ParseObject).
void NullNonFiniteNumbers(boost::json::value& v);

// `obj[key]`, or nullptr when the key is absent or its value is JSON null (the API treats both
// as "not given").
const boost::json::value* Find(const boost::json::object& obj, std::string_view key);

// Typed reads of obj[key]; `field` is the name used in messages (may be a dotted path).
absl::StatusOr<std::optional<std::string>> OptionalString(const boost::json::object& obj,
                                                          std::string_view key,
                                                          std::string_view field);
absl::StatusOr<std::string> RequiredString(const boost::json::object& obj, std::string_view key,
                                           std::string_view field);

// Number of Unicode code points in valid UTF-8 `text`.
size_t Utf8Length(std::string_view text);

// True when 1 <= size <= max_len, text[0] is in `first` (or text is empty) and every other
// byte is in `rest`. The sets are predicates over ASCII bytes.
bool MatchesIdentifier(std::string_view text, size_t max_len, bool (*first)(char),
                       bool (*rest)(char));

// Tags as a map string -> string. Also accepts an array of strings, "k:v" meaning key k and
// value v and a bare "k" key k with an empty value. Keys must not be empty.
absl::StatusOr<std::map<std::string, std::string>> ParseTags(const boost::json::value& v,
                                                             std::string_view field);

// Allocates from `sp` (default: the default resource).
boost::json::object TagsToJson(const std::map<std::string, std::string>& tags,
                               boost::json::storage_ptr sp = {});

}  // namespace terrane::model::internal
