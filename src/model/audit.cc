#include "model/audit.h"

#include <charconv>
#include <string>

#include "absl/time/time.h"
#include "common/strings.h"
#include "model/internal/enum_names.h"

namespace terrane::model {
namespace {

namespace json = boost::json;

constexpr internal::EnumNames<AuditOutcome, 3> kOutcomeNames = {{
    {AuditOutcome::kSuccess, "success"},
    {AuditOutcome::kRefused, "refused"},
    {AuditOutcome::kFailed, "failed"},
}};

}  // namespace

std::string_view ToString(AuditOutcome outcome) {
  return internal::NameOf(kOutcomeNames, outcome, "failed");
}

std::optional<AuditOutcome> ParseAuditOutcome(std::string_view text) {
  return internal::ValueOf(kOutcomeNames, text);
}

AuditOutcome AuditOutcomeForHttpStatus(int http_status) {
  if (http_status >= 500) return AuditOutcome::kFailed;
  if (http_status >= 400) return AuditOutcome::kRefused;
  return AuditOutcome::kSuccess;
}

std::string TruncateAuditMessage(std::string_view message) {
  if (message.size() <= kMaxAuditMessageBytes) return std::string(message);
  size_t end = kMaxAuditMessageBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut sequence.
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80) --end;
  return std::string(message.substr(0, end));
}

absl::StatusOr<int64_t> ParseAuditTime(std::string_view text, int64_t now_ms,
                                       std::string_view what) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        Cat(what,
            " must be unix milliseconds, an age such as 90d, 12h, 30m or 45s, a date "
            "(2026-01-02, UTC) or an RFC 3339 time (2026-01-02T15:04:05Z); got '",
            text, "'"));
  };
  if (text.empty()) return bad();
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && number >= 0) {
    if (end == text.data() + text.size()) return number;
    std::string_view unit(end, text.data() + text.size() - end);
    int64_t unit_ms = unit == "d"   ? 86'400'000
                      : unit == "h" ? 3'600'000
                      : unit == "m" ? 60'000
                      : unit == "s" ? 1'000
                                    : 0;
    // Ages beyond a few thousand years are typing mistakes, and would overflow.
    if (unit_ms > 0 && number <= 10'000'000) return now_ms - number * unit_ms;
  }
  absl::Time t;
  std::string error;
  std::string copy(text);
  if (absl::ParseTime(absl::RFC3339_full, copy, &t, &error) ||
      absl::ParseTime("%Y-%m-%d", copy, absl::UTCTimeZone(), &t, &error)) {
    return absl::ToUnixMillis(t);
  }
  return bad();
}

json::object AuditRecordToJson(const AuditRecord& r) {
  return json::object{
      {"id", r.id},
      {"time", r.time},
      {"account", r.account},
      {"actor", r.actor},
      {"actor_id", r.actor_id},
      {"remote", r.remote},
      {"action", r.action},
      {"method", r.method},
      {"path", r.path},
      {"org", r.org},
      {"project", r.project},
      {"workspace", r.workspace},
      {"run", r.run},
      {"status", r.http_status},
      {"outcome", ToString(r.outcome)},
      {"message", r.message},
      {"request_id", r.request_id},
      {"details", r.details},
  };
}

}  // namespace terrane::model
