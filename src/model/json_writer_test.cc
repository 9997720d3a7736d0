#include "model/internal/json_writer.h"

#include <cstdint>
#include <limits>
#include <string>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

namespace terrane::model::internal {
namespace {

namespace json = boost::json;

TEST(JsonWriterTest, WritesNestedMembersWithCommas) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("a");
  w.Int(std::numeric_limits<int64_t>::min());
  w.Key("b");
  w.BeginObject();
  w.EndObject();
  w.Key("c");
  w.BeginObject();
  w.Key("d");
  w.Bool(true);
  w.Key("e");
  w.Bool(false);
  w.EndObject();
  w.Key("f");
  w.Value(json::parse(R"([1,"x",null])"));
  w.Key("g");
  w.String("");
  w.EndObject();
  EXPECT_EQ(out,
            R"({"a":-9223372036854775808,"b":{},"c":{"d":true,"e":false},"f":[1,"x",null],)"
            R"("g":""})");
}

// Escaping must match boost::json::serialize, the writer it replaces on the GET path.
TEST(JsonWriterTest, EscapesStringsLikeBoostJson) {
  const std::string tricky = std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f ") + "caf\xc3\xa9" +
                             std::string(1, '\0') + "end";
  std::string out;
  AppendJsonString(out, tricky);
  EXPECT_EQ(out, json::serialize(json::value(tricky)));
  EXPECT_EQ(json::parse(out).as_string(), tricky);
}

}  // namespace
}  // namespace terrane::model::internal

namespace terrane::model::internal {
namespace {

TEST(JsonWriterTest, MembersWriteTheirKeyThenValue) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.StringMember("s", "x\"y");
  w.IntMember("i", -7);
  w.BoolMember("b", false);
  w.EndObject();
  EXPECT_EQ(out, R"({"s":"x\"y","i":-7,"b":false})");
}

}  // namespace
}  // namespace terrane::model::internal
