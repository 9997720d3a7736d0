#include "server/serve.h"

#include <gtest/gtest.h>

namespace terrane::server {
namespace {

TEST(SplitHostPortTest, AcceptsHostPortForms) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(SplitHostPort("127.0.0.1:0", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(SplitHostPort("[::1]:8080", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(SplitHostPort("localhost:65535", &host, &port));
  EXPECT_EQ(port, 65535);
}

TEST(SplitHostPortTest, RejectsMalformed) {
  std::string host;
  uint16_t port = 0;
  EXPECT_FALSE(SplitHostPort("127.0.0.1", &host, &port));
  EXPECT_FALSE(SplitHostPort(":8080", &host, &port));
  EXPECT_FALSE(SplitHostPort("h:65536", &host, &port));
  EXPECT_FALSE(SplitHostPort("h:80x", &host, &port));
  EXPECT_FALSE(SplitHostPort("h:", &host, &port));
}

}  // namespace
}  // namespace terrane::server
