#include "http/handlers/answer_cache.h"

#include "gtest/gtest.h"

namespace terrane::http {
namespace {

TEST(AnswerCacheTest, ServesAnAnswerOnlyAtTheCounterItWasReadAt) {
  AnswerCache cache;
  EXPECT_EQ(cache.Find("ws", 7), std::nullopt);
  cache.Put("ws", 7, "body-7");
  EXPECT_EQ(cache.Find("ws", 7), "body-7");
  EXPECT_EQ(cache.Find("other", 7), std::nullopt);
  // Something was committed: the answer may be stale.
  EXPECT_EQ(cache.Find("ws", 8), std::nullopt);
}

TEST(AnswerCacheTest, ANewCounterDropsEveryOlderAnswer) {
  AnswerCache cache;
  cache.Put("a", 1, "a-1");
  cache.Put("b", 2, "b-2");
  EXPECT_EQ(cache.Find("b", 2), "b-2");
  EXPECT_EQ(cache.Find("a", 2), std::nullopt);
  // A late Put of an answer read at an older counter replaces the newer ones, never mixes.
  cache.Put("a", 1, "a-1");
  EXPECT_EQ(cache.Find("a", 1), "a-1");
  EXPECT_EQ(cache.Find("b", 1), std::nullopt);
  EXPECT_EQ(cache.Find("b", 2), std::nullopt);
}

TEST(AnswerCacheTest, StaysWithinItsBound) {
  AnswerCache cache(2);
  cache.Put("a", 1, "a");
  cache.Put("b", 1, "b");
  cache.Put("c", 1, "c");
  EXPECT_EQ(cache.Find("c", 1), "c");
  EXPECT_EQ(cache.Find("a", 1), std::nullopt);
  EXPECT_EQ(cache.Find("b", 1), std::nullopt);
  cache.Put("b", 1, "b2");
  EXPECT_EQ(cache.Find("b", 1), "b2");
  EXPECT_EQ(cache.Find("c", 1), "c");
}

}  // namespace
}  // namespace terrane::http
