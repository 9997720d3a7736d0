// The composition root of `terrane serve`: opens the data directory, loads the master key,
// builds Store → Authenticator → Router → HTTP server, runs until SIGINT/SIGTERM and tears down in reverse.
#pragma once

#include <cstddef>
#include <string>

namespace terrane::server {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free port
  std::string data_dir = "./data";
  // The secret store's master key file; "" = $TERRANE_MASTER_KEY, else DATA_DIR/master.key
  // (server/master_key.h).
  std::string master_key_file;
  size_t max_state_bytes = size_t{512} << 20;
  // HTTP worker threads; 0 = one per CPU, at least 2. More threads than CPUs made the tail
  // latency of GET workspace under 64 connections twice as long (BENCHMARKS.md).
  int threads = 0;
  std::string log_level = "info";
  // Runs: how many execute at once, which binaries, and limits per step.
  int max_concurrent_runs = 2;
  std::string terraform_binary = "terraform";
  std::string tofu_binary = "tofu";
  int step_timeout_seconds = 7200;
  int approval_timeout_seconds = 3600;
  int cancel_grace_seconds = 20;
  // Abuse limits (http/server.h, service/request_limiter.h); a rate of 0 disables that limit.
  double rate_limit = 100;         // requests per second per API key
  double rate_burst = 1000;        // requests at once per API key
  double auth_failure_rate = 2;    // failed authentications per second per remote address
  double auth_failure_burst = 100;  // failed authentications at once per remote address
  size_t max_connections = 1024;
  size_t max_connections_per_address = 256;
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = size_t{1} << 20;
  int header_timeout_seconds = 30;
  int io_timeout_seconds = 60;
  int idle_timeout_seconds = 75;
};

// Returns the process exit code.
int RunServe(const ServeOptions& options);

// Splits "HOST:PORT" ("[::1]:8080" for IPv6). False when malformed.
bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace terrane::server
