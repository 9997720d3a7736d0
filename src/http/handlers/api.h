// Registers every REST and terraform-backend route of Terrane on a Router. Handlers are thin:
// authenticate, parse with model/, call the store or a service, serialise.
#pragma once

#include <cstddef>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/master_key_ring.h"
#include "http/handlers/answer_cache.h"
#include "http/router.h"
#include "service/auth.h"
#include "storage/store.h"

namespace terrane::runner {
class JobRunner;
}  // namespace terrane::runner

namespace terrane::http {

// Everything handlers borrow; must outlive the router.
struct ApiDeps {
  storage::Store& store;
  Clock& clock;
  const service::Authenticator& auth;
  // Seals and opens secret values (server/master_key.h says where the keys come from).
  MasterKeyRing& master_key;
  size_t max_state_bytes = size_t{512} << 20;
  // Executes runs; nullptr answers run routes that need it with 503.
  runner::JobRunner* runner = nullptr;
  // Rendered GET workspace answers; nullptr renders every answer.
  AnswerCache* answers = nullptr;
};

// Also gives the router the audit trail that records every change.
void RegisterApiRoutes(Router& router, const ApiDeps& deps);

}  // namespace terrane::http
