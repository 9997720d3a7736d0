// The audit trail: one record per attempted change (create, update, delete, lock, unlock, state
// write, rollback, run start and decisions, key and role changes), allowed or refused, with who
// made it, from where, when, what it addressed and how it ended. Records never hold a state
// body, a secret value or an API key: `details` carries small facts chosen by the code that
// records them (a state serial, a lock id, a created run's id). Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"

namespace terrane::model {

// success: the change happened (HTTP 1xx-3xx); refused: the request was turned down (4xx,
// including failed authentication); failed: the server could not complete it (5xx).
enum class AuditOutcome { kSuccess, kRefused, kFailed };
std::string_view ToString(AuditOutcome outcome);
std::optional<AuditOutcome> ParseAuditOutcome(std::string_view text);
AuditOutcome AuditOutcomeForHttpStatus(int http_status);

// Longest `message` kept; longer ones are cut at a UTF-8 boundary.
inline constexpr size_t kMaxAuditMessageBytes = 1024;

struct AuditRecord {
  int64_t id = 0;    // assigned by the store, increasing
  int64_t time = 0;  // unix ms
  // The account the request addressed (the caller's own once authenticated).
  std::string account;
  // Who: the key id (or run id of a run credential) and its display name ("api_key:ci",
  // "run:run-..."); both empty when no valid key was presented.
  std::string actor_id;
  std::string actor;
  std::string remote;  // peer address
  std::string action;  // "workspace.delete", "state.write", "run.approve", ...
  std::string method;
  std::string path;  // without the query string
  // What the request addressed; "" when not applicable.
  std::string org;
  std::string project;
  std::string workspace;
  std::string run;
  int http_status = 0;
  AuditOutcome outcome = AuditOutcome::kSuccess;
  std::string message;  // the error message of a refused or failed attempt
  std::string request_id;
  boost::json::object details;
};

// A page of records of one account, newest first. Empty filters match everything; `from` and
// `to` bound `time` (inclusive, unix ms).
struct AuditQuery {
  std::string account;
  std::string actor;  // matches actor or actor_id
  std::string action;
  std::string org;
  std::string project;
  std::string workspace;
  std::optional<AuditOutcome> outcome;
  std::optional<int64_t> from;
  std::optional<int64_t> to;
  int limit = 30;
  int page = 1;
};

// `message` cut to kMaxAuditMessageBytes (never in the middle of a UTF-8 sequence).
std::string TruncateAuditMessage(std::string_view message);

// A point in time given on a command line, as unix ms: digits are unix milliseconds; a number
// with a unit (`90d`, `12h`, `30m`, `45s`) is that long before `now_ms`; `2026-01-02` is UTC
// midnight of that day; RFC 3339 (`2026-01-02T15:04:05Z`, `...+02:00`) is that instant.
// InvalidArgument naming `what` and the accepted forms otherwise.
absl::StatusOr<int64_t> ParseAuditTime(std::string_view text, int64_t now_ms,
                                       std::string_view what);

// The record as the API answers it: {"id", "time", "account", "actor", "actor_id", "remote",
// "action", "method", "path", "org", "project", "workspace", "run", "status", "outcome",
// "message", "request_id", "details"}.
boost::json::object AuditRecordToJson(const AuditRecord& record);

}  // namespace terrane::model
