#include "service/access_admin.h"

#include "common/random.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::service {

std::string NewRoleBindingId() { return Cat("rb_", RandomHex(8)); }

absl::StatusOr<IssuedKey> IssueKeyWithRole(storage::Store& store, const KeyWithRole& request,
                                           int64_t now) {
  TERRANE_RETURN_IF_ERROR(model::ValidatePlatformIdentifier(request.principal, "principal"));
  TERRANE_RETURN_IF_ERROR(model::ValidatePlatformIdentifier(request.role, "role"));
  // An unknown role is the likeliest mistake: refuse it before anything is created.
  if (model::FindBuiltinRole(request.role) == nullptr) {
    TERRANE_RETURN_IF_ERROR(store.GetRole(request.account, request.role).status());
  }
  absl::Status created =
      store.CreatePrincipal(model::Principal{.account = request.account,
                                             .identifier = request.principal,
                                             .name = request.principal,
                                             .type = model::PrincipalType::kServiceAccount,
                                             .created = now});
  if (!created.ok() && !absl::IsAlreadyExists(created)) return created;
  absl::Status bound = store.CreateRoleBinding(model::RoleBinding{.id = NewRoleBindingId(),
                                                                  .account = request.account,
                                                                  .principal = request.principal,
                                                                  .role = request.role,
                                                                  .scope = request.scope,
                                                                  .created = now});
  if (!bound.ok() && !absl::IsAlreadyExists(bound)) return bound;
  return IssueApiKey(store,
                     model::ApiKey{.account = request.account,
                                   .name = request.key_name.empty() ? request.principal
                                                                    : request.key_name,
                                   .principal = request.principal,
                                   .expires = request.expires},
                     now);
}

}  // namespace terrane::service
