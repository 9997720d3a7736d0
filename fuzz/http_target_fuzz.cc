// Fuzzes ParseTarget (the request target of every HTTP request, decoded before routing) and
// Request::QueryList, checking the invariants the router and handlers rely on.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/check.h"
#include "http/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  terrane::http::Request req;
  // The plain-path shortcut and the full grammar give the same answer on every input.
  terrane::http::Request general;
  const bool ok = terrane::http::ParseTarget(target, req);
  TERRANE_CHECK(ok == terrane::http::ParseTargetWithUrlGrammar(target, general));
  if (!ok) return 0;
  TERRANE_CHECK(general.segments == req.segments && general.query == req.query);
  TERRANE_CHECK(!target.empty() && target.front() == '/');
  for (const std::string& segment : req.segments) TERRANE_CHECK(!segment.empty());

  // Parsing is deterministic and replaces earlier results.
  terrane::http::Request again;
  again.segments.emplace_back("stale");
  again.query.emplace_back("stale", "stale");
  TERRANE_CHECK(terrane::http::ParseTarget(target, again));
  TERRANE_CHECK(again.segments == req.segments && again.query == req.query);

  for (const auto& [key, value] : req.query) {
    const auto first = req.Query(key);
    TERRANE_CHECK(first.has_value());
    size_t value_bytes = 0;
    for (const auto& [other_key, other_value] : req.query) {
      if (other_key == key) value_bytes += other_value.size();
    }
    size_t listed = 0;
    for (const std::string& item : req.QueryList(key)) {
      TERRANE_CHECK(!item.empty() && item.find(',') == std::string::npos);
      listed += item.size();
    }
    TERRANE_CHECK(listed <= value_bytes);  // items are pieces of the values, nothing invented
  }
  return 0;
}
