// `terrane admin ...`: offline administration on a data directory. Safe while a server runs
// on the same directory (SQLite WAL, short transactions); a running server sees a new key at
// once and a changed binding within service::Authenticator::kCacheTtl.
#pragma once

#include <cstdint>
#include <string>

namespace terrane::server {

struct CreateKeyOptions {
  std::string data_dir;
  std::string account = "default";
  std::string name;  // "" = the principal's identifier
  // The role bound to the key's principal, at the account, `org` or `org`/`project`.
  std::string role;
  std::string org;
  std::string project;
  // The service account owning the key: created when missing; "" = a new one, sa_<random>.
  std::string principal;
  int64_t expires_in_seconds = 0;  // 0 = never
};

// Prints only the new key on stdout. Returns the exit code.
int AdminCreateApiKey(const CreateKeyOptions& options);

// Creates an account (and nothing in it). Returns the exit code.
int AdminCreateAccount(const std::string& data_dir, const std::string& account);

// The audit trail's retention: deletes the records of every account older than `before`
// (model::ParseAuditTime: `90d`, a date, RFC 3339 or unix ms) and prints how many went.
// Records are otherwise kept for ever. Returns the exit code.
int AdminPruneAudit(const std::string& data_dir, const std::string& before);

// Rotates the secret store's master key (server/key_rotation.h) in `key_file`, or
// DATA_DIR/master.key when "" (refused when the key comes from $TERRANE_MASTER_KEY). Works while
// servers run on the directory. Returns the exit code.
int AdminRotateMasterKey(const std::string& data_dir, const std::string& key_file);

}  // namespace terrane::server
