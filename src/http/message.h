// Plain HTTP request/response values handed between the Beast server and the handlers, so
// that only server.cc compiles Beast. Thread-compatible.
#pragma once

#include <any>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "boost/json/object.hpp"

namespace terrane::http {

// What the handlers learn about a request for the audit trail (the Router's AuditSink reads it
// after the handler ran). Never a state body, a secret value or a key.
struct AuditFacts {
  // Set by authentication: the account the request addressed (the caller's own once
  // authenticated), and the id and display name of a verified key (a key of another account
  // included); actor fields stay empty while no valid key was presented.
  std::string account;
  std::string actor_id;
  std::string actor;
  // Replaces the route's action when the handler knows better (an UNLOCK with an empty body
  // is a force-unlock).
  std::string action;
  // Small safe facts: what the path does not name ("workspace", "org", "project" or "run"
  // given in a body or created; they fill the record's columns) and results such as a state
  // serial or a lock id.
  boost::json::object details;
};

struct Request {
  std::string method;  // as sent: "GET", "POST", "LOCK", "UNLOCK", ...
  std::string target;  // raw request target, e.g. "/v1/orgs?x=1"
  // Percent-decoded path segments, empty segments dropped ("/a//b/" -> {"a","b"}).
  std::vector<std::string> segments;
  // Percent-decoded query parameters in order of appearance ('+' is a space).
  std::vector<std::pair<std::string, std::string>> query;
  // Header names lower-cased; values as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;        // the whole body, chunked encoding already removed
  std::string request_id;  // short opaque id, also in the server log and error bodies
  std::string remote;      // peer address
  AuditFacts audit;        // filled in by handlers, read by the audit trail
  // Who the handlers' authentication found (a type of theirs): set by the first check of the
  // request, so a route's permission guard and its handler verify and rate-limit it once.
  std::any authenticated;

  // First header named `name` (give it lower-case).
  std::optional<std::string_view> Header(std::string_view name) const;
  // First query parameter named `name` (case-sensitive).
  std::optional<std::string_view> Query(std::string_view name) const;
  // Every value of `name`, each also split at commas ("a,b" and a repeated name both count).
  std::vector<std::string> QueryList(std::string_view name) const;
};

// A response body produced piece by piece, sent with chunked encoding (a followed run log).
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // The next piece: "" when nothing new yet, nullopt at the end. May block for about a second;
  // the server calls it on a thread of its own, never on a connection's I/O thread.
  virtual std::optional<std::string> Next() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, `body` is ignored and the body is streamed from here; the connection closes after.
  std::shared_ptr<ChunkSource> stream;
};

// Splits a raw target into decoded segments and query parameters. InvalidArgument-like
// failures (bad percent-encoding) return false and leave `req` partially filled.
bool ParseTarget(std::string_view target, Request& req);

// ParseTarget's general case, Boost.URL's origin-form grammar. ParseTarget answers targets made
// of plain path characters only (no query, no percent-escape) without it, with the same result:
// the fuzz target checks that the two agree on every input.
bool ParseTargetWithUrlGrammar(std::string_view target, Request& req);

}  // namespace terrane::http
