#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace terrane::http {
namespace {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
};

// A blocking HTTP/1.1 client over a plain socket, so tests control every byte on the wire.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{.tv_sec = 10, .tv_usec = 0};  // a hung server fails the test, not the suite
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  // False when the server closed or reset the connection.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response; nullopt when the connection ends first. `head`: no body follows.
  std::optional<RawResponse> Read(bool head = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse res;
    std::string header = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    size_t line_end = header.find("\r\n");
    std::string status_line = header.substr(0, line_end);
    if (status_line.size() < 12 || !absl::SimpleAtoi(status_line.substr(9, 3), &res.status)) {
      return std::nullopt;
    }
    while (line_end != std::string::npos) {
      size_t next = header.find("\r\n", line_end + 2);
      std::string line = header.substr(line_end + 2, next - line_end - 2);
      size_t colon = line.find(':');
      res.headers[absl::AsciiStrToLower(line.substr(0, colon))] =
          std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
      line_end = next;
    }
    size_t length = 0;
    if (!head && res.headers.count("content-length") &&
        !absl::SimpleAtoi(res.headers["content-length"], &length)) {
      return std::nullopt;
    }
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    res.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return res;
  }

  // Everything the server sends after what was read, up to the end of the connection.
  std::string ReadToEnd() {
    while (Fill()) {
    }
    return std::exchange(buffer_, std::string());
  }

  // True when the server has closed the connection (EOF or reset) with nothing left unread.
  bool Closed() { return buffer_.empty() && !Fill(); }

 private:
  bool Fill() {
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

uint64_t Fnv1a(std::string_view data) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

Response Text(std::string body) {
  return Response{
      .status = 200, .content_type = "text/plain", .headers = {}, .body = std::move(body)};
}

// "<method> <size> <body>" for any request.
absl::StatusOr<Response> Echo(Request& req, const PathParams&) {
  return Text(absl::StrCat(req.method, " ", req.body.size(), " ", req.body));
}

void AddRoutes(Router& router) {
  router.Add("GET", "/hello", [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    Response res = Text("hello");
    res.headers.emplace_back("X-Extra", "yes");
    return res;
  });
  router.Add("POST", "/echo", Echo, {.body_limit = 1024});
  for (const char* method : {"LOCK", "UNLOCK", "FROB"}) router.Add(method, "/x", Echo);
  router.Add("POST", "/state",
             [](Request& req, const PathParams&) -> absl::StatusOr<Response> {
               return Text(absl::StrCat(req.body.size(), " ", Fnv1a(req.body)));
             },
             {.body_limit = 128 << 20, .lock_info_errors = true});
  router.Add("POST", "/small-state", Echo, {.body_limit = 16, .lock_info_errors = true});
  router.Add("POST", "/default-limit", Echo);
  router.Add("GET", "/throw", [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    throw std::runtime_error("handler bug");
  });
  router.Add("GET", "/throw-int",
             [](Request&, const PathParams&) -> absl::StatusOr<Response> { throw 42; });
}

// Streams `chunks` in order, then ends; or, when `chunks` is empty, "tick" forever. Each Next()
// waits `delay` first, as a follower waiting for new log output does.
class ScriptedSource : public ChunkSource {
 public:
  ScriptedSource(std::vector<std::optional<std::string>> chunks, std::chrono::milliseconds delay)
      : chunks_(std::move(chunks)), delay_(delay) {}
  std::optional<std::string> Next() override {
    std::this_thread::sleep_for(delay_);
    if (chunks_.empty()) return std::string("tick");
    if (next_ == chunks_.size()) return std::nullopt;
    return chunks_[next_++];
  }

 private:
  std::vector<std::optional<std::string>> chunks_;
  std::chrono::milliseconds delay_;
  size_t next_ = 0;
};

void AddStreamRoutes(Router& router) {
  router.Add("GET", "/stream", [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    Response res = Text("");
    res.stream = std::make_shared<ScriptedSource>(
        std::vector<std::optional<std::string>>{"ab", "", "cde"}, std::chrono::milliseconds(1));
    return res;
  });
  router.Add("GET", "/endless", [](Request&, const PathParams&) -> absl::StatusOr<Response> {
    Response res = Text("");
    res.stream = std::make_shared<ScriptedSource>(std::vector<std::optional<std::string>>{},
                                                  std::chrono::milliseconds(20));
    return res;
  });
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddRoutes(router_);
    AddStreamRoutes(router_);
    port_ = StartServer(server_, {});
  }

  uint16_t StartServer(std::unique_ptr<Server>& server, ServerOptions options) {
    options.port = 0;
    options.threads = 2;
    server = std::make_unique<Server>(options, router_);
    absl::StatusOr<uint16_t> port = server->Start();
    EXPECT_TRUE(port.ok()) << port.status();
    return port.value_or(0);
  }

  static std::string Get(const std::string& path, const std::string& extra = "") {
    return absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: t\r\n", extra, "\r\n");
  }

  Router router_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, PortZeroBindsARealPort) {
  ASSERT_NE(port_, 0);
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(Get("/hello")));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello");
  EXPECT_EQ(res->headers["content-type"], "text/plain");
  EXPECT_EQ(res->headers["content-length"], "5");
  EXPECT_EQ(res->headers["x-extra"], "yes");
  EXPECT_EQ(res->headers["x-request-id"].size(), 12u);
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  auto first = client.Read();
  ASSERT_TRUE(client.Send(Get("/hello/")));  // a trailing slash is the same route, no redirect
  auto second = client.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "hello");
  EXPECT_NE(first->headers["x-request-id"], second->headers["x-request-id"]);
  EXPECT_EQ(first->headers.count("connection"), 0u);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(Get("/hello") + "POST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"));
  auto first = client.Read();
  auto second = client.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "hello");
  EXPECT_EQ(second->body, "POST 2 hi");
}

