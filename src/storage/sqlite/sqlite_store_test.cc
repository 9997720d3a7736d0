// SQLite-specific behaviour of SqliteStore: schema versioning, busy handling, WAL readers and
// the connection pool. Store semantics are covered by tests/conformance.
#include "storage/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "storage/sqlite/internal/schema.h"
#include "storage/sqlite/internal/strings.h"

namespace terrane::storage {
namespace {

using sqlite::internal::Cat;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    path_ =
        Cat(::testing::TempDir(), "terrane_sqlite_store_test_", getpid(), "_", counter++, ".db");
  }
  void TearDown() override {
    sqlite3_close_v2(raw_);
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove(Cat(path_, suffix).c_str());
  }

  // A second connection to the same file, bypassing the store.
  sqlite3* Raw() {
    if (raw_ == nullptr) {
      EXPECT_EQ(sqlite3_open(path_.c_str(), &raw_), SQLITE_OK);
    }
    return raw_;
  }
  void RawExec(const char* sql) {
    EXPECT_EQ(sqlite3_exec(Raw(), sql, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(Raw());
  }
  int64_t RawInt(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(Raw(), sql, -1, &stmt, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }

  std::string path_;
  sqlite3* raw_ = nullptr;
};

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndSchemaVersion) {
  {
    auto store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->CreateAccount("acct", 1).ok());
  }
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<bool> exists = (*store)->AccountExists("acct");
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);
  EXPECT_EQ(RawInt("PRAGMA user_version"), sqlite::internal::LatestSchemaVersion());
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

// Undoes migrations 4 (audit), 5 (roles) and 6 (key rotation) on a freshly created database:
// the schema of version 3.
constexpr const char* kDowngradeToThree = R"sql(
  DROP TABLE secret_sealing; DROP INDEX secrets_by_key_id; ALTER TABLE secrets DROP COLUMN key_id;
  DROP TABLE audit_log;
  DROP TABLE role_bindings; DROP TABLE roles;
  DROP INDEX api_keys_by_principal; DROP TABLE api_keys; DROP TABLE principals;
  CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    created       INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX api_keys_by_account ON api_keys(account_id);
  PRAGMA user_version = 3;)sql";

// A database written before secrets existed (schema version 1) gains the secrets table and
// keeps its data.
TEST_F(SqliteStoreTest, MigratesAVersionOneDatabase) {
  ASSERT_TRUE(SqliteStore::Open(path_).ok());
  RawExec(kDowngradeToThree);
  RawExec("DROP TABLE run_artifacts; DROP TABLE run_logs; DROP TABLE runs; DROP TABLE secrets; "
          "PRAGMA user_version = 1;");
  RawExec("INSERT INTO accounts(id, created) VALUES ('acct', 1)");
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(RawInt("PRAGMA user_version"), sqlite::internal::LatestSchemaVersion());
  model::Secret secret{.key = {.account = "acct", .identifier = "tok"}, .name = "tok"};
  // A version-1 sealed value (version byte 1, then nonce, ciphertext and tag).
  ASSERT_TRUE((*store)->CreateSecret(secret, "\x01" + std::string(28, 'c')).ok());
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM secrets WHERE account_id = 'acct'"), 1);
}

// A database written before the audit trail (schema version 3) gains its table and keeps its
// data.
TEST_F(SqliteStoreTest, MigratesAVersionThreeDatabase) {
  ASSERT_TRUE(SqliteStore::Open(path_).ok());
  RawExec(kDowngradeToThree);
  RawExec("INSERT INTO accounts(id, created) VALUES ('acct', 1)");
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(RawInt("PRAGMA user_version"), sqlite::internal::LatestSchemaVersion());
  absl::StatusOr<bool> exists = (*store)->AccountExists("acct");
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);
  model::AuditRecord record{.time = 5, .account = "acct", .action = "workspace.create"};
  ASSERT_TRUE((*store)->AppendAuditRecord(record).ok());
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM audit_log WHERE account = 'acct'"), 1);
}

