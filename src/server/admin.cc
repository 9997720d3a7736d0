#include "server/admin.h"

#include <iostream>

#include "common/clock.h"
#include "model/audit.h"
#include "model/tenancy.h"
#include "server/data_dir.h"
#include "service/auth.h"

namespace terrane::server {

int AdminCreateApiKey(const std::string& data_dir, const std::string& account,
                      const std::string& name) {
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenDataDir(data_dir);
  if (!store.ok()) {
    std::cerr << "terrane: " << store.status().message() << "\n";
    return 1;
  }
  SystemClock clock;
  absl::StatusOr<std::string> key = service::IssueApiKey(**store, account, name, clock.NowMillis());
  if (!key.ok()) {
    std::cerr << "terrane: cannot create an API key for account '" << account
              << "': " << key.status().message() << "\n";
    return 1;
  }
  std::cout << *key << std::endl;
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

}  // namespace terrane::server
