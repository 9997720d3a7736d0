// The only translation unit of the CLI that includes Beast (it is expensive to compile).
#include "cli/http_client.h"

#include <array>

#include "absl/strings/ascii.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "common/status_macros.h"
#include "common/strings.h"

namespace terrane::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Bytes handed to the body callback at once.
constexpr size_t kReadChunk = 16 * 1024;

absl::Status NetworkError(const Endpoint& ep, std::string_view what,
                          const boost::system::error_code& ec) {
  return absl::UnavailableError(Cat(what, " ", ep.address, ": ", ec.message()));
}

absl::StatusOr<tcp::socket> Connect(asio::io_context& io, const Endpoint& ep) {
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  tcp::resolver::results_type results = resolver.resolve(ep.host, ep.port, ec);
  if (ec) return NetworkError(ep, "cannot resolve the server address", ec);
  tcp::socket socket(io);
  asio::connect(socket, results, ec);
  if (ec) return NetworkError(ep, "cannot connect to the server at", ec);
  return socket;
}

absl::Status WriteRequest(tcp::socket& socket, const Endpoint& ep, const HttpRequest& req) {
  bhttp::request<bhttp::string_body> out;
  out.method_string(req.method);
  out.target(ep.prefix + req.target);
  out.version(11);
  out.set(bhttp::field::host, ep.host + ":" + ep.port);
  out.set(bhttp::field::user_agent, "terrane-cli");
  out.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : req.headers) out.set(name, value);
  out.body() = req.body;
  out.prepare_payload();
  boost::system::error_code ec;
  bhttp::write(socket, out, ec);
  if (ec) return NetworkError(ep, "cannot send the request to", ec);
  return absl::OkStatus();
}

// Reads the response head into `resp`, then its body in pieces given to `on_bytes`.
absl::Status ReadResponse(tcp::socket& socket, const Endpoint& ep, HttpResponse& resp,
                          const std::function<absl::Status(std::string_view)>& on_bytes) {
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);  // callers bound what they keep
  boost::system::error_code ec;
  bhttp::read_header(socket, buffer, parser, ec);
  if (ec) return NetworkError(ep, "no valid HTTP answer from", ec);
  resp.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    resp.headers.emplace_back(absl::AsciiStrToLower(AsAbsl(field.name_string())),
                              std::string(field.value()));
  }
  std::array<char, kReadChunk> chunk;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    // read_some, not read: read would wait until the chunk buffer is full, holding back a
    // followed log until 16 KiB of it arrived.
    bhttp::read_some(socket, buffer, parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return NetworkError(ep, "the connection broke while reading from", ec);
    size_t n = chunk.size() - parser.get().body().size;
    if (n > 0) TERRANE_RETURN_IF_ERROR(on_bytes(std::string_view(chunk.data(), n)));
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);  // the answer is complete; ec is irrelevant
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> Exchange(const Endpoint& ep, const HttpRequest& req,
                                      const std::function<void(std::string_view)>* on_line) {
  asio::io_context io;
  TERRANE_ASSIGN_OR_RETURN(tcp::socket socket, Connect(io, ep));
  TERRANE_RETURN_IF_ERROR(WriteRequest(socket, ep, req));
  HttpResponse resp;
  std::string pending;  // an unterminated line of a streamed body
  bool streaming = false;
  auto on_bytes = [&](std::string_view bytes) -> absl::Status {
    streaming = on_line != nullptr && resp.status >= 200 && resp.status < 300;
    if (!streaming) {
      if (resp.body.size() + bytes.size() > kMaxResponseBytes) {
        return absl::ResourceExhaustedError(
            Cat("the answer of ", ep.address, " is larger than ", kMaxResponseBytes, " bytes"));
      }
      resp.body.append(bytes);
      return absl::OkStatus();
    }
    pending.append(bytes);
    size_t start = 0;
    for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      (*on_line)(std::string_view(pending).substr(start, nl + 1 - start));
      start = nl + 1;
    }
    pending.erase(0, start);
    return absl::OkStatus();
  };
  TERRANE_RETURN_IF_ERROR(ReadResponse(socket, ep, resp, on_bytes));
  if (streaming && !pending.empty()) (*on_line)(pending);
  return resp;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

absl::StatusOr<Endpoint> ParseEndpoint(std::string_view address) {
  Endpoint ep{.address = std::string(address)};
  std::string_view rest = address;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    return absl::InvalidArgumentError(
        Cat("server address '", address, "' must start with http:// (https is not supported: ",
            "put a TLS-terminating proxy in front of the client or use an SSH tunnel)"));
  }
  size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    ep.prefix = std::string(rest.substr(slash));
    while (!ep.prefix.empty() && ep.prefix.back() == '/') ep.prefix.pop_back();
  }
  size_t colon = hostport.rfind(':');
  bool bracketed = hostport.starts_with('[');
  if (colon != std::string_view::npos && (!bracketed || hostport[colon - 1] == ']')) {
    ep.host = std::string(hostport.substr(0, colon));
    ep.port = std::string(hostport.substr(colon + 1));
  } else {
    ep.host = std::string(hostport);
    ep.port = "80";
  }
  if (bracketed && ep.host.size() >= 2) ep.host = ep.host.substr(1, ep.host.size() - 2);
  // A TCP port is 1..65535; larger numbers would be passed on to the resolver as they are.
  if (ep.host.empty() || ep.port.empty() || ep.port.size() > 5 ||
      ep.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(ep.port) < 1 ||
      std::stoi(ep.port) > 65535) {
    return absl::InvalidArgumentError(
        Cat("server address '", address, "' must look like http://HOST:PORT"));
  }
  return ep;
}

absl::StatusOr<HttpResponse> Send(const Endpoint& endpoint, const HttpRequest& req) {
  return Exchange(endpoint, req, nullptr);
}

absl::StatusOr<HttpResponse> SendStreaming(const Endpoint& endpoint, const HttpRequest& req,
                                           const std::function<void(std::string_view)>& on_line) {
  return Exchange(endpoint, req, &on_line);
}

}  // namespace terrane::cli