// Keys made before roles existed could do everything: each becomes its own service account
// holding admin at account scope, and keeps working.
TEST_F(SqliteStoreTest, MigratesVersionThreeKeysToAdminPrincipals) {
  ASSERT_TRUE(SqliteStore::Open(path_).ok());
  RawExec(kDowngradeToThree);
  RawExec("INSERT INTO accounts(id, created) VALUES ('acct', 1);"
          "INSERT INTO api_keys VALUES ('00aa11bb22cc33dd', 'acct', 'admin', 'digest', 7);");
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(RawInt("PRAGMA user_version"), sqlite::internal::LatestSchemaVersion());
  absl::StatusOr<KeyAccess> access = (*store)->GetKeyAccess("00aa11bb22cc33dd");
  ASSERT_TRUE(access.ok()) << access.status();
  EXPECT_EQ(access->key.principal, "key_00aa11bb22cc33dd");
  EXPECT_EQ(access->key.secret_sha256, "digest");
  EXPECT_EQ(access->key.expires, 0);
  EXPECT_EQ(access->key.revoked, 0);
  ASSERT_EQ(access->bindings.size(), 1u);
  EXPECT_EQ(access->bindings[0].role, "admin");
  EXPECT_EQ(access->bindings[0].scope.org, "");
  absl::StatusOr<model::Principal> principal =
      (*store)->GetPrincipal("acct", "key_00aa11bb22cc33dd");
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->name, "admin");
  EXPECT_EQ(principal->type, model::PrincipalType::kServiceAccount);
}

// Scoped lookups must use the IFNULL expression index; a plain `org_id IS ?` would not.
TEST_F(SqliteStoreTest, SecretLookupsUseTheScopeIndex) {
  ASSERT_TRUE(SqliteStore::Open(path_).ok());
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(Raw(),
                               "EXPLAIN QUERY PLAN SELECT name FROM secrets WHERE account_id = ?1 "
                               "AND IFNULL(org_id, 0) = ?2 AND IFNULL(project_id, 0) = ?3 AND "
                               "identifier = ?4",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
  }
  sqlite3_finalize(stmt);
  EXPECT_NE(plan.find("USING INDEX secrets_by_scope"), std::string::npos) << plan;
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerTerrane) {
  ASSERT_TRUE(SqliteStore::Open(path_).ok());
  RawExec("PRAGMA user_version = 999");
  auto store = SqliteStore::Open(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
}

TEST_F(SqliteStoreTest, RejectsBadOptions) {
  EXPECT_EQ(SqliteStore::Open(path_, {.max_connections = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, AWriterBlockedPastTheBusyTimeoutIsUnavailable) {
  auto store = SqliteStore::Open(path_, {.busy_timeout_ms = 50});
  ASSERT_TRUE(store.ok()) << store.status();
  RawExec("BEGIN IMMEDIATE");
  absl::Status blocked = (*store)->CreateAccount("acct", 1);
  EXPECT_EQ(blocked.code(), absl::StatusCode::kUnavailable) << blocked;
  // Readers are not blocked by the writer under WAL.
  absl::StatusOr<bool> exists = (*store)->AccountExists("acct");
  ASSERT_TRUE(exists.ok()) << exists.status();
  EXPECT_FALSE(*exists);
  RawExec("ROLLBACK");
  EXPECT_TRUE((*store)->CreateAccount("acct", 1).ok());
}

TEST_F(SqliteStoreTest, MoreCallersThanConnectionsWaitTheirTurn) {
  auto store = SqliteStore::Open(path_, {.max_connections = 2});
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->CreateAccount("acct", 1).ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        bool ok = t % 2 == 0 ? (*store)->AccountExists("acct").ok()
                             : (*store)->CreateAccount(Cat("a", t, "_", i), i).ok();
        if (!ok) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM accounts"), 1 + 4 * 20);
}

// Commits no longer checkpoint themselves (the background checkpointer does): a large write must
// still reach the database file without the store being closed.
TEST_F(SqliteStoreTest, LargeCommitsAreCheckpointedInTheBackground) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  Store& s = **store;
  ASSERT_TRUE(s.CreateAccount("acct", 1).ok());
  ASSERT_TRUE(s.CreateOrg({.account = "acct", .identifier = "o", .name = "o"}).ok());
  ASSERT_TRUE(s.CreateProject({.account = "acct", .org = "o", .identifier = "p", .name = "p"}).ok());
  const model::WorkspaceKey key{.account = "acct", .org = "o", .project = "p", .identifier = "w"};
  ASSERT_TRUE(s.CreateWorkspace(key, {.name = "w"}, 1).ok());
  const auto initial = std::filesystem::file_size(path_);
  // 8 MiB: about 2,000 pages, twice the checkpoint threshold.
  const std::string body(8 << 20, 'x');
  StateWrite write{.body = body,
                   .meta = {.serial = 1, .lineage = "l"},
                   .sha256 = "digest",
                   .created_by = "test",
                   .now = 2};
  ASSERT_TRUE(s.PutState(key, write).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::file_size(path_) < initial + body.size() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(std::filesystem::file_size(path_), initial + body.size());
}

}  // namespace
}  // namespace terrane::storage
