#include "service/secrets.h"

#include <utility>

#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::service {
namespace {

const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// "org 'o' (POST /v1/orgs/o/secrets)": where a missing secret would be created.
std::string CreateHint(const model::SecretKey& key) {
  if (key.org.empty()) return "POST /v1/secrets";
  if (key.project.empty()) return Cat("POST /v1/orgs/", key.org, "/secrets");
  return Cat("POST /v1/orgs/", key.org, "/projects/", key.project, "/secrets");
}

absl::Status CheckVariables(storage::Store& store, const model::WorkspaceKey& workspace,
                            std::string_view kind, const model::VariableMap& vars) {
  for (const auto& [name, var] : vars) {
    if (var.value_type != "secret") continue;
    const std::string variable = Cat(kind, ".", name);
    absl::StatusOr<model::SecretKey> key = model::ParseSecretReference(var.value, workspace);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          Cat("variable '", variable, "': ", AsStd(key.status().message())));
    }
    absl::Status found = store.GetSecret(*key).status();
    if (absl::IsNotFound(found)) {
      return absl::InvalidArgumentError(
          Cat("variable '", variable, "' refers to secret '", var.value, "', but ",
              model::DescribeSecretScope(*key), " has no secret '", key->identifier,
              "': create it first (", CreateHint(*key), ") or correct the reference"));
    }
    TERRANE_RETURN_IF_ERROR(found);
  }
  return absl::OkStatus();
}

bool HasSecretVariables(const model::WorkspaceSpec& spec) {
  for (const model::VariableMap* vars : {&spec.terraform_variables, &spec.environment_variables}) {
    for (const auto& [name, var] : *vars) {
      if (var.value_type == "secret") return true;
    }
  }
  return false;
}

// Seals `value` for `key` and calls `write(sealed)`; Aborted from the store means it seals with
// another key now: switch the ring to it and try once more.
template <typename Write>
auto SealAndWrite(storage::Store& store, MasterKeyRing& keys, const model::SecretKey& key,
                  std::string_view value, Write write) -> decltype(write(std::string_view())) {
  for (int attempt = 0;; ++attempt) {
    TERRANE_ASSIGN_OR_RETURN(std::string sealed, keys.Seal(value, SecretBinding(key)));
    auto written = write(sealed);
    if (!absl::IsAborted(StatusOf(written))) return written;
    if (attempt == 1) {
      return absl::UnavailableError(
          "the master key is being rotated and this value could not be sealed with the new key; "
          "retry");
    }
    TERRANE_ASSIGN_OR_RETURN(std::string sealing_id, store.GetSealingKeyId());
    TERRANE_RETURN_IF_ERROR(keys.UseSealingKey(sealing_id));
  }
}

}  // namespace

std::string SecretBinding(const model::SecretKey& key) {
  // Length-prefixed, so no choice of identifiers makes two keys encode alike.
  return Cat("terrane-secret-v1|", key.account.size(), ":", key.account, "|", key.org.size(), ":",
             key.org, "|", key.project.size(), ":", key.project, "|", key.identifier.size(), ":",
             key.identifier);
}

absl::Status CreateSecret(storage::Store& store, MasterKeyRing& keys, const model::Secret& secret,
                          std::string_view value) {
  return SealAndWrite(store, keys, secret.key, value, [&](std::string_view sealed) {
    return store.CreateSecret(secret, sealed);
  });
}

absl::StatusOr<model::Secret> UpdateSecret(storage::Store& store, MasterKeyRing& keys,
                                           const model::Secret& secret,
                                           const std::optional<std::string>& value) {
  if (!value.has_value()) return store.UpdateSecret(secret, std::nullopt);
  return SealAndWrite(store, keys, secret.key, *value, [&](std::string_view sealed) {
    return store.UpdateSecret(secret, std::optional<std::string_view>(sealed));
  });
}

absl::StatusOr<std::map<std::string, std::string>> ResolveSecretReferences(
    storage::Store& store, MasterKeyRing& keys, const model::WorkspaceKey& workspace,
    const std::vector<std::string>& references) {
  std::map<std::string, std::string> out;
  for (const std::string& reference : references) {
    if (out.contains(reference)) continue;
    TERRANE_ASSIGN_OR_RETURN(model::SecretKey key,
                             model::ParseSecretReference(reference, workspace));
    absl::StatusOr<storage::StoredSecret> stored = store.GetSecret(key);
    if (absl::IsNotFound(stored.status())) {
      return absl::NotFoundError(
          Cat("secret reference '", reference, "' not found: ", AsStd(stored.status().message())));
    }
    TERRANE_RETURN_IF_ERROR(stored.status());
    absl::StatusOr<std::string> plaintext =
        keys.Open(stored->ciphertext, SecretBinding(key));
    if (!plaintext.ok()) {
      return absl::Status(
          plaintext.status().code(),
          Cat("secret reference '", reference, "': ", AsStd(plaintext.status().message())));
    }
    out.emplace(reference, *std::move(plaintext));
  }
  return out;
}

absl::Status ValidateSecretReferences(storage::Store& store, const model::WorkspaceKey& workspace,
                                      const model::WorkspaceSpec& spec) {
  if (!HasSecretVariables(spec)) return absl::OkStatus();
  // An unknown project is the workspace's 404, not a bad reference.
  TERRANE_RETURN_IF_ERROR(
      store.GetProject(workspace.account, workspace.org, workspace.project).status());
  TERRANE_RETURN_IF_ERROR(
      CheckVariables(store, workspace, "terraform_variables", spec.terraform_variables));
  return CheckVariables(store, workspace, "environment_variables", spec.environment_variables);
}

}  // namespace terrane::service
