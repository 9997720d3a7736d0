// The only translation unit that compiles Boost.Beast/Asio (each such TU costs seconds to build).
// Each worker thread runs its own io_context; accepted connections are dealt round-robin to them,
// so a connection's reads, handler and writes stay on one thread without strands or cross-thread
// wake-ups (measured: a 64 MiB upload on a shared multi-threaded context spent most of its time in
// futex calls). Handlers run synchronously on the io threads, so the pool size bounds concurrent
// handlers.
#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/thread_pool.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "common/check.h"
#include "common/log.h"
#include "common/random.h"
#include "http/errors.h"

namespace terrane::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// After answering a request whose body was not read (413, 400, 503), the connection is half-closed
// and the rest of the upload is discarded for this long, so the client reads the answer instead
// of a connection reset.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kDrainChunk = 64 * 1024;
// Beast reads into the free capacity of the connection's buffer (at least 512 bytes, at most
// 64 KiB per read). The buffer is sized for headers, so a body read through it took one recv
// and one timer re-arm per 512 bytes (a 64 MiB state: 131,000 of each, most of the upload's
// time). Bodies are read with this much free capacity instead; afterwards a buffer larger than
// kKeptBufferBytes is released, so idle keep-alive connections stay small.
constexpr size_t kBodyReadBuffer = 64 * 1024;
constexpr size_t kKeptBufferBytes = 16 * 1024;
// Delay before accepting again after an accept failure such as EMFILE.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// Open connections per remote address. Touched once when a connection opens and once when it
// closes (any I/O thread), never per request.
class AddressCounts {
 public:
  // Counts one more connection from `address` and returns how many are open now.
  size_t Add(const std::string& address) {
    absl::MutexLock lock(&mu_);
    return ++counts_[address];
  }
  void Remove(const std::string& address) {
    absl::MutexLock lock(&mu_);
    auto it = counts_.find(address);
    if (it != counts_.end() && --it->second == 0) counts_.erase(it);
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, size_t> counts_ ABSL_GUARDED_BY(mu_);
};

// What every session borrows from the server; outlives all sessions.
struct ServerContext {
  const ServerOptions& options;
  const Router& router;
  std::atomic<size_t> connections{0};
  AddressCounts per_address;
  // Runs ChunkSource::Next for streamed responses, which may block: never on an I/O thread.
  asio::thread_pool* stream_pool = nullptr;
};

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// One connection: reads requests one after another until the peer closes, a timeout fires or a
// response says "close". Keeps itself alive through the shared_ptr bound into each handler.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerContext& ctx) : stream_(std::move(socket)), ctx_(ctx) {
    ++ctx_.connections;
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
    from_address_ = ctx_.per_address.Add(remote_);
  }
  ~Session() {
    ctx_.per_address.Remove(remote_);
    --ctx_.connections;
  }

  // Open connections from this session's address, itself included, when it was accepted.
  size_t from_address() const { return from_address_; }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

  // Answers `status` + Retry-After without reading anything, then closes (a connection cap).
  void RejectBusy(int status, std::string message) {
    asio::dispatch(stream_.get_executor(),
                   [self = shared_from_this(), status, message = std::move(message)] {
                     self->BeginRequest();
                     self->Reject(status, status == 429 ? "too_many_requests"
                                                        : "service_unavailable",
                                  message);
                   });
  }

 private:
  void BeginRequest() {
    req_ = Request{};
    req_.request_id = NextSequentialId();
    req_.remote = remote_;
    version_ = 11;
    start_ = SteadyClock::now();
  }

  void ReadHeader() {
    header_parser_.emplace();
    header_parser_->header_limit(static_cast<uint32_t>(ctx_.options.max_header_bytes));
    header_parser_->body_limit(boost::none);  // compared with the route's limit in OnHeader
    body_parser_.reset();
    // A kept-alive connection gets idle_timeout for the whole of its next header.
    stream_.expires_after(first_request_ ? ctx_.options.header_timeout : ctx_.options.idle_timeout);
    first_request_ = false;
    bhttp::async_read_header(stream_, buffer_, *header_parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t /*bytes*/) {
    BeginRequest();
    if (ec) return OnReadError(ec);
    const auto& header = header_parser_->get();
    req_.method = std::string(header.method_string());
    req_.target = std::string(header.target());
    version_ = header.version();
    if (!ParseTarget(req_.target, req_)) {
      return Reject(400, "bad_request",
                    "invalid request target: it must be an absolute path with valid "
                    "percent-encoding");
    }
    for (const auto& field : header) {
      std::string name(field.name_string());
      absl::AsciiStrToLower(&name);
      req_.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    route_ = ctx_.router.OptionsFor(req_.method, req_.segments);
    if (route_.body_limit == 0) route_.body_limit = ctx_.options.max_body_bytes;
    if (auto length = header_parser_->content_length(); length && *length > route_.body_limit) {
      return RejectTooLarge();
    }
    if (!header_parser_->is_done() &&
        beast::iequals(header[bhttp::field::expect], "100-continue")) {
      return SendContinue();
    }
    ReadBody();
  }

  // The client waits for this interim answer before sending the body.
  void SendContinue() {
    continue_ = bhttp::response<bhttp::empty_body>(bhttp::status::continue_, version_);
    stream_.expires_after(ctx_.options.io_timeout);
    bhttp::async_write(stream_, continue_,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (!ec) self->ReadBody();
                       });
  }

  void ReadBody() {
    body_parser_.emplace(std::move(*header_parser_));
    body_parser_->body_limit(route_.body_limit);  // what bounds chunked bodies
    if (!body_parser_->is_done()) {
      const size_t wanted =
          std::min<uint64_t>(body_parser_->content_length().value_or(kBodyReadBuffer),
                             kBodyReadBuffer);
      if (buffer_.capacity() - buffer_.size() < wanted) buffer_.reserve(buffer_.size() + wanted);
    }
    ReadSomeBody();
  }

  // One read at a time, each with the inactivity limit: a body arriving at a steady pace is
  // never cut off, a stalled one is.
  void ReadSomeBody() {
    if (body_parser_->is_done()) return OnBody();
    stream_.expires_after(ctx_.options.io_timeout);
    bhttp::async_read_some(stream_, buffer_, *body_parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) return self->OnReadError(ec);
                             self->ReadSomeBody();
                           });
  }

  void OnBody() {
    auto& message = body_parser_->get();
    req_.body = std::move(message.body());
    bytes_in_ = req_.body.size();
    Dispatch(message.keep_alive());
  }

  // Errors while reading: answer what can be answered, drop the connection otherwise (the peer
  // closed, reset or timed out, so nobody would read an answer).
  void OnReadError(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return RejectTooLarge();
    if (ec == bhttp::error::header_limit) {
      return Reject(431, "request_header_fields_too_large",
                    absl::StrCat("request header exceeds ", ctx_.options.max_header_bytes,
                                 " bytes (the server flag --max-header-bytes)"));
    }
    if (IsHttpParseError(ec) && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return Reject(400, "bad_request", absl::StrCat("malformed HTTP request: ", ec.message()));
    }
  }

  void RejectTooLarge() {
    std::string message =
        absl::StrCat("request body exceeds this route's limit of ", route_.body_limit, " bytes");
    if (route_.lock_info_errors) {
      absl::StrAppend(&message, "; raise it with the server flag --max-state-bytes");
    }
    Reject(413, "payload_too_large", message);
  }

  void Reject(int status, std::string_view name, std::string_view message) {
    Write(GoaError(status, name, message, req_.request_id), /*keep_alive=*/false);
  }

  // The one catch-all of the HTTP layer: a throwing handler is a bug, answered 500 and logged.
  void Dispatch(bool keep_alive) {
    Response res;
    try {
      res = ctx_.router.Dispatch(req_);
    } catch (const std::exception& e) {
      TERRANE_LOG(error, "http", "request_id={} handler threw: {}", req_.request_id, e.what());
      res = InternalError();
    } catch (...) {
      TERRANE_LOG(error, "http", "request_id={} handler threw a non-exception", req_.request_id);
      res = InternalError();
    }
    Write(std::move(res), keep_alive);
  }

  Response InternalError() const {
    return GoaError(
        500, "internal_server_error",
        absl::StrCat("internal error; see the server log for request ", req_.request_id),
        req_.request_id);
  }

  // Moves the body into the Beast response: large states are never copied here.
  void Write(Response res, bool keep_alive) {
    if (res.stream != nullptr && req_.method != "HEAD") return WriteStream(std::move(res));
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(res.status));
    res_.set(bhttp::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) res_.insert(name, value);
    res_.set("x-request-id", req_.request_id);
    status_ = res.status;
    const bool bodyless_status = res.status < 200 || res.status == 204 || res.status == 304;
    if (!bodyless_status) res_.content_length(res.body.size());
    if (!bodyless_status && req_.method != "HEAD") res_.body() = std::move(res.body);
    bytes_out_ = res_.body().size();
    res_.keep_alive(keep_alive);
    keep_alive_ = keep_alive;
    res_serializer_.emplace(res_);
    WriteSome();
  }

  // Like the body reads: the inactivity limit restarts with each write that makes progress.
  void WriteSome() {
    stream_.expires_after(ctx_.options.io_timeout);
    bhttp::async_write_some(stream_, *res_serializer_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec && !self->res_serializer_->is_done()) {
                                return self->WriteSome();
                              }
                              self->OnWrite(ec);
                            });
  }

  // Streams `res.stream` with chunked encoding, then closes the connection. Each Next() runs on
  // the stream pool; its result is written from this session's own I/O thread.
  void WriteStream(Response res) {
    stream_source_ = std::move(res.stream);
    stream_header_ = {};
    stream_header_.version(version_);
    stream_header_.result(static_cast<unsigned>(res.status));
    stream_header_.set(bhttp::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) stream_header_.insert(name, value);
    stream_header_.set("x-request-id", req_.request_id);
    stream_header_.chunked(true);
    stream_header_.keep_alive(false);
    status_ = res.status;
    stream_serializer_.emplace(stream_header_);
    stream_.expires_never();
    bhttp::async_write_header(stream_, *stream_serializer_,
                              [self = shared_from_this()](beast::error_code ec, size_t) {
                                if (ec) return self->EndStream();
                                self->NextChunk();
                              });
  }

  void NextChunk() {
    asio::post(*ctx_.stream_pool, [self = shared_from_this()] {
      std::optional<std::string> chunk = self->stream_source_->Next();
      asio::post(self->stream_.get_executor(), [self, chunk = std::move(chunk)]() mutable {
        self->WriteChunk(std::move(chunk));
      });
    });
  }

  void WriteChunk(std::optional<std::string> chunk) {
    if (!chunk.has_value()) {
      stream_.expires_after(ctx_.options.io_timeout);
      return asio::async_write(stream_, bhttp::make_chunk_last(),
                               [self = shared_from_this()](beast::error_code, size_t) {
                                 self->EndStream();
                               });
    }
    if (chunk->empty()) return NextChunk();
    stream_chunk_ = std::move(*chunk);
    bytes_out_ += stream_chunk_.size();
    stream_.expires_after(ctx_.options.io_timeout);
    asio::async_write(stream_, bhttp::make_chunk(asio::buffer(stream_chunk_)),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->EndStream();
                        self->NextChunk();
                      });
  }

  void EndStream() {
    LogRequest();
    stream_source_.reset();
    CloseGracefully();
  }

  void OnWrite(beast::error_code ec) {
    LogRequest();
    res_serializer_.reset();
    res_ = {};
    bytes_in_ = 0;
    if (ec) return;  // the peer is gone or stalled; the socket closes with the session
    if (!keep_alive_) return CloseGracefully();
    if (buffer_.capacity() > kKeptBufferBytes) buffer_.shrink_to_fit();
    ReadHeader();
  }

  // Headers, bodies and query strings are never logged: they carry credentials and state.
  void LogRequest() const {
    auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start_);
    TERRANE_LOG(info, "http",
                "request_id={} method={} path={} status={} duration_ms={} bytes_in={} "
                "bytes_out={}",
                req_.request_id, req_.method.empty() ? "-" : req_.method,
                req_.target.empty() ? "-" : PathOf(req_.target), status_, elapsed.count(),
                bytes_in_, bytes_out_);
  }

  void CloseGracefully() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.consume(buffer_.size());
    stream_.expires_after(kLingerTime);
    Drain();
  }

  // Reads and discards until EOF or kLingerTime; the session ends with the first error.
  void Drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(kDrainChunk),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  ServerContext& ctx_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
  bhttp::response<bhttp::empty_body> continue_;
  bhttp::response<bhttp::string_body> res_;
  std::optional<bhttp::response_serializer<bhttp::string_body>> res_serializer_;
  bool keep_alive_ = false;
  std::shared_ptr<ChunkSource> stream_source_;
  bhttp::response<bhttp::empty_body> stream_header_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> stream_serializer_;
  std::string stream_chunk_;
  Request req_;
  RouteOptions route_;
  unsigned version_ = 11;
  bool first_request_ = true;
  size_t from_address_ = 0;
  SteadyClock::time_point start_;
  int status_ = 0;
  size_t bytes_in_ = 0;
  size_t bytes_out_ = 0;
};

