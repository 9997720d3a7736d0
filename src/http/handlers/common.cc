#include "http/handlers/common.h"

#include <any>
#include <charconv>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/crypto.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "service/request_limiter.h"

namespace terrane::http::handlers {
namespace {

// The password of a Basic Authorization header: split at the first colon, no URL-decoding.
std::optional<std::string> BasicPassword(std::string_view header) {
  constexpr std::string_view kBasic = "basic ";
  if (header.size() <= kBasic.size() ||
      !absl::EqualsIgnoreCase(AsAbsl(header.substr(0, kBasic.size())), AsAbsl(kBasic))) {
    return std::nullopt;
  }
  std::optional<std::string> decoded = Base64Decode(header.substr(kBasic.size()));
  if (!decoded.has_value()) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return decoded->substr(colon + 1);
}

// Verifies `key` for `account` and names the key's holder in `req.audit`, also when the key
// belongs to another account.
absl::StatusOr<service::Principal> VerifyAndNote(Request& req, const service::Authenticator& auth,
                                                 std::string_view key, std::string_view account) {
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, auth.Verify(key));
  req.audit.actor_id = who.key_id;
  req.audit.actor = who.display_name;
  if (account.empty()) {
    req.audit.account = who.account;
  } else if (who.account != account) {
    return auth.VerifyForAccount(key, account);  // its one "another account" refusal
  }
  return who;
}

// The server's abuse limits on the outcome of authenticating `req` (none when not configured).
absl::StatusOr<service::Principal> Limited(const Request& req, const service::Authenticator& auth,
                                           absl::StatusOr<service::Principal> verified) {
  service::RequestLimiter* limiter = auth.limiter();
  if (limiter == nullptr) return verified;
  return limiter->Admit(req.remote, std::move(verified), std::chrono::steady_clock::now());
}

absl::StatusOr<service::Principal> VerifyRest(Request& req, const service::Authenticator& auth) {
  std::optional<std::string_view> account = req.Header("harness-account");
  req.audit.account = std::string(account.value_or(""));
  std::optional<std::string_view> key = req.Header("x-api-key");
  if (!key.has_value() || key->empty()) {
    return auth.Verify("");  // the one "missing API key" message
  }
  if (!account.has_value() || account->empty()) {
    return absl::InvalidArgumentError(
        "the Harness-Account header is required: set it to your account identifier (the first "
        "start of the server creates account 'default')");
  }
  TERRANE_ASSIGN_OR_RETURN(service::Principal who, VerifyAndNote(req, auth, *key, *account));
  if (who.only_workspace.has_value()) {
    return absl::PermissionDeniedError(
        "a run credential only reaches the state backend of its own workspace: use an API key");
  }
  return who;
}

absl::StatusOr<service::Principal> VerifyBackend(Request& req,
                                                 const service::Authenticator& auth) {
  std::optional<std::string_view> account = req.Query("accountIdentifier");
  if (!account.has_value()) account = req.Header("harness-account");
  req.audit.account = std::string(account.value_or(""));
  std::string key;
  if (std::optional<std::string_view> authz = req.Header("authorization")) {
    std::optional<std::string> password = BasicPassword(*authz);
    if (!password.has_value()) {
      return absl::UnauthenticatedError(
          "the Authorization header must be HTTP Basic auth with an API key as the password");
    }
    key = std::move(*password);
  } else if (std::optional<std::string_view> header = req.Header("x-api-key")) {
    key = std::string(*header);
  }
  return VerifyAndNote(req, auth, key, account.value_or(""));
}

// What a request was authenticated as. A route's permission guard and then its handler both
// authenticate: the key is verified, and the request counted against the rate limits, once.
struct AuthenticatedAs {
  bool backend = false;
  service::Principal who;
};

absl::StatusOr<service::Principal> Authenticate(Request& req, const service::Authenticator& auth,
                                                bool backend) {
  if (const auto* done = std::any_cast<AuthenticatedAs>(&req.authenticated);
      done != nullptr && done->backend == backend) {
    return done->who;
  }
  TERRANE_ASSIGN_OR_RETURN(
      service::Principal who,
      Limited(req, auth, backend ? VerifyBackend(req, auth) : VerifyRest(req, auth)));
  req.authenticated = AuthenticatedAs{.backend = backend, .who = who};
  return who;
}

}  // namespace

absl::StatusOr<service::Principal> AuthenticateRest(Request& req,
                                                    const service::Authenticator& auth) {
  return Authenticate(req, auth, /*backend=*/false);
}

absl::StatusOr<service::Principal> AuthenticateBackend(Request& req,
                                                       const service::Authenticator& auth) {
  return Authenticate(req, auth, /*backend=*/true);
}

model::WorkspaceKey WorkspaceKeyFrom(std::string_view account, const PathParams& params) {
  auto get = [&](std::string_view name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  return model::WorkspaceKey{.account = std::string(account),
                             .org = get("org"),
                             .project = get("project"),
                             .identifier = get("workspace")};
}

Response JsonResponse(int status, boost::json::value body) {
  Response resp;
  resp.status = status;
  resp.body = boost::json::serialize(body);
  return resp;
}

Response EmptyResponse(int status) {
  Response resp;
  resp.status = status;
  resp.content_type.clear();
  return resp;
}

absl::StatusOr<boost::json::object> ParseJsonObject(std::string_view body, bool allow_empty) {
  if (body.empty() && allow_empty) return boost::json::object();
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body is not valid JSON: ", ec.message()));
  }
  if (!v.is_object()) return absl::InvalidArgumentError("request body must be a JSON object");
  return std::move(v.get_object());
}

absl::StatusOr<std::string> OptionalString(const boost::json::object& obj, std::string_view field) {
  const boost::json::value* v = obj.if_contains(field);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("field '", AsAbsl(field), "' must be a string"));
  }
  return std::string(v->get_string());
}

absl::StatusOr<int> QueryInt(const Request& req, std::string_view name, int fallback, int min,
                             int max) {
  std::optional<std::string_view> text = req.Query(name);
  if (!text.has_value()) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrCat("query parameter '", AsAbsl(name),
                                                   "' must be an integer from ", min, " to ", max,
                                                   ", got '", AsAbsl(*text), "'"));
  }
  return value;
}

void SetPageHeaders(Response& resp, int64_t total, int limit) {
  int64_t pages = limit > 0 ? (total + limit - 1) / limit : 0;
  resp.headers.emplace_back("x-total-items", std::to_string(total));
  resp.headers.emplace_back("x-total-pages", std::to_string(pages));
  resp.headers.emplace_back("x-page-size", std::to_string(limit));
}

}  // namespace terrane::http::handlers