TEST_F(ServerTest, ChunkedBodyIsDecodedAndConnectionStaysUsable) {
  RawClient client(port_);
  ASSERT_TRUE(
      client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "POST 11 hello world");
  ASSERT_TRUE(client.Send(Get("/hello")));
  res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "hello");
}

// terraform force-unlock: Go sends a non-standard method with an empty chunked body.
TEST_F(ServerTest, EmptyChunkedUnlockThenLockOnTheSameConnection) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(
      "UNLOCK /x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Md5: 1B2M2Y8AsgTpgAmY7PhCfg==\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "UNLOCK 0 ");
  ASSERT_TRUE(
      client.Send("LOCK /x HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n{\"ID\":\"a\"}\n"));
  res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "LOCK 11 {\"ID\":\"a\"}\n");
}

TEST_F(ServerTest, UnknownVerbsReachTheRouterIntact) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send("FROB /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nz"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "FROB 1 z");
  ASSERT_TRUE(client.Send("PURGE /x HTTP/1.1\r\nHost: t\r\n\r\n"));
  res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->headers["allow"], "FROB, LOCK, UNLOCK");
}

TEST_F(ServerTest, ContentLengthOverLimitIs413WithoutReadingTheBody) {
  RawClient client(port_);
  // Only the header is sent: the answer must not wait for the 10 MiB that never come.
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10485760\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->headers["content-type"], "application/vnd.goa.error");
  EXPECT_EQ(res->headers["connection"], "close");
  boost::json::value body = boost::json::parse(res->body);
  EXPECT_EQ(body.at("name").as_string(), "payload_too_large");
  EXPECT_EQ(body.at("message").as_string(),
            "request body exceeds this route's limit of 1024 bytes");
  EXPECT_TRUE(client.Closed());
}

TEST_F(ServerTest, StateRoute413NamesTheServerFlag) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send("POST /small-state HTTP/1.1\r\nContent-Length: 17\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_NE(res->body.find("16 bytes; raise it with the server flag --max-state-bytes"),
            std::string::npos);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  RawClient client(port_);
  std::string chunk(1000, 'a');
  ASSERT_TRUE(client.Send(
      absl::StrCat("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n",
                   "3e8\r\n", chunk, "\r\n3e8\r\n", chunk, "\r\n0\r\n\r\n")));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_TRUE(client.Closed());
}

