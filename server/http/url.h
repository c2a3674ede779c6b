// URLs as the HTTP server reads them and the client writes them: strict
// percent-decoding, and the http(s) URLs a user gives with --server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger::http {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for query
// strings). nullopt for a malformed escape or a NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Escapes everything but RFC 3986 unreserved characters, so the text can be
// one path segment or one query value.
std::string percent_encode(std::string_view text);

struct Url {
  bool tls = false;
  std::string host;       // a name, or an address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string base_path;  // without a trailing '/'; "" for the root

  // "http(s)://host:port" and the base path: what the URL names.
  std::string text() const;
};

// http://HOST[:PORT][/PATH] or https://...; the port defaults to 80 or 443.
// invalid_input naming the URL for anything else (other schemes, user
// info, a query or fragment).
Result<Url> parse_url(std::string_view text);

}  // namespace vinledger::http
