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

}  // namespace terrane::server