TEST_F(ServerTest, BodyAtTheLimitIsAccepted) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(
      absl::StrCat("POST /echo HTTP/1.1\r\nContent-Length: 1024\r\n\r\n", std::string(1024, 'b'))));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body.substr(0, 10), "POST 1024 ");
}

TEST_F(ServerTest, LargeStateBodyArrivesIntact) {
  std::string state(64 << 20, '\0');
  uint64_t x = 88172645463325252ull;  // xorshift: incompressible, position-dependent bytes
  for (char& c : state) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  RawClient client(port_);
  ASSERT_TRUE(client.Send(absl::StrCat(
      "POST /state HTTP/1.1\r\nHost: t\r\nContent-Length: ", state.size(), "\r\n\r\n")));
  ASSERT_TRUE(client.Send(state));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, absl::StrCat(state.size(), " ", Fnv1a(state)));
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("abc"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "POST 3 abc");
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nContent-Length: abc\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(boost::json::parse(res->body).at("name").as_string(), "bad_request");
  EXPECT_TRUE(client.Closed());

  RawClient garbage(port_);
  ASSERT_TRUE(garbage.Send("\x01\x02 nonsense\r\n\r\n"));
  res = garbage.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(garbage.Closed());
}

TEST_F(ServerTest, InvalidPercentEncodingIs400) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(Get("/hello%zz")));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->headers["content-type"], "application/vnd.goa.error");
}

TEST_F(ServerTest, ThrowingHandlerIs500AndConnectionSurvives) {
  RawClient client(port_);
  for (const char* path : {"/throw", "/throw-int"}) {
    ASSERT_TRUE(client.Send(Get(path)));
    auto res = client.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 500);
    boost::json::value body = boost::json::parse(res->body);
    EXPECT_EQ(body.at("name").as_string(), "internal_server_error");
    EXPECT_EQ(body.at("id").as_string(), res->headers["x-request-id"]);
    EXPECT_EQ(body.at("message").as_string(),
              "internal error; see the server log for request " + res->headers["x-request-id"]);
    EXPECT_TRUE(body.at("fault").as_bool());
  }
  ASSERT_TRUE(client.Send(Get("/hello")));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto res = client.Read(/*head=*/true);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->headers["content-length"], "5");
  // Had a body been sent, this response would start with "hello".
  ASSERT_TRUE(client.Send(Get("/nowhere")));
  res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(Get("/hello", "Connection: close\r\n")));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->headers["connection"], "close");
  EXPECT_TRUE(client.Closed());

  RawClient old(port_);
  ASSERT_TRUE(old.Send("GET /hello HTTP/1.0\r\n\r\n"));
  res = old.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "hello");
  EXPECT_TRUE(old.Closed());
}

TEST_F(ServerTest, ConnectionCapAnswers503) {
  std::unique_ptr<Server> capped;
  uint16_t port = StartServer(capped, {.max_connections = 1});
  RawClient first(port);
  ASSERT_TRUE(first.Send(Get("/hello")));
  ASSERT_TRUE(first.Read());  // now counted as open
  RawClient second(port);
  auto res = second.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->headers["retry-after"], "1");
  EXPECT_EQ(boost::json::parse(res->body).at("name").as_string(), "service_unavailable");
  EXPECT_TRUE(second.Closed());
}

TEST_F(ServerTest, HeaderTimeoutClosesTheConnection) {
  std::unique_ptr<Server> strict;
  uint16_t port = StartServer(strict, {.header_timeout = std::chrono::seconds(1)});
  RawClient client(port);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost:"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.Closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ServerTest, ConnectionsPerAddressAreCappedWith429) {
  std::unique_ptr<Server> capped;
  uint16_t port = StartServer(capped, {.max_connections_per_address = 2});
  auto first = std::make_unique<RawClient>(port);
  RawClient second(port);
  for (RawClient* c : {first.get(), &second}) {
    ASSERT_TRUE(c->Send(Get("/hello")));
    ASSERT_TRUE(c->Read());
  }
  RawClient third(port);
  auto res = third.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->headers["retry-after"], "1");
  EXPECT_EQ(boost::json::parse(res->body).at("name").as_string(), "too_many_requests");
  EXPECT_TRUE(third.Closed());
  // Closing one makes room again.
  first.reset();
  std::optional<RawResponse> again;
  for (int attempt = 0; attempt < 50 && !again; ++attempt) {
    RawClient retry(port);
    if (retry.Send(Get("/hello"))) {
      auto r = retry.Read();
      if (r && r->status == 200) again = r;
    }
    if (!again) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(again.has_value());
}

