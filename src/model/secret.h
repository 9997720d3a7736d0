// Secrets of the Harness platform v1 API (`/v1/secrets`, `/v1/orgs/{org}/secrets`,
// `/v1/orgs/{org}/projects/{project}/secrets`): metadata, request bodies, response JSON and the
// references workspace variables use to name a secret. The value never appears in any JSON this
// file writes. No I/O, thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "model/workspace.h"

namespace terrane::model {

// The only secret type and value type Terrane stores (a text value kept in its own database).
inline constexpr std::string_view kSecretTypeText = "SecretText";
inline constexpr std::string_view kSecretValueInline = "Inline";
// Largest accepted value; a secret ends up in a process environment, where Linux caps one
// string at 128 KiB.
inline constexpr size_t kMaxSecretValueBytes = 64 * 1024;

// Addresses one secret. The scope is the account when `org` is "", the org when only `project`
// is "", else the project. All parts are case-sensitive.
struct SecretKey {
  std::string account;
  std::string org;
  std::string project;
  std::string identifier;
};

// "account 'a'", "org 'o'" or "project 'p' of org 'o'": the scope of `key`, for messages.
std::string DescribeSecretScope(const SecretKey& key);

// A secret's metadata: everything but its value.
struct Secret {
  SecretKey key;
  std::string name;
  std::string description;
  std::map<std::string, std::string> tags;
  std::string type = std::string(kSecretTypeText);
  std::string value_type = std::string(kSecretValueInline);
  int64_t created = 0;  // unix ms
  int64_t updated = 0;
};

// A parsed create or update body.
struct SecretWrite {
  Secret secret;
  // The plaintext value; nullopt when an update body has none (the stored value is kept).
  std::optional<std::string> value;
};

// Parses `{"secret": {identifier, name, description?, tags?, org?, project?, spec: {type,
// value_type, value}}}`. `scope` gives account, org and project (from the path and the
// caller); an `org`/`project` in the body must equal them. The value has at most
// kMaxSecretValueBytes and no NUL byte. InvalidArgument names the field
// (e.g. 'secret.spec.type'); the value itself is never quoted in a message.
absl::StatusOr<SecretWrite> ParseSecretCreate(std::string_view body, const SecretKey& scope);

// The same body for PUT `.../secrets/{identifier}`: a full replacement of the metadata, but
// `spec.value` is optional. A body `identifier` must equal `key.identifier`.
absl::StatusOr<SecretWrite> ParseSecretUpdate(std::string_view body, const SecretKey& key);

// `{"secret": {identifier, name, description, tags, org?, project?, spec: {type, value_type}},
// "created": ms, "updated": ms}`; `org`/`project` only when the scope has them.
boost::json::object SecretToJson(const Secret& secret);

// The secret a workspace variable of value_type "secret" names: "NAME" is a secret of the
// workspace's project, "org.NAME" of its org, "account.NAME" of its account. InvalidArgument,
// quoting the reference, when it has another shape or NAME is not a valid identifier.
absl::StatusOr<SecretKey> ParseSecretReference(std::string_view reference,
                                               const WorkspaceKey& workspace);

}  // namespace terrane::model
