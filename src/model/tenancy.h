// Accounts, organizations, projects and API keys (Harness platform v1 shapes).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"

namespace terrane::model {

struct Org {
  std::string account;
  std::string identifier;
  std::string name;
  std::string description;
  std::map<std::string, std::string> tags;
  int64_t created = 0;
  int64_t updated = 0;
};

struct Project {
  std::string account;
  std::string org;
  std::string identifier;
  std::string name;
  std::string description;
  std::map<std::string, std::string> tags;
  int64_t created = 0;
  int64_t updated = 0;
};

// An API key as stored: never the secret, only its SHA-256. It acts as its principal: the
// principal's role bindings decide what it may do.
struct ApiKey {
  std::string id;  // public part of the key, used for lookup
  std::string account;
  std::string name;
  std::string secret_sha256;
  int64_t created = 0;
  std::string principal;  // identifier of the owning principal in `account`
  int64_t expires = 0;    // unix ms after which the key stops working; 0 = never
  int64_t revoked = 0;    // unix ms of the revocation; 0 = not revoked
};

// Platform identifier rule (iacm-api.md §11): letter or _, then letters, digits, _ or $;
// 1-128 characters; not a reserved word. `what` names the field in the error.
absl::Status ValidatePlatformIdentifier(std::string_view id, std::string_view what);

// Bodies `{"org": {...}}` and `{"project": {...}}`; InvalidArgument names the field.
absl::StatusOr<Org> ParseOrgCreate(std::string_view body);
absl::StatusOr<Project> ParseProjectCreate(std::string_view body, std::string_view org);

// `{"org": {...}, "created": ms, "updated": ms}` and the project equivalent.
boost::json::object OrgToJson(const Org& org);
boost::json::object ProjectToJson(const Project& project);

}  // namespace terrane::model
