#include "service/auth.h"

#include <optional>
#include <utility>
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

absl::StatusOr<IssuedKey> IssueApiKey(storage::Store& store, model::ApiKey key, int64_t now) {
  std::string secret = RandomHex(kSecretBytes);
  key.id = RandomHex(kIdBytes);
  key.secret_sha256 = Sha256Hex(secret);
  key.created = now;
  key.revoked = 0;
  TERRANE_RETURN_IF_ERROR(store.CreateApiKey(key));
  return IssuedKey{.secret = Cat(kKeyPrefix, ".", key.id, ".", secret), .key = std::move(key)};
}

Grants ResolveGrants(const std::vector<model::RoleBinding>& bindings,
                     const std::vector<model::Role>& custom_roles) {
  Grants grants;
  for (const model::RoleBinding& binding : bindings) {
    const model::Role* role = model::FindBuiltinRole(binding.role);
    for (const model::Role& custom : custom_roles) {
      if (role == nullptr && custom.identifier == binding.role) role = &custom;
    }
    if (role != nullptr)
      grants.push_back(Grant{.scope = binding.scope, .permissions = role->permissions});
  }
  return grants;
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
  absl::StatusOr<std::pair<CachedKey, bool>> looked_up = Lookup(parts[1], parts[2]);
  if (absl::IsNotFound(looked_up.status())) return BadKey();
  if (!looked_up.ok()) return looked_up.status();
  const auto& [entry, secret_matches] = *looked_up;
  const model::ApiKey& k = entry.key;
  if (!secret_matches) return BadKey();
  if (k.revoked != 0) {
    return absl::UnauthenticatedError(Cat("API key '", k.id,
                                          "' has been revoked: ask an administrator for a new "
                                          "one (`terrane key create`)"));
  }
  if (k.expires != 0 && clock_.NowMillis() >= k.expires) {
    return absl::UnauthenticatedError(Cat("API key '", k.id,
                                          "' has expired: ask an administrator for a new one "
                                          "(`terrane key create`)"));
  }
  return Principal{.key_id = k.id,
                   .account = k.account,
                   .display_name = Cat("api_key:", k.name),
                   .principal = k.principal,
                   .grants = entry.grants};
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

absl::StatusOr<std::pair<Authenticator::CachedKey, bool>> Authenticator::Lookup(
    std::string_view id, std::string_view secret) const {
  const auto now = std::chrono::steady_clock::now();
  const std::string key_id(id);
  uint64_t generation = 0;
  std::optional<CachedKey> cached;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && it->second.expires > now) {
      const std::string& proven = it->second.proven_secret;
      if (!proven.empty() && ConstantTimeEquals(secret, proven)) return {{it->second, true}};
      cached = it->second;
    }
    generation = generation_;
  }
  if (cached.has_value()) {
    bool matches = ConstantTimeEquals(Sha256Hex(secret), cached->key.secret_sha256);
    if (matches) {
      absl::MutexLock lock(&mu_);
      auto it = cache_.find(key_id);
      if (it != cache_.end() && generation == generation_) it->second.proven_secret = secret;
    }
    return {{*std::move(cached), matches}};
  }
  // Looked up without holding mu_: no lock across database I/O. An invalidation while the read
  // is in flight bumps generation_, and the possibly older answer is then not cached.
  TERRANE_ASSIGN_OR_RETURN(storage::KeyAccess access, store_.GetKeyAccess(id));
  CachedKey entry{
      .key = std::move(access.key),
      .grants = std::make_shared<const Grants>(ResolveGrants(access.bindings, access.custom_roles)),
      .expires = now + kCacheTtl};
  const bool matches = ConstantTimeEquals(Sha256Hex(secret), entry.key.secret_sha256);
  if (matches) entry.proven_secret = std::string(secret);
  absl::MutexLock lock(&mu_);
  if (generation != generation_) return {{std::move(entry), matches}};
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_[key_id] = entry;
  return {{std::move(entry), matches}};
}

void Authenticator::InvalidateKey(std::string_view key_id) const {
  absl::MutexLock lock(&mu_);
  ++generation_;
  cache_.erase(std::string(key_id));
}

void Authenticator::InvalidateAll() const {
  absl::MutexLock lock(&mu_);
  ++generation_;
  cache_.clear();
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
