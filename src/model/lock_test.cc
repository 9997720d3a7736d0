#include "model/lock.h"

#include <string>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "model/internal/json_util.h"

namespace terrane::model {
namespace {

namespace json = boost::json;

TEST(LockOriginTest, RoundTrips) {
  for (LockOrigin o : {LockOrigin::kBackend, LockOrigin::kManual, LockOrigin::kRun}) {
    EXPECT_EQ(ParseLockOrigin(ToString(o)), o);
  }
  EXPECT_EQ(ToString(LockOrigin::kManual), "manual");
  EXPECT_EQ(ParseLockOrigin("Manual"), std::nullopt);
}

TEST(ParseLockInfoTest, TerraformBody) {
  auto info = ParseLockInfo(
      R"({"ID":"6f1c9e5a-1b2c-4d5e-8f90-123456789abc","Operation":"OperationTypeApply","Info":"",
          "Who":"ann@host","Version":"1.11.4","Created":"2026-12-03T18:15:40.578496715Z",
          "Path":""})");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "6f1c9e5a-1b2c-4d5e-8f90-123456789abc");
  EXPECT_EQ(info->operation, "OperationTypeApply");
  EXPECT_EQ(info->who, "ann@host");
  EXPECT_EQ(info->version, "1.11.4");
  EXPECT_EQ(info->created, "2026-12-03T18:15:40.578496715Z");
}

TEST(ParseLockInfoTest, KeysMatchIgnoringCase) {
  auto info = ParseLockInfo(R"({"id":"x","operation":"op","WHO":"w","vErSiOn":"v","extra":1})");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "x");
  EXPECT_EQ(info->operation, "op");
  EXPECT_EQ(info->who, "w");
  EXPECT_EQ(info->version, "v");
}

TEST(ParseLockInfoTest, LaterKeyWinsAsInGo) {
  auto info = ParseLockInfo(R"({"ID":"exact","id":"folded"})");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "folded");
  info = ParseLockInfo(R"({"id":"folded","ID":"exact"})");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "exact");
}

TEST(ParseLockInfoTest, Errors) {
  EXPECT_EQ(ParseLockInfo("").status().message(),
            "LockInfo body is empty; it must be a JSON object");
  EXPECT_EQ(ParseLockInfo("[]").status().message(),
            "LockInfo body must be a JSON object, got an array");
  EXPECT_EQ(ParseLockInfo("{").status().message().rfind("LockInfo body is not valid JSON: ", 0),
            0u);
  EXPECT_EQ(ParseLockInfo("{}").status().message(),
            "LockInfo field 'ID' is required and must not be empty");
  EXPECT_EQ(ParseLockInfo(R"({"ID":""})").status().message(),
            "LockInfo field 'ID' is required and must not be empty");
  EXPECT_EQ(ParseLockInfo(R"({"ID":null})").status().message(),
            "LockInfo field 'ID' is required and must not be empty");
  EXPECT_EQ(ParseLockInfo(R"({"ID":5})").status().message(),
            "LockInfo field 'ID' must be a string, got a number");
  EXPECT_EQ(ParseLockInfo(R"({"ID":"x","who":{}})").status().message(),
            "LockInfo field 'Who' must be a string, got an object");
  EXPECT_EQ(ParseLockInfo(R"({"ID":"x","Path":1})").status().message(),
            "LockInfo field 'Path' must be a string, got a number");
  EXPECT_EQ(ParseLockInfo(R"({"ID":"x"})").status().code(), absl::StatusCode::kOk);
}

Lock ManualLock() {
  Lock lock;
  lock.id = "0b0e3c1e-0000-4000-8000-000000000001";
  lock.origin = LockOrigin::kManual;
  lock.operation = "manual";
  lock.reason = "Q2 freeze";
  lock.principal_id = "key1";
  lock.principal_type = "api_key";
  lock.display_name = "Ann";
  lock.created = 1796321740578;
  return lock;
}

TEST(SynthesizeLockInfoTest, FieldsInTerraformOrder) {
  EXPECT_EQ(SynthesizeLockInfo(ManualLock()),
            R"({"ID":"0b0e3c1e-0000-4000-8000-000000000001","Operation":"manual",)"
            R"("Info":"Q2 freeze","Who":"Ann","Version":"","Created":"2026-12-03T18:15:40.578Z",)"
            R"("Path":""})");
  Lock whole = ManualLock();
  whole.created = 1796321740000;
  EXPECT_NE(SynthesizeLockInfo(whole).find(R"("Created":"2026-12-03T18:15:40Z")"),
            std::string::npos);
  whole.created = 1796321740500;
  EXPECT_NE(SynthesizeLockInfo(whole).find(R"("Created":"2026-12-03T18:15:40.5Z")"),
            std::string::npos);
}

TEST(SynthesizeLockInfoTest, ParsesBack) {
  auto info = ParseLockInfo(SynthesizeLockInfo(ManualLock()));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, ManualLock().id);
  EXPECT_EQ(info->who, "Ann");
}

TEST(LockedErrorTest, CarriesStoredLockInfoVerbatim) {
  Lock lock;
  lock.id = "abc";
  lock.info_json = R"({"ID":"abc","Operation":"OperationTypePlan","Who":"w@h"})";
  const absl::Status status = LockedError(lock, "workspace is locked");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(), "workspace is locked");
  const auto payload = status.GetPayload(AsAbsl(kLockInfoPayload));
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(std::string(*payload), lock.info_json);
}

TEST(LockedErrorTest, SynthesizesWhenNotFromTerraform) {
  const absl::Status status = LockedError(ManualLock(), "locked");
  const auto payload = status.GetPayload(AsAbsl(kLockInfoPayload));
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(std::string(*payload), SynthesizeLockInfo(ManualLock()));
  auto info = ParseLockInfo(std::string(*payload));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->operation, "manual");
}

TEST(LockToJsonTest, Shape) {
  Lock run;
  run.id = "r1";
  run.origin = LockOrigin::kRun;
  run.operation = "run";
  run.created = 9;
  EXPECT_EQ(json::value(LockToJson(run, "ws")),
            json::parse(R"({"id":"r1","workspace":"ws","created_at":9,"manual":false,
                            "reason":"","locked_by_principal_id":"","locked_by_principal_type":"",
                            "locked_by_display_name":"","origin":"run","operation":"run"})"));
}

}  // namespace
}  // namespace terrane::model
