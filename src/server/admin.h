// `terrane admin ...`: offline administration on a data directory. Safe while a server runs
// on the same directory (SQLite WAL, short transactions).
#pragma once

#include <string>

namespace terrane::server {

// Prints only the new key on stdout. Returns the exit code.
int AdminCreateApiKey(const std::string& data_dir, const std::string& account,
                      const std::string& name);

// Creates an account (and nothing in it). Returns the exit code.
int AdminCreateAccount(const std::string& data_dir, const std::string& account);

// The audit trail's retention: deletes the records of every account older than `before`
// (model::ParseAuditTime: `90d`, a date, RFC 3339 or unix ms) and prints how many went.
// Records are otherwise kept for ever. Returns the exit code.
int AdminPruneAudit(const std::string& data_dir, const std::string& before);

}  // namespace terrane::server
