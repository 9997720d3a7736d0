#include "http/message.h"

#include <algorithm>

#include "boost/url/parse.hpp"
#include "boost/url/url_view.hpp"

namespace terrane::http {

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Request::QueryList(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query) {
    if (key != name) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      std::string_view item = rest.substr(0, rest.find(','));
      rest.remove_prefix(std::min(rest.size(), item.size() + 1));
      if (!item.empty()) out.emplace_back(item);
    }
  }
  return out;
}

namespace {

// RFC 3986 pchar without pct-encoded, plus '/': a path of these is valid origin-form as it is
// and decodes to itself. Everything else (a query, '%', non-ASCII, controls) takes the grammar.
constexpr bool IsPlainPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~!$&'()*+,;=:@/").find(c) != std::string_view::npos;
}

}  // namespace

bool ParseTarget(std::string_view target, Request& req) {
  // Boost.URL reads a leading "/./" as an escape of the path's start and drops that segment;
  // such targets keep its meaning.
  if (target.empty() || target.front() != '/' || target.starts_with("/./") ||
      !std::all_of(target.begin(), target.end(), IsPlainPathChar)) {
    return ParseTargetWithUrlGrammar(target, req);
  }
  req.segments.clear();
  req.query.clear();
  size_t begin = 1;
  while (begin <= target.size()) {
    size_t end = std::min(target.find('/', begin), target.size());
    if (end > begin) req.segments.emplace_back(target.substr(begin, end - begin));
    begin = end + 1;
  }
  return true;
}

bool ParseTargetWithUrlGrammar(std::string_view target, Request& req) {
  req.segments.clear();
  req.query.clear();
  // origin-form only ("/path?query"): absolute-form and "*" are not routes Terrane serves.
  // The grammar rejects malformed percent-escapes such as "%zz" or a trailing "%".
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  const boost::urls::url_view& url = *parsed;

  // Decoding happens once, per segment, so "%2F" stays inside its segment.
  for (const std::string& segment : url.segments()) {
    if (!segment.empty()) req.segments.push_back(segment);
  }
  if (!url.has_query()) return true;
  // '+' means a space in a query (form encoding); keys and values are decoded once.
  for (const boost::urls::param& param : url.params(boost::urls::encoding_opts(true))) {
    if (param.key.empty() && !param.has_value) continue;  // "?" or "a=1&&b=2"
    req.query.emplace_back(param.key, param.value);
  }
  return true;
}

}  // namespace terrane::http
