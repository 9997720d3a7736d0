#include "server/admin.h"

#include <cstdlib>
#include <iostream>

#include "common/clock.h"
#include "common/random.h"
#include "model/audit.h"
#include "model/tenancy.h"
#include "server/data_dir.h"
#include "server/key_rotation.h"
#include "server/master_key.h"
#include "service/access_admin.h"
#include "service/auth.h"

namespace terrane::server {

int AdminCreateApiKey(const CreateKeyOptions& options) {
  if (!options.project.empty() && options.org.empty()) {
    std::cerr << "terrane: --project needs --org: a project is named within its org\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenDataDir(options.data_dir);
  if (!store.ok()) {
    std::cerr << "terrane: " << store.status().message() << "\n";
    return 1;
  }
  SystemClock clock;
  const int64_t now = clock.NowMillis();
  service::KeyWithRole request{
      .account = options.account,
      .principal = options.principal.empty() ? "sa_" + RandomHex(6) : options.principal,
      .key_name = options.name,
      .role = options.role,
      .scope = {.org = options.org, .project = options.project},
      .expires = options.expires_in_seconds > 0 ? now + options.expires_in_seconds * 1000 : 0};
  absl::StatusOr<service::IssuedKey> key = service::IssueKeyWithRole(**store, request, now);
  if (!key.ok()) {
    std::cerr << "terrane: cannot create an API key for account '" << options.account
              << "': " << key.status().message() << "\n";
    return 1;
  }
  std::cout << key->secret << std::endl;
  return 0;
}

int AdminCreateAccount(const std::string& data_dir, const std::string& account) {
  if (absl::Status valid = model::ValidatePlatformIdentifier(account, "account"); !valid.ok()) {
    std::cerr << "terrane: " << valid.message() << "\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenDataDir(data_dir);
  if (!store.ok()) {
    std::cerr << "terrane: " << store.status().message() << "\n";
    return 1;
  }
  SystemClock clock;
  if (absl::Status s = (*store)->CreateAccount(account, clock.NowMillis()); !s.ok()) {
    std::cerr << "terrane: cannot create account '" << account << "': " << s.message() << "\n";
    return 1;
  }
  std::cout << "created account '" << account << "'" << std::endl;
  return 0;
}

int AdminPruneAudit(const std::string& data_dir, const std::string& before) {
  SystemClock clock;
  absl::StatusOr<int64_t> cutoff = model::ParseAuditTime(before, clock.NowMillis(), "--before");
  if (!cutoff.ok()) {
    std::cerr << "terrane: " << cutoff.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenDataDir(data_dir);
  if (!store.ok()) {
    std::cerr << "terrane: " << store.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<int64_t> pruned = (*store)->PruneAuditRecords(*cutoff);
  if (!pruned.ok()) {
    std::cerr << "terrane: cannot prune the audit trail: " << pruned.status().message() << "\n";
    return 1;
  }
  std::cout << "pruned " << *pruned << " audit records older than unix ms " << *cutoff << std::endl;
  return 0;
}

int AdminRotateMasterKey(const std::string& data_dir, const std::string& key_file) {
  if (key_file.empty() && std::getenv(kMasterKeyEnv) != nullptr) {
    std::cerr << "terrane: the master key comes from $" << kMasterKeyEnv
              << ", which this command cannot rewrite: move the key into a file (mode 0600), "
                 "start the server with --master-key-file, and rotate with the same flag\n";
    return 2;
  }
  const std::string path = key_file.empty() ? data_dir + "/" + kMasterKeyFile : key_file;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenDataDir(data_dir);
  if (!store.ok()) {
    std::cerr << "terrane: " << store.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<RotationResult> rotated = RotateMasterKey(**store, path);
  if (!rotated.ok()) {
    std::cerr << "terrane: cannot rotate the master key: " << rotated.status().message() << "\n";
    return 1;
  }
  std::cout << "rotated the master key in " << path << (rotated->resumed ? " (resumed)" : "")
            << ": key " << rotated->old_id << " replaced by " << rotated->new_id << ", "
            << rotated->reencrypted << " secret(s) re-encrypted; running servers use the new "
            << "key already. Back up the new key file; the old key decrypts nothing any more."
            << std::endl;
  return 0;
}

}  // namespace terrane::server
