// The SQLite backend of the conformance suite: a temporary database file per test, and a
// second raw connection for verification and fault injection.
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/sqlite/sqlite_store.h"
#include "store_test_env.h"

namespace terrane::storage::testing {
namespace {

class SqliteBackend final : public StoreBackend {
 public:
  SqliteBackend() {
    static std::atomic<int> counter{0};
    path_ = Cat(::testing::TempDir(), "terrane_store_test_", getpid(), "_", counter++, ".db");
  }

  ~SqliteBackend() override {
    sqlite3_close_v2(raw_);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove(Cat(path_, suffix).c_str());
    }
  }

  // StoreBackend
  absl::StatusOr<std::unique_ptr<Store>> OpenStore() override {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(*std::move(store));
  }

  int64_t QueryInt(std::string_view sql) override {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(Raw(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(Raw()) << " in " << sql;
    rc = sqlite3_step(stmt);
    EXPECT_EQ(rc, SQLITE_ROW) << sqlite3_errmsg(Raw()) << " in " << sql;
    int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return value;
  }

  void Exec(std::string_view sql) override {
    std::string text(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(Raw(), text.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "") << " in " << sql;
    sqlite3_free(error);
  }

  void InjectStateVersionDeleteFailure() override {
    Exec(R"sql(
        CREATE TRIGGER test_fail_version_delete BEFORE DELETE ON state_versions
        BEGIN SELECT RAISE(ABORT, 'injected failure'); END)sql");
  }

 private:
  sqlite3* Raw() {
    if (raw_ == nullptr) {
      EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &raw_, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
      sqlite3_busy_timeout(raw_, 10'000);
    }
    return raw_;
  }

  std::string path_;
  sqlite3* raw_ = nullptr;
};

}  // namespace

StoreBackendFactory SqliteBackendFactory() {
  return {.name = "Sqlite", .make = [] { return std::make_unique<SqliteBackend>(); }};
}

}  // namespace terrane::storage::testing