TEST_F(ServerTest, HeaderLimitIsConfigurable) {
  std::unique_ptr<Server> strict;
  uint16_t port = StartServer(strict, {.max_header_bytes = 1024});
  RawClient client(port);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') +
                          "\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 431);
  EXPECT_NE(res->body.find("--max-header-bytes"), std::string::npos);
}

TEST_F(ServerTest, DefaultBodyLimitIsConfigurable) {
  std::unique_ptr<Server> strict;
  uint16_t port = StartServer(strict, {.max_body_bytes = 10});
  RawClient client(port);
  ASSERT_TRUE(client.Send("POST /default-limit HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
                          "01234567890"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  RawClient fits(port);
  ASSERT_TRUE(fits.Send("POST /default-limit HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
                        "0123456789"));
  res = fits.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "POST 10 0123456789");
}

// A body that keeps arriving is read however long it takes; one that stalls is dropped.
TEST_F(ServerTest, BodyTimeoutCountsInactivityNotDuration) {
  std::unique_ptr<Server> strict;
  uint16_t port = StartServer(strict, {.io_timeout = std::chrono::seconds(1)});
  RawClient steady(port);
  ASSERT_TRUE(steady.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n"));
  for (char c : std::string("abcdef")) {  // 6 bytes over about 2.4 s, never 1 s apart
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_TRUE(steady.Send(std::string(1, c)));
  }
  auto res = steady.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "POST 6 abcdef");

  RawClient stalled(port);
  ASSERT_TRUE(stalled.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nab"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(stalled.Closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ServerTest, StopWithAnIdleClientReturnsPromptly) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  ASSERT_TRUE(client.Read());
  std::thread waiter([this] { server_->Wait(); });
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  waiter.join();
  EXPECT_TRUE(client.Closed());
  server_->Stop();  // idempotent
  RawClient refused(port_);
  EXPECT_FALSE(refused.connected());
}

TEST_F(ServerTest, StreamedBodyIsChunkedThenTheConnectionCloses) {
  RawClient client(port_);
  ASSERT_TRUE(client.Send(Get("/stream")));
  std::optional<RawResponse> res = client.Read(/*head=*/true);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->headers["transfer-encoding"], "chunked");
  EXPECT_EQ(res->headers["connection"], "close");
  EXPECT_EQ(client.ReadToEnd(), "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n");
}

// Stop() used to leave the Next() calls queued behind the stream pool's busy threads in the
// pool; they were destroyed with it, after the I/O contexts, and each took a session whose
// socket still pointed into a destroyed context (ASan: heap-use-after-free).
TEST_F(ServerTest, RegressionStopWithMoreStreamsThanStreamThreads) {
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 12; ++i) {
    clients.push_back(std::make_unique<RawClient>(port_));
    ASSERT_TRUE(clients.back()->Send(Get("/endless")));
  }
  for (auto& client : clients) {
    std::optional<RawResponse> res = client->Read(/*head=*/true);
    ASSERT_TRUE(res.has_value());
    EXPECT_EQ(res->headers["transfer-encoding"], "chunked");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // Next() calls queue up
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  server_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  for (auto& client : clients) {
    EXPECT_NE(client->ReadToEnd().find("tick"), std::string::npos);
  }
}

TEST_F(ServerTest, BindFailureIsUnavailable) {
  Server other({.host = "127.0.0.1", .port = port_}, router_);
  absl::StatusOr<uint16_t> port = other.Start();
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(port.status().message(),
            absl::StrCat("cannot listen on 127.0.0.1:", port_, ": Address already in use"));
}

TEST(ServerLifecycleTest, StopWithoutStartAndStartAfterStop) {
  Router router;
  Server server({.port = 0}, router);
  server.Stop();
  server.Wait();  // returns at once
  EXPECT_EQ(server.Start().status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace terrane::http
