#include "service/request_limiter.h"

#include <string>

#include "absl/strings/cord.h"
#include "common/strings.h"
#include "gtest/gtest.h"

namespace terrane::service {
namespace {

using std::chrono::seconds;

const RequestLimiter::TimePoint kStart{seconds(500)};

Principal Key(std::string id) { return Principal{.key_id = std::move(id), .account = "default"}; }

std::string RetryAfter(const absl::Status& status) {
  auto payload = status.GetPayload(AsAbsl(kRetryAfterPayload));
  return payload.has_value() ? std::string(*payload) : "";
}

TEST(RequestLimiterTest, VerifiedKeyIsLimitedAfterItsBurstWithRetryAfter) {
  RequestLimiter limiter({.key_rate = 1, .key_burst = 2});
  EXPECT_TRUE(limiter.Admit("10.0.0.1", Key("k1"), kStart).ok());
  EXPECT_TRUE(limiter.Admit("10.0.0.1", Key("k1"), kStart).ok());
  absl::StatusOr<Principal> third = limiter.Admit("10.0.0.1", Key("k1"), kStart);
  ASSERT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryAfter(third.status()), "1");
  EXPECT_NE(third.status().message().find("--rate-limit"), absl::string_view::npos);
  // Another key, even from the same address, has its own budget; the first recovers.
  EXPECT_TRUE(limiter.Admit("10.0.0.1", Key("k2"), kStart).ok());
  EXPECT_TRUE(limiter.Admit("10.0.0.1", Key("k1"), kStart + seconds(1)).ok());
}

TEST(RequestLimiterTest, RunCredentialsAreNeverLimited) {
  RequestLimiter limiter({.key_rate = 1, .key_burst = 1});
  Principal run = Key("run-1");
  run.only_workspace = model::WorkspaceKey{.account = "default", .identifier = "ws"};
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.Admit("127.0.0.1", run, kStart).ok()) << i;
}

TEST(RequestLimiterTest, FailedAuthenticationsFromOneAddressBecome429) {
  RequestLimiter limiter({.auth_failure_rate = 0.5, .auth_failure_burst = 3});
  const absl::Status bad = absl::UnauthenticatedError("the API key is not valid");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.Admit("10.0.0.9", bad, kStart).status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  absl::StatusOr<Principal> limited = limiter.Admit("10.0.0.9", bad, kStart);
  ASSERT_EQ(limited.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryAfter(limited.status()), "2");
  EXPECT_NE(limited.status().message().find("the API key is not valid"), absl::string_view::npos);
  // The same address with a valid key still gets in; other addresses are not affected.
  EXPECT_TRUE(limiter.Admit("10.0.0.9", Key("good"), kStart).ok());
  EXPECT_EQ(limiter.Admit("10.0.0.8", bad, kStart).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Recovery after the wait.
  EXPECT_EQ(limiter.Admit("10.0.0.9", bad, kStart + seconds(2)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(RequestLimiterTest, OtherErrorsPassUnchangedAndUncounted) {
  RequestLimiter limiter({.auth_failure_rate = 1, .auth_failure_burst = 1});
  const absl::Status denied = absl::PermissionDeniedError("another account");
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(limiter.Admit("10.0.0.7", denied, kStart).status(), denied);
  }
  EXPECT_EQ(limiter.Admit("10.0.0.7", absl::UnauthenticatedError("x"), kStart).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(RequestLimiterTest, ZeroRatesDisableLimits) {
  RequestLimiter limiter({.key_rate = 0, .auth_failure_rate = 0});
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(limiter.Admit("a", Key("k"), kStart).ok());
    ASSERT_TRUE(absl::IsUnauthenticated(
        limiter.Admit("a", absl::UnauthenticatedError("x"), kStart).status()));
  }
}

}  // namespace
}  // namespace terrane::service
