#include "common/token_buckets.h"

#include <string>

#include "gtest/gtest.h"

namespace terrane {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TokenBuckets::TimePoint kStart{seconds(1000)};

TEST(TokenBucketsTest, BurstThenRefusedWithWholeSecondsToWait) {
  TokenBuckets buckets({.rate = 2, .burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(buckets.Take("k", kStart), 0) << i;
  // Empty: one token comes back after 0.5 s, rounded up to whole seconds.
  EXPECT_EQ(buckets.Take("k", kStart), 1);
  EXPECT_EQ(buckets.WaitFor("k", kStart), 1);
}

TEST(TokenBucketsTest, RefillsAtTheRateUpToTheBurst) {
  TokenBuckets buckets({.rate = 2, .burst = 3});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(buckets.Take("k", kStart), 0);
  EXPECT_EQ(buckets.Take("k", kStart + milliseconds(499)), 1);
  EXPECT_EQ(buckets.Take("k", kStart + milliseconds(500)), 0);
  EXPECT_EQ(buckets.Take("k", kStart + milliseconds(500)), 1);
  // A long pause refills to the burst and no further.
  const auto later = kStart + seconds(60);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(buckets.Take("k", later), 0) << i;
  EXPECT_EQ(buckets.Take("k", later), 1);
}

TEST(TokenBucketsTest, SlowRateWaitIsRoundedUp) {
  TokenBuckets buckets({.rate = 0.1, .burst = 1});
  EXPECT_EQ(buckets.Take("k", kStart), 0);
  EXPECT_EQ(buckets.Take("k", kStart), 10);
  EXPECT_EQ(buckets.Take("k", kStart + seconds(4)), 6);
}

TEST(TokenBucketsTest, KeysAreIndependent) {
  TokenBuckets buckets({.rate = 1, .burst = 1});
  EXPECT_EQ(buckets.Take("a", kStart), 0);
  EXPECT_EQ(buckets.Take("a", kStart), 1);
  EXPECT_EQ(buckets.Take("b", kStart), 0);
  EXPECT_EQ(buckets.WaitFor("unknown", kStart), 0);
}

TEST(TokenBucketsTest, DisabledNeverRefuses) {
  TokenBuckets buckets({.rate = 0, .burst = 1});
  EXPECT_FALSE(buckets.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(buckets.Take("k", kStart), 0);
  EXPECT_EQ(buckets.size(), 0u);
}

TEST(TokenBucketsTest, MemoryIsBounded) {
  TokenBuckets buckets({.rate = 1, .burst = 2, .max_keys = 64});
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(buckets.Take("k" + std::to_string(i), kStart), 0);
    ASSERT_LE(buckets.size(), 64u);
  }
  EXPECT_GE(buckets.size(), 16u);
}

TEST(TokenBucketsTest, IdleBucketsAreEvictedBeforeBusyOnes) {
  TokenBuckets buckets({.rate = 1, .burst = 2, .max_keys = 3, .shards = 1});
  ASSERT_EQ(buckets.Take("busy", kStart), 0);
  ASSERT_EQ(buckets.Take("busy", kStart), 0);  // empty: full again only after 2 s
  ASSERT_EQ(buckets.Take("idle", kStart), 0);  // full again after 1 s
  ASSERT_EQ(buckets.Take("third", kStart + milliseconds(1500)), 0);
  // The table is full; "idle" has refilled and goes, "busy" stays exhausted.
  ASSERT_EQ(buckets.Take("fourth", kStart + milliseconds(1500)), 0);
  EXPECT_EQ(buckets.size(), 3u);
  ASSERT_EQ(buckets.Take("busy", kStart + milliseconds(1500)), 0);  // 1.5 tokens
  EXPECT_EQ(buckets.Take("busy", kStart + milliseconds(1500)), 1);  // still remembered
}

TEST(TokenBucketsTest, WithoutIdleBucketsTheLeastRecentlyUsedGoes) {
  TokenBuckets buckets({.rate = 0.001, .burst = 1, .max_keys = 2, .shards = 1});
  ASSERT_EQ(buckets.Take("old", kStart), 0);
  ASSERT_EQ(buckets.Take("recent", kStart + seconds(1)), 0);
  ASSERT_EQ(buckets.Take("new", kStart + seconds(2)), 0);  // evicts "old"
  EXPECT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets.Take("old", kStart + seconds(3)), 0);  // forgotten: starts full
  EXPECT_GT(buckets.Take("new", kStart + seconds(3)), 0);  // kept: still empty
}

}  // namespace
}  // namespace terrane
