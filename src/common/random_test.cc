#include "common/random.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace terrane {
namespace {

TEST(NextSequentialIdTest, IsTwelveHexDigitsAndNeverRepeatsWithinAProcess) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NextSequentialId();
    ASSERT_EQ(id.size(), 12u) << id;
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ASSERT_TRUE(seen.insert(id).second) << "repeated " << id;
  }
}

TEST(RandomHexTest, HasTwoDigitsPerByte) {
  EXPECT_EQ(RandomHex(6).size(), 12u);
  EXPECT_NE(RandomHex(16), RandomHex(16));
}

}  // namespace
}  // namespace terrane
