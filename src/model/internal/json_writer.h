// Appends JSON text to a string without building a DOM first, for answers on hot paths (GET
// workspace built ~50 boost::json nodes only to serialise them). Produces what
// boost::json::serialize produces for the same members: strings escaped the same way, UTF-8
// passed through. The caller writes a well-formed sequence (Key before each member value).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "boost/json/value.hpp"

namespace terrane::model::internal {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void Key(std::string_view key);
  void String(std::string_view text);
  void Int(int64_t value);
  void Bool(bool value);
  // Any DOM value, serialised by boost::json.
  void Value(const boost::json::value& value);

  // Key, then its value: the common members in one call. Named apart, since an overload set
  // would send a string literal to the bool one.
  void StringMember(std::string_view key, std::string_view text) {
    Key(key);
    String(text);
  }
  void IntMember(std::string_view key, int64_t value) {
    Key(key);
    Int(value);
  }
  void BoolMember(std::string_view key, bool value) {
    Key(key);
    Bool(value);
  }

 private:
  void Separate();

  std::string& out_;
  bool need_comma_ = false;  // a value was completed at this level
};

// Appends `text` as a quoted JSON string.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace terrane::model::internal
