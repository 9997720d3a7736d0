#include "cli/http_client.h"

#include "gtest/gtest.h"

namespace terrane::cli {
namespace {

TEST(ParseEndpointTest, HostPortAndPrefix) {
  absl::StatusOr<Endpoint> ep = ParseEndpoint("http://127.0.0.1:8080/gateway/");
  ASSERT_TRUE(ep.ok()) << ep.status();
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, "8080");
  EXPECT_EQ(ep->prefix, "/gateway");
  EXPECT_EQ(ep->address, "http://127.0.0.1:8080/gateway/");
}

TEST(ParseEndpointTest, SchemeAndPortAreOptional) {
  absl::StatusOr<Endpoint> ep = ParseEndpoint("terrane.internal");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "terrane.internal");
  EXPECT_EQ(ep->port, "80");
  ep = ParseEndpoint("http://[::1]:9090");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, "9090");
}

TEST(ParseEndpointTest, RefusesHttpsAndGarbage) {
  absl::StatusOr<Endpoint> ep = ParseEndpoint("https://x:1");
  ASSERT_FALSE(ep.ok());
  EXPECT_NE(ep.status().message().find("https is not supported"), std::string::npos);
  EXPECT_FALSE(ParseEndpoint("http://:80").ok());
  EXPECT_FALSE(ParseEndpoint("http://host:port").ok());
}

TEST(ParseEndpointTest, RefusesPortsOutsideTheTcpRange) {
  // Regression: 99999 was accepted and failed later as "Connection refused".
  for (const char* address : {"http://127.0.0.1:99999", "http://127.0.0.1:0",
                              "http://127.0.0.1:65536", "http://h:123456789012345678901"}) {
    absl::StatusOr<Endpoint> ep = ParseEndpoint(address);
    ASSERT_FALSE(ep.ok()) << address;
    EXPECT_NE(ep.status().message().find("must look like http://HOST:PORT"), std::string::npos);
  }
  EXPECT_TRUE(ParseEndpoint("http://127.0.0.1:65535").ok());
  EXPECT_TRUE(ParseEndpoint("http://127.0.0.1:1").ok());
}

TEST(SendTest, UnreachableServerNamesTheAddress) {
  // Port 1 on loopback: nothing listens there in the test environment.
  absl::StatusOr<Endpoint> ep = ParseEndpoint("http://127.0.0.1:1");
  ASSERT_TRUE(ep.ok());
  absl::StatusOr<HttpResponse> resp = Send(*ep, HttpRequest{.target = "/healthz"});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(resp.status().message().find("http://127.0.0.1:1"), std::string::npos) << resp.status();
}

}  // namespace
}  // namespace terrane::cli
