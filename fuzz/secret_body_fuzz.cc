// Fuzzes the secret parsers: ParseSecretCreate and ParseSecretUpdate (bodies of the /v1 secret
// endpoints) at the three scopes, and ParseSecretReference (the value of a workspace variable of
// value_type "secret"). Refusals must be InvalidArgument with a message. The value must never
// leak: replacing it by another string of the same size (NUL bytes kept) must give the same
// outcome, message included, and the JSON of an accepted secret must not hold it. Accepted
// results must obey the documented rules and survive SecretToJson -> ParseSecretUpdate.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/check.h"
#include "model/secret.h"
#include "model/tenancy.h"

namespace json = boost::json;
namespace model = terrane::model;

namespace {

void CheckRefusal(const absl::Status& status) {
  TERRANE_CHECK(absl::IsInvalidArgument(status));
  TERRANE_CHECK(!status.message().empty());
}

bool SameMetadata(const model::Secret& a, const model::Secret& b) {
  return a.key.account == b.key.account && a.key.org == b.key.org &&
         a.key.project == b.key.project && a.key.identifier == b.key.identifier &&
         a.name == b.name && a.description == b.description && a.tags == b.tags &&
         a.type == b.type && a.value_type == b.value_type;
}

// `body` with secret.spec.value (when it is a string) replaced by another string of the same
// size with NUL bytes in the same places; "" when the body has no such value.
std::string WithOtherValue(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 64;  // as deep as the parser under test reads
  json::error_code ec;
  json::value root = json::parse(body, ec, json::storage_ptr(), opts);
  if (ec) return "";
  json::value* secret = root.is_object() ? root.get_object().if_contains("secret") : nullptr;
  json::value* spec =
      secret != nullptr && secret->is_object() ? secret->get_object().if_contains("spec") : nullptr;
  json::value* value =
      spec != nullptr && spec->is_object() ? spec->get_object().if_contains("value") : nullptr;
  if (value == nullptr || !value->is_string()) return "";
  // NUL bytes stay: the parser refuses them, which is about the value's shape, not its secret.
  std::string other(value->get_string());
  const char fill = other.find_first_not_of(std::string_view("A\0", 2)) == std::string::npos
                        ? 'B'
                        : 'A';
  for (char& c : other) c = c == '\0' ? '\0' : fill;
  *value = other;
  return json::serialize(root);
}

void CheckAccepted(const model::SecretWrite& got, const model::SecretKey& scope, bool is_create) {
  const model::Secret& s = got.secret;
  TERRANE_CHECK(s.key.account == scope.account && s.key.org == scope.org &&
                s.key.project == scope.project);
  TERRANE_CHECK(model::ValidatePlatformIdentifier(s.key.identifier, "secret").ok());
  if (!is_create) TERRANE_CHECK(s.key.identifier == scope.identifier);
  TERRANE_CHECK(!s.name.empty());
  TERRANE_CHECK(s.type == model::kSecretTypeText && s.value_type == model::kSecretValueInline);
  TERRANE_CHECK(!is_create || got.value.has_value());
  TERRANE_CHECK(!got.value.has_value() || got.value->size() <= model::kMaxSecretValueBytes);
  TERRANE_CHECK(!got.value.has_value() || got.value->find('\0') == std::string::npos);
  for (const auto& [key, value] : s.tags) TERRANE_CHECK(!key.empty());

  // The JSON form never carries the value, and reads back as the same metadata.
  json::object shown = model::SecretToJson(s);
  const json::value* spec = shown["secret"].get_object().if_contains("spec");
  TERRANE_CHECK(spec != nullptr && spec->is_object() && !spec->get_object().contains("value"));
  const std::string text = json::serialize(shown);
  model::SecretKey key = scope;
  key.identifier = s.key.identifier;
  const absl::StatusOr<model::SecretWrite> again = model::ParseSecretUpdate(text, key);
  TERRANE_CHECK(again.ok() && !again->value.has_value());
  TERRANE_CHECK(SameMetadata(again->secret, s));
}

void CheckBody(std::string_view body, const model::SecretKey& scope, bool is_create) {
  const absl::StatusOr<model::SecretWrite> got = is_create
                                                     ? model::ParseSecretCreate(body, scope)
                                                     : model::ParseSecretUpdate(body, scope);
  if (got.ok()) {
    CheckAccepted(*got, scope, is_create);
  } else {
    CheckRefusal(got.status());
  }
  const std::string other = WithOtherValue(body);
  if (other.empty()) return;
  const absl::StatusOr<model::SecretWrite> masked = is_create
                                                        ? model::ParseSecretCreate(other, scope)
                                                        : model::ParseSecretUpdate(other, scope);
  TERRANE_CHECK(masked.ok() == got.ok());
  if (!got.ok()) {
    TERRANE_CHECK(masked.status() == got.status());
  } else {
    TERRANE_CHECK(SameMetadata(masked->secret, got->secret));
    TERRANE_CHECK(masked->value.has_value() && got->value.has_value() &&
                  masked->value->size() == got->value->size());
  }
}

void CheckReference(std::string_view reference) {
  const model::WorkspaceKey ws{.account = "acc", .org = "org1", .project = "proj1",
                               .identifier = "ws"};
  const absl::StatusOr<model::SecretKey> key = model::ParseSecretReference(reference, ws);
  if (!key.ok()) {
    CheckRefusal(key.status());
    return;
  }
  TERRANE_CHECK(key->account == ws.account);
  TERRANE_CHECK(model::ValidatePlatformIdentifier(key->identifier, "secret").ok());
  // The key names the reference back: NAME, org.NAME or account.NAME.
  std::string back;
  if (key->org.empty()) {
    TERRANE_CHECK(key->project.empty());
    back = "account." + key->identifier;
  } else if (key->project.empty()) {
    TERRANE_CHECK(key->org == ws.org);
    back = "org." + key->identifier;
  } else {
    TERRANE_CHECK(key->org == ws.org && key->project == ws.project);
    back = key->identifier;
  }
  TERRANE_CHECK(back == reference);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const model::SecretKey scopes[] = {
      {.account = "acc", .identifier = "db_password"},
      {.account = "acc", .org = "org1", .identifier = "db_password"},
      {.account = "acc", .org = "org1", .project = "proj1", .identifier = "db_password"},
  };
  for (const model::SecretKey& scope : scopes) {
    CheckBody(input, scope, /*is_create=*/true);
    CheckBody(input, scope, /*is_create=*/false);
  }
  CheckReference(input);
  return 0;
}
