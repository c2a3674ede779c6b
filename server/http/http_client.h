// An HTTP/1.1 client for vinledger's API: the command line's `submit`,
// `record --server`, `sign --link --server`, and anything else that talks
// to a server (mirrors, monitors). TLS certificates are verified by
// default, against the system's trusted CAs or only the CA file given
// (`--ca`); the host name must match. One connection is kept alive across
// requests. Built on Boost.Beast, like the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/url.h"
#include "vinledger/result.h"

namespace vinledger::http {

struct ClientOptions {
  // Trust only the CA certificates in this PEM file (a private CA) instead
  // of the system's.
  std::optional<std::filesystem::path> ca_file;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{120'000};  // per request: sending it and reading the answer
  std::size_t max_response_bytes = 256 * 1024 * 1024;
  // Sent as "Authorization: Bearer <token>" (servers with --read-tokens).
  std::optional<std::string> bearer_token;
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
};

class HttpClient {
 public:
  HttpClient(Url url, ClientOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  const Url& url() const;

  // Sends one request; `path` ("/v1/statements?x=1") follows the URL's base
  // path. A connection the server closed while idle is opened again and the
  // request sent once more (the API's requests are safe to repeat). Errors
  // (no connection, a certificate that does not verify, a timeout) are
  // ErrorKind::storage naming the server; any HTTP status is a response.
  // `headers` are sent besides the client's own (and replace its Accept).
  [[nodiscard]] Result<HttpResponse> request(std::string_view method, std::string_view path, std::string_view body = {},
                                             std::string_view content_type = {},
                                             const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Whether the last request() got a connection (TLS verified) to the
  // server. When it did not, sending the same request again at once
  // rarely helps (nobody listens, or the certificate is not trusted), and
  // a client that retries lost answers need not wait for this one.
  bool reached_server() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The Error that an API error response ({"error": {"code", "message",
// "line"}}) stands for: 400, 413, 415 invalid_input; 401, 403 forbidden;
// 404 not_found; 409 conflict; anything else storage (the server could not
// do it: busy, shutting down, failing). The message is the server's, with
// "line N: " before it when the error names a line.
Error error_from_response(const HttpResponse& response);

}  // namespace vinledger::http
