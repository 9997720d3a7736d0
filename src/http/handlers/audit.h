// The audit trail's HTTP side. AuditTrail stores one record per request to a route registered
// with an audit action (RouteOptions::audit_action), after its handler ran: who (the key the
// authentication helpers named in Request::audit, or nobody), from which address, when, the
// account/org/project/workspace/run the request addressed, the HTTP status with the error
// message of a refusal, and the small facts handlers put in Request::audit.details. Never a
// request body, a state, a secret value or a key.
//
// Registering a new changing route: pass `{.audit_action = "thing.verb"}` (lower-case
// `noun.verb`) in its RouteOptions; the audit coverage test fails for any route of a method
// other than GET without one. Changes made outside HTTP (the `terrane admin` commands) append
// their own record with Store::AppendAuditRecord.
//
// A record that cannot be stored does not change the answer: the change has happened (or was
// refused) either way. The failure is logged (action and request id, nothing of the request)
// and counted in write_failures(). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/clock.h"
#include "http/router.h"
#include "service/auth.h"
#include "storage/store.h"

namespace terrane::http::handlers {

class AuditTrail final : public AuditSink {
 public:
  AuditTrail(storage::Store& store, Clock& clock) : store_(store), clock_(clock) {}

  // AuditSink
  void Record(const AuditedRequest& request) override;

  // Records that could not be stored since the start.
  int64_t write_failures() const { return write_failures_.load(std::memory_order_relaxed); }

 private:
  storage::Store& store_;
  Clock& clock_;
  std::atomic<int64_t> write_failures_{0};
};

// The record AuditTrail stores for `request`, timed `now`.
model::AuditRecord AuditRecordFor(const AuditedRequest& request, int64_t now);

}  // namespace terrane::http::handlers
