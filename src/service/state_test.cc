#include "service/state.h"

#include "common/crypto.h"
#include "common/strings.h"
#include "service/test_store.h"

namespace terrane::service {
namespace {

constexpr char kState[] =
    R"({"version":4,"serial":1,"lineage":"L","resources":[{"mode":"managed","type":"terraform_data","name":"a","instances":[]}]})";

class StateServiceTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    ASSERT_TRUE(store_->CreateWorkspace(key_, {.name = "w", .provisioner = "terraform"}, 1).ok());
  }
  model::WorkspaceKey key_{.account = "default", .org = "o", .project = "p", .identifier = "w"};
  Principal who_{.key_id = "k1", .account = "default", .display_name = "api_key:t"};
};

TEST_F(StateServiceTest, StoresAValidWriteWithCorrectMd5) {
  std::string md5 = Md5Base64(kState);
  auto result = WriteState(*store_, key_, {.body = kState, .content_md5 = md5}, who_, 10);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->created);
  EXPECT_EQ(result->version.serial, 1);
  EXPECT_EQ(result->version.sha256, Sha256Hex(kState));
  EXPECT_EQ(result->version.created_by, "k1");
  EXPECT_EQ(store_->GetWorkspace(key_)->status, model::WorkspaceStatus::kActive);
}

TEST_F(StateServiceTest, RejectsBadBodiesAndStoresNothing) {
  std::string wrong_md5 = Md5Base64("other");
  EXPECT_EQ(WriteState(*store_, key_, {.body = kState, .content_md5 = wrong_md5}, who_, 10)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      WriteState(*store_, key_, {.body = kState, .content_md5 = "%%%"}, who_, 10).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteState(*store_, key_, {.body = ""}, who_, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteState(*store_, key_, {.body = R"({"lineage":"L"})"}, who_, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto current = store_->GetCurrentState(key_);
  ASSERT_TRUE(current.ok());
  EXPECT_FALSE(current->has_value());
}

TEST_F(StateServiceTest, LockUnlockFollowsTerraformRules) {
  constexpr char kA[] = R"({"ID":"a","Operation":"OperationTypeApply","Who":"u@h"})";
  constexpr char kB[] = R"({"ID":"b","Operation":"OperationTypePlan"})";
  ASSERT_TRUE(LockState(*store_, key_, kA, who_, 1).ok());
  EXPECT_TRUE(LockState(*store_, key_, kA, who_, 2).ok()) << "retry by the holder succeeds";
  absl::Status conflict = LockState(*store_, key_, kB, who_, 3).status();
  EXPECT_EQ(conflict.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(std::string(*conflict.GetPayload(AsAbsl(model::kLockInfoPayload))), kA);
  EXPECT_EQ(UnlockState(*store_, key_, kB, who_).code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(UnlockState(*store_, key_, "", who_).ok()) << "empty body is force-unlock";
  EXPECT_FALSE(store_->GetWorkspace(key_)->lock.has_value());
  EXPECT_TRUE(UnlockState(*store_, key_, kA, who_).ok()) << "unlock while unlocked succeeds";
  EXPECT_EQ(LockState(*store_, key_, "not json", who_, 4).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StateServiceTest, ManualLockBlocksTerraform) {
  auto manual = LockManually(*store_, key_, "freeze", who_, 1);
  ASSERT_TRUE(manual.ok()) << manual.status();
  EXPECT_EQ(manual->origin, model::LockOrigin::kManual);
  EXPECT_EQ(LockManually(*store_, key_, "again", who_, 2).status().code(),
            absl::StatusCode::kAborted);
  absl::Status conflict = LockState(*store_, key_, R"({"ID":"t"})", who_, 3).status();
  ASSERT_EQ(conflict.code(), absl::StatusCode::kAborted);
  std::string info(*conflict.GetPayload(AsAbsl(model::kLockInfoPayload)));
  EXPECT_NE(info.find(manual->id), std::string::npos) << info;
}

}  // namespace
}  // namespace terrane::service
