// Helpers shared by the route handlers: authentication, JSON bodies, query parameters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "http/message.h"
#include "http/router.h"
#include "model/workspace.h"
#include "service/auth.h"

namespace terrane::http::handlers {

// REST authentication: `x-api-key` for the account in `Harness-Account`.
// InvalidArgument without Harness-Account, then the Authenticator's errors. Leaves the
// addressed account and, once the key verified, who holds it in `req.audit`, refused or not.
absl::StatusOr<service::Principal> AuthenticateRest(Request& req,
                                                    const service::Authenticator& auth);

// terraform-backend authentication: Basic auth (password = key, username ignored) or
// x-api-key; the account is `accountIdentifier`, else Harness-Account, else the key's own.
// Fills `req.audit` as AuthenticateRest does.
absl::StatusOr<service::Principal> AuthenticateBackend(Request& req,
                                                       const service::Authenticator& auth);

// The workspace addressed by {org}/{project}/{workspace} for `account`.
model::WorkspaceKey WorkspaceKeyFrom(std::string_view account, const PathParams& params);

// Takes the body by value: pass a temporary or std::move, so it is not copied.
Response JsonResponse(int status, boost::json::value body);
Response EmptyResponse(int status);

// The body as a JSON object; an empty body is `{}` when `allow_empty`.
absl::StatusOr<boost::json::object> ParseJsonObject(std::string_view body, bool allow_empty);

// An optional string field of `obj`; InvalidArgument naming it when not a string.
absl::StatusOr<std::string> OptionalString(const boost::json::object& obj, std::string_view field);

// Integer query parameter in [min, max], `fallback` when absent; InvalidArgument names it.
absl::StatusOr<int> QueryInt(const Request& req, std::string_view name, int fallback, int min,
                             int max);

// A router Handler calling `fn(deps, request, params)`; `deps` must outlive the router.
template <typename Deps, typename Fn>
Handler BindDeps(const Deps& deps, Fn fn) {
  return [&deps, fn](Request& req, const PathParams& params) { return fn(deps, req, params); };
}

// x-total-items, x-total-pages, x-page-size.
void SetPageHeaders(Response& resp, int64_t total, int limit);

}  // namespace terrane::http::handlers
