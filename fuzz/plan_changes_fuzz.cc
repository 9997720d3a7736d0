// Fuzzes CountPlanChanges, which reads `terraform show -json` output of every plan a run makes.
// Refused input must be an InvalidArgument with a message, and must not be a JSON object within
// kMaxPlanJsonDepth (terraform may print any of those). Accepted input must give counts that are
// bounded by the list they came from and that imply has_changes, and a plan must read the same
// whatever the list the other mode reads holds.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/check.h"
#include "model/run.h"

namespace json = boost::json;
namespace model = terrane::model;

namespace {

// Entries of plan[key] when it is an array, else 0.
size_t ListSize(const json::object& plan, std::string_view key) {
  const json::value* v = plan.if_contains(key);
  return v != nullptr && v->is_array() ? v->get_array().size() : 0;
}

bool Same(const model::ChangeCounts& a, const model::ChangeCounts& b) {
  return a.add == b.add && a.change == b.change && a.destroy == b.destroy &&
         a.has_changes == b.has_changes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  json::parse_options opts;
  opts.max_depth = model::kMaxPlanJsonDepth;
  json::error_code ec;
  json::value root = json::parse(text, ec, json::storage_ptr(), opts);
  const bool is_object = !ec && root.is_object();
  for (const bool drift : {false, true}) {
    const absl::StatusOr<model::ChangeCounts> counts = model::CountPlanChanges(text, drift);
    if (!counts.ok()) {
      TERRANE_CHECK(absl::IsInvalidArgument(counts.status()));
      TERRANE_CHECK(!counts.status().message().empty());
      TERRANE_CHECK(!is_object);
      continue;
    }
    TERRANE_CHECK(is_object);
    TERRANE_CHECK(counts->add >= 0 && counts->change >= 0 && counts->destroy >= 0);
    TERRANE_CHECK(counts->has_changes || counts->add + counts->change + counts->destroy == 0);
    json::object plan = root.get_object();
    const size_t entries = ListSize(plan, drift ? "resource_drift" : "resource_changes");
    TERRANE_CHECK(static_cast<size_t>(counts->add) <= entries);
    TERRANE_CHECK(static_cast<size_t>(counts->change) <= entries);
    TERRANE_CHECK(static_cast<size_t>(counts->destroy) <= entries);

    // The list of the other mode must not matter. Boost.JSON 1.81 reads 1e999 as Infinity and
    // 0e999 as NaN and writes them so that no parser reads them back: such a plan is skipped.
    plan.erase(drift ? "resource_changes" : "resource_drift");
    const std::string rewritten = json::serialize(plan);
    if (json::parse(rewritten, ec, json::storage_ptr(), opts); ec) continue;
    const absl::StatusOr<model::ChangeCounts> without = model::CountPlanChanges(rewritten, drift);
    TERRANE_CHECK(without.ok() && Same(*without, *counts));
  }
  return 0;
}
