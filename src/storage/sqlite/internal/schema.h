// The SQLite schema as an ordered list of migrations, versioned with PRAGMA user_version.
#pragma once

#include "absl/status/status.h"
#include "storage/sqlite/internal/connection.h"

namespace terrane::storage::sqlite::internal {

// The user_version a fully migrated database has.
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion() in one write transaction, applying each missing
// migration in order. Safe to run concurrently from several processes (the second one finds
// nothing to do). FailedPrecondition when the file was written by a newer Terrane.
absl::Status Migrate(Connection& conn);

}  // namespace terrane::storage::sqlite::internal
