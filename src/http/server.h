// The HTTP/1.1 server (Boost.Beast). Reads each request header, picks the body limit from the
// router, reads the body (chunked or not), dispatches synchronously on a fixed pool of
// threads, keeps connections alive and never redirects. Thread-safe start/stop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/router.h"

namespace terrane::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port
  int threads = 4;
  size_t max_connections = 1024;
  std::chrono::seconds header_timeout{30};   // time allowed to send a request header
  std::chrono::seconds body_timeout{300};    // time allowed to send a body (large states)
  std::chrono::seconds idle_timeout{75};     // keep-alive idle time between requests
};

class Server {
 public:
  // `router` must outlive the server.
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting on the worker threads. Returns the bound port.
  // Unavailable when the address cannot be bound.
  absl::StatusOr<uint16_t> Start();
  // Blocks until Stop() is called (from any thread or a signal handler thread).
  void Wait();
  // Stops accepting, closes connections and joins the workers. Idempotent.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace terrane::http
