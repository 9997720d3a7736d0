// The storage::Store conformance suite: one value-parameterized fixture run against every
// backend in AllStoreBackends(). A backend supplies a fresh store per test plus raw database
// access, so tests can verify what is stored (and inject faults) without going through the
// store under test.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "gtest/gtest.h"
#include "model/lock.h"
#include "model/state.h"
#include "model/workspace.h"
#include "storage/store.h"

namespace terrane::storage::testing {

// One database under test. Owned by one test; not thread-safe.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // A store over this backend's (initially empty) database. May be called more than once;
  // every store shares the same database.
  virtual absl::StatusOr<std::unique_ptr<Store>> OpenStore() = 0;
  // Runs a query returning one integer directly on the database (a second connection).
  virtual int64_t QueryInt(std::string_view sql) = 0;
  // Runs SQL directly on the database (a second connection).
  virtual void Exec(std::string_view sql) = 0;
  // From now on every deletion of a state_versions row fails, as a crash or I/O error in the
  // middle of a delete would.
  virtual void InjectStateVersionDeleteFailure() = 0;
};

struct StoreBackendFactory {
  std::string name;
  std::function<std::unique_ptr<StoreBackend>()> make;
};

// Test names show the backend's name, not the factory's bytes.
inline void PrintTo(const StoreBackendFactory& factory, std::ostream* os) { *os << factory.name; }

// Every backend the suite runs against (SQLite always; more when configured).
std::vector<StoreBackendFactory> AllStoreBackends();
// A temporary SQLite file per test (sqlite_backend.cc).
StoreBackendFactory SqliteBackendFactory();

using ::terrane::Cat;

inline absl::Status ToStatus(const absl::Status& status) { return status; }
template <typename T>
absl::Status ToStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

#define TERRANE_TEST_CONCAT_INNER(a, b) a##b
#define TERRANE_TEST_CONCAT(a, b) TERRANE_TEST_CONCAT_INNER(a, b)

#define ASSERT_OK(expr)                                                                   \
  do {                                                                                    \
    const ::absl::Status assert_ok_status_ = ::terrane::storage::testing::ToStatus(expr); \
    ASSERT_TRUE(assert_ok_status_.ok()) << assert_ok_status_;                             \
  } while (0)

#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(TERRANE_TEST_CONCAT(assert_status_or_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  ASSERT_TRUE(tmp.ok()) << tmp.status();          \
  lhs = std::move(tmp).value()

// Expects `expr` to fail with `want_code` and a message containing `want_text`.
#define EXPECT_STATUS(expr, want_code, want_text)                                       \
  do {                                                                                  \
    const ::absl::Status expect_status_ = ::terrane::storage::testing::ToStatus(expr);  \
    EXPECT_EQ(expect_status_.code(), want_code) << expect_status_;                      \
    EXPECT_NE(std::string(expect_status_.message()).find(want_text), std::string::npos) \
        << expect_status_;                                                              \
  } while (0)

// A variable as a create/update body carries it (timestamps are the store's job).
inline model::Variable Var(std::string key, std::string value, std::string type = "string") {
  model::Variable var;
  var.key = std::move(key);
  var.value = std::move(value);
  var.value_type = std::move(type);
  return var;
}

// A state body with its metadata and digest, as the service layer would hand it over.
struct TestState {
  std::string body;
  model::StateMeta meta;
  std::string sha256;
};

inline constexpr std::string_view kAccount = "acct";
inline constexpr std::string_view kOrg = "org";
inline constexpr std::string_view kProject = "proj";

class StoreTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  void SetUp() override;

  Store& store() { return *store_; }
  StoreBackend& backend() { return *backend_; }

  // Creates whatever of account/org/project does not exist yet.
  void SeedProject(std::string_view account, std::string_view org, std::string_view project);
  static model::WorkspaceKey Key(std::string_view identifier, std::string_view project = kProject);
  // A spec with every field set; `name` defaults to the identifier.
  static model::WorkspaceSpec FullSpec(std::string_view name);
  // Creates a workspace with FullSpec(name) in kProject; fails the test on error.
  void CreateWorkspace(std::string_view identifier, std::string_view name = "", int64_t now = 1000);

  // A v4 state body with `managed` managed resources; `salt` changes the bytes only.
  static TestState MakeState(int64_t serial, std::string_view lineage, int64_t managed = 0,
                             std::string_view salt = "");
  absl::StatusOr<StateWriteResult> Put(const model::WorkspaceKey& key, const TestState& state,
                                       int64_t now,
                                       std::optional<std::string> lock_id = std::nullopt);
  static model::Lock MakeLock(std::string_view id,
                              model::LockOrigin origin = model::LockOrigin::kBackend);

  // The raw row id of workspace `identifier` in kProject; -1 when there is none.
  int64_t WorkspaceRowId(std::string_view identifier);
  // Rows of `table` (one with a workspace_id column) belonging to workspace row `row_id`.
  int64_t RowsFor(std::string_view table, int64_t row_id);

 private:
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

// The holder's LockInfo carried by a lock conflict, or "" when absent.
std::string LockPayload(const absl::Status& status);

}  // namespace terrane::storage::testing
