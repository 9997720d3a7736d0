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

// Rotates the secret store's master key (server/key_rotation.h) in `key_file`, or
// DATA_DIR/master.key when "" (refused when the key comes from $TERRANE_MASTER_KEY). Works while
// servers run on the directory. Returns the exit code.
int AdminRotateMasterKey(const std::string& data_dir, const std::string& key_file);

}  // namespace terrane::server
