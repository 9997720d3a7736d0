#include "service/auth.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::service {
namespace {

constexpr std::string_view kKeyPrefix = "tk";
constexpr std::string_view kRunCredentialPrefix = "tr";
constexpr size_t kIdBytes = 8;
constexpr size_t kSecretBytes = 24;
// Bound on remembered keys; only verified-to-exist key ids are cached, so this is reached only
// with that many real keys in use.
constexpr size_t kMaxCachedKeys = 10000;

absl::Status BadKey() {
  return absl::UnauthenticatedError(
      "the API key is not valid: send a key created by `terrane admin create-api-key` in the "
      "x-api-key header (or as the Basic-auth password on terraform-backend routes)");
}

}  // namespace

absl::StatusOr<std::string> IssueApiKey(storage::Store& store, std::string_view account,
                                        std::string_view name, int64_t now) {
  std::string id = RandomHex(kIdBytes);
  std::string secret = RandomHex(kSecretBytes);
  model::ApiKey key{.id = id,
                    .account = std::string(account),
                    .name = std::string(name),
                    .secret_sha256 = Sha256Hex(secret),
                    .created = now};
  TERRANE_RETURN_IF_ERROR(store.CreateApiKey(key));
  return std::string(kKeyPrefix) + "." + id + "." + secret;
}

absl::StatusOr<Principal> Authenticator::Verify(std::string_view key) const {
  if (key.empty()) {
    return absl::UnauthenticatedError(
        "missing API key: send it in the x-api-key header (or as the Basic-auth password on "
        "terraform-backend routes)");
  }
  std::vector<std::string_view> parts;
  for (auto part : absl::StrSplit(absl::string_view(key.data(), key.size()), '.')) {
    parts.emplace_back(part.data(), part.size());
  }
  if (parts.size() == 3 && parts[0] == kRunCredentialPrefix) {
    return VerifyRunCredential(parts[1], parts[2]);
  }
  if (parts.size() != 3 || parts[0] != kKeyPrefix || parts[1].size() != 2 * kIdBytes ||
      parts[2].size() != 2 * kSecretBytes) {
    return BadKey();
  }
  absl::StatusOr<model::ApiKey> stored = Lookup(parts[1]);
  if (absl::IsNotFound(stored.status())) return BadKey();
  if (!stored.ok()) return stored.status();
  if (!ConstantTimeEquals(Sha256Hex(parts[2]), stored->secret_sha256)) return BadKey();
  return Principal{.key_id = stored->id,
                   .account = stored->account,
                   .display_name = absl::StrCat("api_key:", stored->name)};
}

std::string Authenticator::IssueRunCredential(std::string_view run_id,
                                              const model::WorkspaceKey& workspace) {
  std::string secret = RandomHex(kSecretBytes);
  absl::MutexLock lock(&mu_);
  run_credentials_[std::string(run_id)] =
      RunCredential{.secret_sha256 = Sha256Hex(secret), .workspace = workspace};
  return Cat(kRunCredentialPrefix, ".", run_id, ".", secret);
}

void Authenticator::RevokeRunCredential(std::string_view run_id) {
  absl::MutexLock lock(&mu_);
  run_credentials_.erase(std::string(run_id));
}

absl::StatusOr<Principal> Authenticator::VerifyRunCredential(std::string_view run_id,
                                                             std::string_view secret) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = run_credentials_.find(std::string(run_id));
  if (it == run_credentials_.end() ||
      !ConstantTimeEquals(Sha256Hex(secret), it->second.secret_sha256)) {
    return absl::UnauthenticatedError(
        "this run credential is not valid: it works only while its run executes");
  }
  return Principal{.key_id = std::string(run_id),
                   .account = it->second.workspace.account,
                   .display_name = Cat("run:", run_id),
                   .only_workspace = it->second.workspace};
}

absl::StatusOr<model::ApiKey> Authenticator::Lookup(std::string_view id) const {
  const auto now = std::chrono::steady_clock::now();
  const std::string key_id(id);
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && it->second.expires > now) return it->second.key;
  }
  // Looked up without holding mu_: no lock across database I/O.
  TERRANE_ASSIGN_OR_RETURN(model::ApiKey stored, store_.GetApiKey(id));
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_[key_id] = CachedKey{.key = stored, .expires = now + kCacheTtl};
  return stored;
}

absl::StatusOr<Principal> Authenticator::VerifyForAccount(std::string_view key,
                                                          std::string_view account) const {
  TERRANE_ASSIGN_OR_RETURN(Principal p, Verify(key));
  if (p.account != account) {
    return absl::PermissionDeniedError(
        "this API key belongs to another account and cannot access account '" +
        std::string(account) + "': use a key of that account");
  }
  return p;
}

}  // namespace terrane::service