std::vector<std::unique_ptr<asio::io_context>> MakeWorkers(int threads) {
  std::vector<std::unique_ptr<asio::io_context>> workers;
  for (int i = 0; i < std::max(1, threads); ++i) {
    workers.push_back(std::make_unique<asio::io_context>(1));
  }
  return workers;
}

std::string ListenError(const ServerOptions& options, const beast::error_code& ec) {
  const bool v6 = options.host.find(':') != std::string::npos;
  return absl::StrCat("cannot listen on ", v6 ? "[" : "", options.host, v6 ? "]" : "", ":",
                      options.port, ": ", ec.message());
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router)
      : options_(std::move(options)), ctx_{.options = options_, .router = router} {
    ctx_.stream_pool = &*stream_pool_;
  }
  ~Impl() { Stop(); }

  absl::StatusOr<uint16_t> Start() {
    absl::MutexLock lock(&mu_);
    if (started_ || stopped_) return absl::FailedPreconditionError("server already started");
    beast::error_code ec;
    tcp::resolver resolver(*workers_[0]);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (!ec && results.empty()) ec = asio::error::host_not_found;
    for (const auto& entry : results) {
      ec = Listen(entry.endpoint());
      if (!ec) break;
    }
    if (ec) return absl::UnavailableError(ListenError(options_, ec));
    const uint16_t port = acceptor_->local_endpoint().port();
    started_ = true;
    Accept();
    for (auto& ioc : workers_) {
      // A context without pending work would return from run() at once; idle workers must wait
      // for connections dealt to them later.
      guards_.emplace_back(asio::make_work_guard(*ioc));
      threads_.emplace_back([ctx = ioc.get()] { ctx->run(); });
    }
    return port;
  }

  void Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&stopped_));
  }

  // Holds mu_ throughout, so a concurrent second Stop() returns only once the first is done, and
  // Wait() returns only after the workers are joined.
  void Stop() {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    TERRANE_DCHECK(!OnWorkerThread());  // joining itself would deadlock
    // Streams first: a Next() in progress returns within about a second.
    stream_pool_->stop();
    stream_pool_->join();
    guards_.clear();
    for (auto& ioc : workers_) ioc->stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    // Next() calls still queued in the stopped pool each hold a session: destroy them while the
    // I/O contexts their sockets belong to still exist.
    stream_pool_.reset();
    retry_timer_.reset();
    acceptor_.reset();
    // Destroying the contexts destroys the sessions still waiting for I/O, closing their sockets.
    workers_.clear();
    stopped_ = true;  // wakes Wait()
  }

 private:
  bool OnWorkerThread() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::any_of(threads_.begin(), threads_.end(), [](const std::thread& thread) {
      return thread.get_id() == std::this_thread::get_id();
    });
  }

  beast::error_code Listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    if (acceptor_->is_open()) acceptor_->close(ec);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    return ec;
  }

  void Accept() {
    // Only worker 0 (the acceptor's thread) touches next_worker_.
    asio::io_context& target = *workers_[next_worker_++ % workers_.size()];
    acceptor_->async_accept(target, beast::bind_front_handler(&Impl::OnAccept, this));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      TERRANE_LOG(warn, "http", "accept failed: {}", ec.message());
      retry_timer_->expires_after(kAcceptRetryDelay);
      retry_timer_->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    const bool busy = ctx_.connections.load() >= options_.max_connections;
    auto session = std::make_shared<Session>(std::move(socket), ctx_);
    if (busy) {
      session->RejectBusy(503, "too many open connections; retry shortly");
    } else if (session->from_address() > options_.max_connections_per_address) {
      session->RejectBusy(
          429, absl::StrCat("too many open connections from your address (at most ",
                            options_.max_connections_per_address,
                            "): close idle ones or reuse them (keep-alive)"));
    } else {
      session->Start();
    }
    Accept();
  }

  const ServerOptions options_;
  ServerContext ctx_;
  // Threads for streamed bodies (followed run logs); each Next() blocks for about a second at
  // most, so a few threads serve many followers in turn.
  // Reset by Stop() before workers_ is cleared.
  std::optional<asio::thread_pool> stream_pool_{std::in_place, 4};
  // One single-threaded context per worker; workers_[0] also runs the acceptor.
  std::vector<std::unique_ptr<asio::io_context>> workers_ = MakeWorkers(options_.threads);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  size_t next_worker_ = 0;
  std::optional<tcp::acceptor> acceptor_{std::in_place, *workers_[0]};
  std::optional<asio::steady_timer> retry_timer_{std::in_place, *workers_[0]};
  // Start/Stop state. The io objects above are touched under mu_ only while no worker runs.
  absl::Mutex mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

absl::StatusOr<uint16_t> Server::Start() { return impl_->Start(); }
void Server::Wait() { impl_->Wait(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace terrane::http
