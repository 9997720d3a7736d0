// The HTTP/1.1 server (Boost.Beast). Reads each request header, picks the body limit from the
// router, reads the body (chunked or not), dispatches synchronously on a fixed pool of
// threads, keeps connections alive and never redirects. Thread-safe start/stop.
//
// Limits against abusive clients: a header size cap (431), body caps per route (413), a time
// limit for a whole request header (slow senders are closed), inactivity limits while a body is
// read or a response written (long transfers at a steady pace are never cut off), a keep-alive
// idle limit, and caps on open connections in total (503) and per remote address (429).
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
  // Connections beyond these are answered at once (503 in total, 429 per address) and closed.
  size_t max_connections = 1024;
  size_t max_connections_per_address = 256;
  // Request line plus header fields; larger headers get 431.
  size_t max_header_bytes = 64 * 1024;
  // Body limit of routes that set none of their own (RouteOptions::body_limit 0); 413 beyond.
  size_t max_body_bytes = 1 << 20;
  // Time to send the whole first request header of a connection; slower senders are closed.
  std::chrono::seconds header_timeout{30};
  // Inactivity allowed while a body is read or a response written: each transfer that makes
  // progress restarts it, so large states at any steady pace are never cut off.
  std::chrono::seconds io_timeout{60};
  // Keep-alive: time from the end of a response to the end of the next request header.
  std::chrono::seconds idle_timeout{75};
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
