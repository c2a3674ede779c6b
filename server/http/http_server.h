// An HTTP/1.1 server for vinledger's API (and anyone who mounts routes on
// it): keep-alive, optional TLS, per-route body limits, read/write/idle
// timeouts, a bounded queue of work, one JSON access-log line per request,
// Prometheus metrics, JSON error bodies, and a graceful shutdown.
//
// Built on Boost.Beast (docs/architecture.md says why): one network thread
// runs every connection as a coroutine, so an idle keep-alive connection
// costs a socket and a few KiB, never a thread; handlers run on a fixed pool
// of worker threads behind a bounded queue (full: 429), or, when they never
// block, on the network thread itself. Nothing here knows about ledgers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/metrics.h"
#include "vinledger/result.h"

namespace vinledger::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded, without the query
  std::map<std::string, std::string> query;   // percent-decoded; a repeated name keeps its last value
  std::map<std::string, std::string> params;  // from the route pattern: "/v1/vehicles/{vin}" -> {"vin", ...}
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string remote;  // "address:port" of the client

  // The first header of that name (compared in lower case).
  std::optional<std::string_view> header(std::string_view name) const;
};

// A response body that a handler writes piece by piece (sent chunked), so a
// large answer never sits in memory whole. write() waits while the client
// is behind, and returns false once the client is gone: the handler stops.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  [[nodiscard]] virtual bool write(std::string chunk) = 0;
  // The end of the body; nothing may be written after it.
  virtual void close() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string actor;  // who asked, for the access log, when known
  // When set, the body is produced by this function on a worker thread
  // after the headers are sent (chunked); `body` is ignored.
  std::function<void(BodyStream&)> stream;
};

// A JSON response: the document's bytes as vinledger prints them.
Response json_response(int status, const nlohmann::json& document);
// The error body every route answers with: {"error": {"code", "message", "line"}}.
Response error_response(int status, std::string_view code, std::string_view message,
                        std::optional<std::int64_t> line = {});

// Called once per request; must call `respond` exactly once, from any thread.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&, Respond)>;

struct RouteOptions {
  // inline: the handler runs on the network thread and must never block
  // (it hands the work on and responds later); worker: on the pool.
  enum class Run { worker, network } run = Run::worker;
  // Largest body accepted (413 beyond); 0 = no body (a request with one is 413).
  std::size_t max_body = 0;
  // Content types accepted for a body (the media type, parameters ignored);
  // empty = any. Others are 415.
  std::vector<std::string> content_types;
};

struct TlsFiles {
  std::filesystem::path certificate_chain;  // PEM
  std::filesystem::path private_key;        // PEM
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // ADDRESS:PORT; port 0 picks a free one
  std::optional<TlsFiles> tls;
  unsigned workers = 0;                  // handler threads; 0 = one per core
  std::size_t max_connections = 1024;    // more are answered 503 and closed
  std::size_t max_queued = 256;          // requests waiting for a worker; more are answered 429
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers (431 beyond)
  std::chrono::milliseconds header_timeout{10'000};  // from a request's first byte to its last header
  std::chrono::milliseconds body_timeout{60'000};    // to read a whole body
  std::chrono::milliseconds idle_timeout{30'000};    // a keep-alive connection with no request
  std::chrono::milliseconds write_timeout{30'000};   // to send a response (or a chunk of one)
  std::chrono::milliseconds drain_timeout{30'000};   // shutdown: the longest wait for requests in flight
  // Where access-log lines go (one JSON object and "\n" per call); default:
  // written to standard error.
  std::function<void(std::string_view line)> access_log;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Routes: `pattern` is a path whose segments may be "{name}" (one whole
  // segment, percent-decoded, into Request::params); a last segment
  // "{name...}" takes the rest of the path, its segments joined with '/'
  // ("/tile/{path...}"). Add them before run().
  // A path that matches no route is 404; a route's path with another method
  // is 405 with an Allow header. `name` labels the route in metrics and
  // defaults to the pattern.
  void route(std::string method, std::string pattern, Handler handler, RouteOptions options = {},
             std::string name = "");

  Metrics& metrics();

  // Binds the listening socket (TLS files are read here); errors name the
  // address or file. port() is then the port bound.
  [[nodiscard]] Status listen();
  std::uint16_t port() const;
  std::string url() const;  // "http(s)://ADDRESS:PORT"

  // Serves until shutdown() (or SIGTERM/SIGINT once handle_signals() was
  // called) and every connection has ended, then returns.
  void run();
  // Stops accepting; requests in flight finish and are answered (with
  // "Connection: close"), idle connections are closed, new requests on
  // open connections are answered 503. Thread-safe; returns at once.
  void shutdown();
  // SIGTERM and SIGINT call shutdown().
  void handle_signals();
  // True once shutdown() has begun.
  bool stopping() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "ADDRESS:PORT" ("[::1]:8080" for IPv6); invalid_input otherwise.
Result<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view text);

}  // namespace vinledger::http
