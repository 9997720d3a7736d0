// Fuzzes ParseRunCreate, the body of POST .../workspaces/{ws}/runs. A refused body must be an
// InvalidArgument with a message; an accepted one must obey the documented rules (approval only
// for runs that apply, no replace on destroy, addresses that cannot become options or extra
// lines) and survive RunToJson -> ParseRunCreate, since clients may send back what a GET showed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/serialize.hpp"
#include "common/check.h"
#include "model/run.h"

namespace model = terrane::model;

namespace {

void CheckAddresses(const std::vector<std::string>& addresses) {
  for (const std::string& a : addresses) {
    TERRANE_CHECK(!a.empty() && a.size() <= 1024);
    TERRANE_CHECK(a.front() != '-');
    for (const char c : a) TERRANE_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
  }
}

bool SameSteps(const std::vector<model::RunStep>& a, const std::vector<model::RunStep>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].status != b[i].status) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<model::Run> run = model::ParseRunCreate(body);
  if (!run.ok()) {
    TERRANE_CHECK(absl::IsInvalidArgument(run.status()));
    TERRANE_CHECK(!run.status().message().empty());
    return 0;
  }
  const bool applies =
      run->operation == model::RunOperation::kProvision || run->operation == model::RunOperation::kDestroy;
  TERRANE_CHECK(!run->approval_required || applies);
  TERRANE_CHECK(run->replace.empty() || run->operation != model::RunOperation::kDestroy);
  TERRANE_CHECK(run->status == model::RunStatus::kQueued && !run->approved);
  CheckAddresses(run->targets);
  CheckAddresses(run->replace);
  TERRANE_CHECK(SameSteps(run->steps, model::StepsFor(run->operation, run->approval_required)));

  const std::string shown = boost::json::serialize(model::RunToJson(*run));
  const absl::StatusOr<model::Run> again = model::ParseRunCreate(shown);
  TERRANE_CHECK(again.ok());
  TERRANE_CHECK(again->operation == run->operation);
  TERRANE_CHECK(again->approval_required == run->approval_required);
  TERRANE_CHECK(again->targets == run->targets && again->replace == run->replace);
  TERRANE_CHECK(SameSteps(again->steps, run->steps));
  return 0;
}
