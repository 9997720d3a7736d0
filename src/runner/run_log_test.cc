#include "runner/run_log.h"

#include "gtest/gtest.h"

namespace terrane::runner {
namespace {

TEST(MaskSecretsTest, MasksEveryOccurrenceLongestFirstAware) {
  EXPECT_EQ(MaskSecrets("a hunter2 b hunter2", {"hunter2"}), "a *** b ***");
  EXPECT_EQ(MaskSecrets("nothing here", {"", "zzz"}), "nothing here");
}

}  // namespace
}  // namespace terrane::runner
