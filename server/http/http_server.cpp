#include "http/http_server.h"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http/url.h"
#include "vinledger/json.h"
#include "vinledger/timestamp.h"
#include "vinledger/untrusted_text.h"

namespace vinledger::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// A streamed body keeps at most this much waiting for a slow client.
constexpr std::size_t kMaxBufferedStream = 256 * 1024;
// Longest request path written to the access log.
constexpr std::size_t kMaxLoggedPath = 512;

// Beast (Boost 1.74) hands out boost::string_view.
std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view media_type(std::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segments.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

// A fixed set of threads behind a bounded queue.
class WorkQueue {
 public:
  WorkQueue(unsigned threads, std::size_t max_queued) : max_queued_(max_queued) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  ~WorkQueue() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  // False when the queue is full: the caller answers 429.
  bool try_submit(std::function<void()> job) {
    std::lock_guard lock(mutex_);
    if (jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
    ready_.notify_one();
    return true;
  }
  // For work a request already holds a place for (a streamed body).
  void submit(std::function<void()> job) {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    ready_.notify_one();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{name}" for a parameter
  Handler handler;
  RouteOptions options;
  std::string name;
};

// What was asked and answered, for the access log and metrics.
struct Exchange {
  Clock::time_point start = Clock::now();
  std::string method;
  std::string path;
  std::string route = "unmatched";
  int status = 0;
  std::uint64_t bytes = 0;
  std::string actor;
  std::string remote;
};

// Hands a worker's (or the network thread's) answer back to the
// connection's coroutine. If the handler drops it unanswered, it answers
// 500 itself, so a connection never hangs on a forgotten response.
template <class CompletionHandler>
class Responder {
 public:
  Responder(CompletionHandler handler, net::any_io_executor executor)
      : handler_(std::move(handler)), executor_(std::move(executor)) {}
  ~Responder() {
    if (!answered_.exchange(true))
      complete(error_response(500, "internal", "the request was dropped without an answer"));
  }
  void respond(Response response) {
    if (answered_.exchange(true)) return;
    complete(std::move(response));
  }

 private:
  void complete(Response response) {
    net::post(executor_, [handler = std::move(handler_), response = std::move(response)]() mutable {
      std::move(handler)(std::move(response));
    });
  }
  CompletionHandler handler_;
  net::any_io_executor executor_;
  std::atomic<bool> answered_{false};
};

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  const std::string wanted = lower(name);
  for (const auto& [key, value] : headers)
    if (key == wanted) return std::string_view(value);
  return std::nullopt;
}

Response json_response(int status, const nlohmann::json& document) {
  Response response;
  response.status = status;
  response.body = json_text(document);
  return response;
}

Response error_response(int status, std::string_view code, std::string_view message,
                        std::optional<std::int64_t> line) {
  return json_response(status, error_json(code, message, line));
}

Result<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return invalid_input("\"" + std::string(text) + "\" is not ADDRESS:PORT");
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  std::uint32_t port = 0;
  if (port_text.empty() || port_text.size() > 5) return invalid_input("\"" + std::string(text) + "\": bad port");
  for (char c : port_text) {
    if (c < '0' || c > '9') return invalid_input("\"" + std::string(text) + "\": bad port");
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return invalid_input("\"" + std::string(text) + "\": bad port");
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

struct Server::Impl {
  ServerOptions options;
  Metrics metrics;
  std::vector<Route> routes;
  std::size_t largest_body = 0;

  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::optional<net::ssl::context> tls;
  net::signal_set signals{io};
  net::steady_timer drain_timer{io};
  std::unique_ptr<WorkQueue> workers;
  std::uint16_t bound_port = 0;
  std::string bound_host;

  // Network thread only.
  struct Connection {
    std::function<void()> close;  // closes the socket: pending reads end
    bool idle = true;             // between requests
  };
  std::map<std::uint64_t, Connection> connections;
  std::uint64_t next_connection = 0;
  std::atomic<bool> draining{false};

  Counter* rejected_connections = nullptr;

  explicit Impl(ServerOptions options_in) : options(std::move(options_in)) {
    rejected_connections = &metrics.counter("vinledger_http_connections_rejected_total",
                                            "Connections refused because the server had too many open");
  }

  const Route* match(const std::string& method, const std::vector<std::string>& segments,
                     std::map<std::string, std::string>& params, std::string& allow) const;
  void log(const Exchange& exchange);
  void begin_drain();
  void connection_ended(std::uint64_t id);

  net::awaitable<void> accept_loop();
  template <class Stream>
  net::awaitable<void> session(Stream stream, std::uint64_t id, std::string remote);
  template <class Stream>
  net::awaitable<bool> write_response(Stream& stream, Response& response, bool keep_alive, Exchange& exchange);
  template <class Stream>
  net::awaitable<bool> write_streamed(Stream& stream, Response& response, bool keep_alive, Exchange& exchange);
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

void Server::route(std::string method, std::string pattern, Handler handler, RouteOptions options, std::string name) {
  Route route{std::move(method), split_path(pattern), std::move(handler), std::move(options),
              name.empty() ? pattern : std::move(name)};
  impl_->largest_body = std::max(impl_->largest_body, route.options.max_body);
  impl_->routes.push_back(std::move(route));
}

Metrics& Server::metrics() { return impl_->metrics; }
std::uint16_t Server::port() const { return impl_->bound_port; }
bool Server::stopping() const { return impl_->draining; }

std::string Server::url() const {
  const std::string& host = impl_->bound_host;
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(impl_->tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(impl_->bound_port);
}

Status Server::listen() {
  Impl& impl = *impl_;
  auto address = split_host_port(impl.options.listen);
  if (!address) return std::unexpected(address.error());
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(address->first, ec);
  if (ec) return invalid_input("--listen " + impl.options.listen + ": \"" + address->first + "\" is not an IP address");
  if (impl.options.tls) {
    impl.tls.emplace(net::ssl::context::tls_server);
    impl.tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                          net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    impl.tls->use_certificate_chain_file(impl.options.tls->certificate_chain.string(), ec);
    if (ec)
      return invalid_input("--tls-cert " + impl.options.tls->certificate_chain.string() + ": " + ec.message());
    impl.tls->use_private_key_file(impl.options.tls->private_key.string(), net::ssl::context::pem, ec);
    if (ec) return invalid_input("--tls-key " + impl.options.tls->private_key.string() + ": " + ec.message());
  }
  const tcp::endpoint endpoint(ip, address->second);
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return storage_error("cannot listen on " + impl.options.listen + ": " + ec.message());
  impl.bound_port = impl.acceptor.local_endpoint().port();
  impl.bound_host = ip.to_string();
  impl.workers = std::make_unique<WorkQueue>(impl.options.workers, impl.options.max_queued);
  return {};
}

void Server::run() {
  Impl& impl = *impl_;
  net::co_spawn(impl.io, impl.accept_loop(), net::detached);
  impl.io.run();
}

void Server::shutdown() {
  net::post(impl_->io, [impl = impl_.get()] { impl->begin_drain(); });
}

void Server::handle_signals() {
  impl_->signals.add(SIGTERM);
  impl_->signals.add(SIGINT);
  impl_->signals.async_wait([impl = impl_.get()](const boost::system::error_code& ec, int) {
    if (!ec) impl->begin_drain();
  });
}

void Server::Impl::begin_drain() {
  if (draining.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  for (auto& [id, connection] : connections)
    if (connection.idle) connection.close();
  if (connections.empty()) return;
  // Requests still in flight get drain_timeout to finish; then their
  // connections are closed too.
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    for (auto& [id, connection] : connections) connection.close();
  });
}

void Server::Impl::connection_ended(std::uint64_t id) {
  connections.erase(id);
  if (draining && connections.empty()) drain_timer.cancel();
}

const Route* Server::Impl::match(const std::string& method, const std::vector<std::string>& segments,
                                 std::map<std::string, std::string>& params, std::string& allow) const {
  for (const Route& route : routes) {
    // A last segment "{name...}" takes the rest of the path (one or more
    // segments, joined with '/').
    const bool rest = !route.segments.empty() && route.segments.back().ends_with("...}");
    if (rest ? segments.size() < route.segments.size() : route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> found;
    bool matched = true;
    for (std::size_t i = 0; i < route.segments.size() && matched; ++i) {
      const std::string& pattern = route.segments[i];
      if (rest && i + 1 == route.segments.size()) {
        std::string joined = segments[i];
        for (std::size_t j = i + 1; j < segments.size(); ++j) joined += "/" + segments[j];
        found[pattern.substr(1, pattern.size() - 5)] = std::move(joined);
      } else if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
        if (segments[i].empty()) matched = false;
        else found[pattern.substr(1, pattern.size() - 2)] = segments[i];
      } else {
        matched = pattern == segments[i];
      }
    }
    if (!matched) continue;
    if (route.method != method) {
      if (allow.find(route.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + route.method;
      continue;
    }
    params = std::move(found);
    return &route;
  }
  return nullptr;
}

void Server::Impl::log(const Exchange& exchange) {
  const double seconds = std::chrono::duration<double>(Clock::now() - exchange.start).count();
  metrics
      .counter("vinledger_http_requests_total", "HTTP requests answered, by route and status",
               {{"route", exchange.route}, {"status", std::to_string(exchange.status)}})
      .add();
  metrics.histogram("vinledger_http_request_seconds", "Time from a request's first header to its answer sent",
                    latency_buckets(), {{"route", exchange.route}})
      .observe(seconds);
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::string time = format_timestamp(std::chrono::system_clock::to_time_t(now));
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03lldZ", static_cast<long long>(millis));
  time.replace(time.size() - 1, 1, fraction);
  nlohmann::json line = {{"time", time},
                         {"remote", exchange.remote},
                         {"method", exchange.method},
                         {"path", exchange.path.substr(0, kMaxLoggedPath)},
                         {"status", exchange.status},
                         {"bytes", exchange.bytes},
                         {"duration_ms", static_cast<double>(static_cast<long long>(seconds * 1e6)) / 1e3},
                         {"actor", exchange.actor.empty() ? nlohmann::json(nullptr) : nlohmann::json(exchange.actor)}};
  // Untrusted text (a path) may hold any bytes: replace what is not UTF-8.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (options.access_log) {
    options.access_log(text);
  } else {
    // One write per line, so lines from one process never interleave.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
  }
}

net::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open()) co_return;  // shutting down
      continue;                            // a connection that failed before we took it
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::string remote = "unknown";
    if (auto endpoint = socket.remote_endpoint(ec); !ec)
      remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    const std::uint64_t id = next_connection++;
    beast::tcp_stream stream(std::move(socket));
    if (tls) {
      net::co_spawn(io, session(beast::ssl_stream<beast::tcp_stream>(std::move(stream), *tls), id, std::move(remote)),
                    net::detached);
    } else {
      net::co_spawn(io, session(std::move(stream), id, std::move(remote)), net::detached);
    }
  }
}

namespace {

// Waits for a handler's answer without holding the network thread.
template <class Token>
auto async_handle(const Route& route, std::shared_ptr<Request> request, WorkQueue& workers,
                  net::any_io_executor executor, Token&& token) {
  return net::async_initiate<Token, void(Response)>(
      [&route, request = std::move(request), &workers, executor](auto handler) mutable {
        using Handler = decltype(handler);
        auto responder = std::make_shared<Responder<Handler>>(std::move(handler), executor);
        Respond respond = [responder](Response response) { responder->respond(std::move(response)); };
        auto call = [&route, request, respond]() mutable {
          try {
            route.handler(*request, respond);
          } catch (const std::exception& e) {
            respond(error_response(500, "internal", std::string("internal error: ") + e.what()));
          }
        };
        if (route.options.run == RouteOptions::Run::network) {
          call();
        } else if (!workers.try_submit(call)) {
          respond(error_response(429, "overloaded", "the server is busy; retry later"));
        }
      },
      token);
}

struct ParsedTarget {
  std::string path;
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;
};

std::optional<ParsedTarget> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  const std::size_t question = target.find('?');
  ParsedTarget parsed;
  const std::string_view raw_path = target.substr(0, question);
  for (const std::string& segment : split_path(raw_path)) {
    auto decoded = percent_decode(segment, false);
    if (!decoded) return std::nullopt;
    parsed.segments.push_back(std::move(*decoded));
  }
  auto path = percent_decode(raw_path, false);
  if (!path) return std::nullopt;
  parsed.path = std::move(*path);
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      const std::size_t equals = pair.find('=');
      auto name = percent_decode(pair.substr(0, equals), true);
      auto value = percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
      if (!name || !value) return std::nullopt;
      parsed.query[*name] = *value;
    }
  }
  return parsed;
}

// The response to a request the server refuses before any handler sees it.
Response refusal(int status, std::string_view code, std::string_view message) {
  return error_response(status, code, message);
}

// A time limit on reading a request that, when it runs out, cancels the
// read but leaves the socket open, so that the server can still answer 408
// (beast's own stream timeout closes the socket). One per connection, armed
// for each read; the io context runs on one thread.
class ReadDeadline : public std::enable_shared_from_this<ReadDeadline> {
 public:
  ReadDeadline(const net::any_io_executor& executor, tcp::socket& socket) : timer_(executor), socket_(&socket) {}

  void arm(Clock::duration limit) {
    const std::uint64_t armed = ++generation_;
    expired_ = false;
    timer_.expires_after(limit);
    timer_.async_wait([self = shared_from_this(), armed](boost::system::error_code ec) {
      // A later arm() or disarm() makes this wait stale, even if it had
      // already fired: only the current one cancels.
      if (ec || armed != self->generation_ || !self->socket_) return;
      self->expired_ = true;
      boost::system::error_code ignored;
      self->socket_->cancel(ignored);
    });
  }
  void disarm() {
    ++generation_;
    timer_.cancel();
  }
  // Ends every use of the socket (the connection is over).
  void release() {
    disarm();
    socket_ = nullptr;
  }
  bool expired() const { return expired_; }

 private:
  net::steady_timer timer_;
  tcp::socket* socket_;
  std::uint64_t generation_ = 0;
  bool expired_ = false;
};

}  // namespace

template <class Stream>
net::awaitable<void> Server::Impl::session(Stream stream, std::uint64_t id, std::string remote) {
  auto& socket_layer = beast::get_lowest_layer(stream);
  connections[id] = Connection{[&socket_layer] {
                                 boost::system::error_code ignored;
                                 socket_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
                                 socket_layer.socket().close(ignored);
                               },
                               true};
  struct Ended {
    Impl* impl;
    std::uint64_t id;
    ~Ended() { impl->connection_ended(id); }
  } ended{this, id};
  auto deadline = std::make_shared<ReadDeadline>(socket_layer.get_executor(), socket_layer.socket());
  struct Released {
    std::shared_ptr<ReadDeadline> deadline;
    ~Released() { deadline->release(); }
  } released{deadline};
  boost::system::error_code ec;

  if (connections.size() > options.max_connections || draining) {
    rejected_connections->add();
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Exchange exchange;
      exchange.remote = remote;
      Response response = refusal(503, "unavailable", draining ? "the server is shutting down"
                                                                : "the server has too many connections; retry later");
      co_await write_response(stream, response, false, exchange);
    }
    co_return;
  }
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    socket_layer.expires_after(options.header_timeout);
    co_await stream.async_handshake(net::ssl::stream_base::server, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
  }

  beast::flat_buffer buffer;
  for (;;) {
    // Between requests: wait for the next one's first byte.
    if (buffer.size() == 0) {
      connections[id].idle = true;
      if (draining) break;
      socket_layer.expires_after(options.idle_timeout);
      const std::size_t n =
          co_await stream.async_read_some(buffer.prepare(4096), net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    connections[id].idle = false;
    Exchange exchange;
    exchange.remote = remote;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(largest_body);
    socket_layer.expires_never();
    deadline->arm(options.header_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    deadline->disarm();
    if (ec) {
      if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset) break;
      Response response;
      if (deadline->expired()) response = refusal(408, "timeout", "the request's headers took too long");
      else if (ec == bhttp::error::header_limit)
        response = refusal(431, "too_large", "the request's headers are larger than " +
                                                 std::to_string(options.max_header_bytes) + " bytes");
      else if (ec == bhttp::error::body_limit)
        response = refusal(413, "too_large", "the body is larger than this server takes");
      else response = refusal(400, "malformed", "malformed HTTP request: " + ec.message());
      co_await write_response(stream, response, false, exchange);
      log(exchange);
      break;
    }
    auto& header = parser.get();
    exchange.method = std::string(view(header.method_string()));
    const std::string target(view(header.target()));
    exchange.path = target.substr(0, target.find('?'));
    bool keep_alive = header.keep_alive() && !draining;

    auto request = std::make_shared<Request>();
    request->method = exchange.method;
    request->target = target;
    request->remote = remote;
    for (const auto& field : header)
      request->headers.emplace_back(lower(view(field.name_string())), std::string(view(field.value())));

    // Everything that can be refused from the header is refused before the
    // body is read; the connection then closes, its body unread.
    const bool has_body = parser.chunked() || (parser.content_length() && *parser.content_length() > 0);
    std::optional<Response> early;
    const Route* route = nullptr;
    auto parsed = parse_target(target);
    if (draining) {
      early = refusal(503, "unavailable", "the server is shutting down");
    } else if (!parsed) {
      early = refusal(400, "malformed", "the request target is not a valid path");
    } else {
      std::string allow;
      route = match(exchange.method, parsed->segments, request->params, allow);
      if (!route && !allow.empty()) {
        early = refusal(405, "method_not_allowed", exchange.method + " is not allowed here (allowed: " + allow + ")");
        early->headers.emplace_back("Allow", allow);
      } else if (!route) {
        early = refusal(404, "not_found", "no such resource");
      } else {
        exchange.route = route->name;
        request->path = parsed->path;
        request->query = std::move(parsed->query);
        const auto length = parser.content_length();
        if (has_body && route->options.max_body == 0) {
          early = refusal(413, "too_large", exchange.method + " " + route->name + " takes no body");
        } else if (length && *length > route->options.max_body) {
          early = refusal(413, "too_large", "the body is " + std::to_string(*length) + " bytes; at most " +
                                                std::to_string(route->options.max_body) + " are taken");
        } else if (!route->options.content_types.empty()) {
          const std::string type = lower(media_type(view(header[bhttp::field::content_type])));
          bool known = false;
          for (const auto& accepted : route->options.content_types) known = known || type == accepted;
          if (!known) {
            std::string list;
            for (const auto& accepted : route->options.content_types) list += (list.empty() ? "" : " or ") + accepted;
            early = refusal(415, "unsupported_media_type",
                            "Content-Type " + (type.empty() ? std::string("(none)") : quote_untrusted(type)) +
                                " is not taken here; send " + list);
          }
        }
      }
    }
    if (early) {
      if (has_body) keep_alive = false;
      if (!co_await write_response(stream, *early, keep_alive, exchange)) break;
      log(exchange);
      if (!keep_alive) break;
      continue;
    }

    if (has_body) {
      if (lower(view(header[bhttp::field::expect])) == "100-continue") {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        socket_layer.expires_after(options.write_timeout);
        co_await net::async_write(stream, net::buffer(kContinue.data(), kContinue.size()),
                                  net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
      }
      parser.body_limit(route->options.max_body);
      socket_layer.expires_never();
      deadline->arm(options.body_timeout);
      co_await bhttp::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      deadline->disarm();
      if (ec) {
        if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
            ec == bhttp::error::partial_message)
          break;  // the client went away mid-body: nothing to answer
        Response response;
        if (deadline->expired()) response = refusal(408, "timeout", "the request's body took too long");
        else if (ec == bhttp::error::body_limit)
          response = refusal(413, "too_large",
                             "the body is larger than " + std::to_string(route->options.max_body) + " bytes");
        else response = refusal(400, "malformed", "malformed HTTP request body: " + ec.message());
        co_await write_response(stream, response, false, exchange);
        log(exchange);
        break;
      }
      request->body = std::move(parser.get().body());
    }

    // The handler may take its time: no timeout runs meanwhile.
    socket_layer.expires_never();
    Response response = co_await async_handle(*route, request, *workers, io.get_executor(), net::use_awaitable);
    request.reset();
    exchange.actor = response.actor;
    if (draining) keep_alive = false;
    bool sent = false;
    if (response.stream) sent = co_await write_streamed(stream, response, keep_alive, exchange);
    else sent = co_await write_response(stream, response, keep_alive, exchange);
    log(exchange);
    if (!sent || !keep_alive) break;
  }
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    socket_layer.expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
  }
  socket_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
}

template <class Stream>
net::awaitable<bool> Server::Impl::write_response(Stream& stream, Response& response, bool keep_alive,
                                                  Exchange& exchange) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), 11};
  message.set(bhttp::field::server, "vinledger");
  message.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.keep_alive(keep_alive);
  message.body() = std::move(response.body);
  message.prepare_payload();
  exchange.status = response.status;
  exchange.bytes = message.body().size();
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.write_timeout);
  co_await bhttp::async_write(stream, message, net::redirect_error(net::use_awaitable, ec));
  co_return !ec;
}

namespace {

// The bridge between a handler writing a body on a worker and the
// connection sending it: chunks wait here, at most kMaxBufferedStream bytes.
class StreamChannel : public BodyStream, public std::enable_shared_from_this<StreamChannel> {
 public:
  explicit StreamChannel(net::any_io_executor executor) : signal_(executor), executor_(executor) {}

  bool write(std::string chunk) override {
    if (chunk.empty()) return !gone();
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return buffered_ < kMaxBufferedStream || gone_; });
    if (gone_) return false;
    buffered_ += chunk.size();
    chunks_.push_back(std::move(chunk));
    wake();
    return true;
  }
  void close() override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    wake();
  }

  // Network thread: the next chunk, or nullopt when the body has ended
  // (`ended`) or nothing is ready yet.
  std::optional<std::string> next(bool& ended) {
    std::lock_guard lock(mutex_);
    ended = false;
    if (!chunks_.empty()) {
      std::string chunk = std::move(chunks_.front());
      chunks_.pop_front();
      buffered_ -= chunk.size();
      room_.notify_all();
      return chunk;
    }
    ended = closed_;
    return std::nullopt;
  }
  void client_gone() {
    std::lock_guard lock(mutex_);
    gone_ = true;
    room_.notify_all();
  }
  bool gone() {
    std::lock_guard lock(mutex_);
    return gone_;
  }
  net::steady_timer& signal() { return signal_; }

 private:
  // Wakes the network thread (the post runs after it started waiting).
  void wake() {
    net::post(executor_, [self = shared_from_this()] { self->signal_.cancel(); });
  }

  std::mutex mutex_;
  std::condition_variable room_;
  std::deque<std::string> chunks_;
  std::size_t buffered_ = 0;
  bool closed_ = false;
  bool gone_ = false;
  net::steady_timer signal_;
  net::any_io_executor executor_;
};

}  // namespace

template <class Stream>
net::awaitable<bool> Server::Impl::write_streamed(Stream& stream, Response& response, bool keep_alive,
                                                  Exchange& exchange) {
  bhttp::response<bhttp::empty_body> message{static_cast<bhttp::status>(response.status), 11};
  message.set(bhttp::field::server, "vinledger");
  message.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.keep_alive(keep_alive);
  message.chunked(true);
  exchange.status = response.status;
  boost::system::error_code ec;
  auto& socket_layer = beast::get_lowest_layer(stream);
  bhttp::response_serializer<bhttp::empty_body> serializer{message};
  socket_layer.expires_after(options.write_timeout);
  co_await bhttp::async_write_header(stream, serializer, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return false;

  auto channel = std::make_shared<StreamChannel>(io.get_executor());
  workers->submit([channel, produce = std::move(response.stream)] {
    try {
      produce(*channel);
    } catch (...) {
      // The status is sent already: a body cut short is all that is left.
    }
    channel->close();
  });
  bool ok = true;
  for (;;) {
    bool ended = false;
    std::optional<std::string> chunk = channel->next(ended);
    if (chunk) {
      exchange.bytes += chunk->size();
      socket_layer.expires_after(options.write_timeout);
      co_await net::async_write(stream, bhttp::make_chunk(net::buffer(*chunk)),
                                net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        ok = false;
        break;
      }
      continue;
    }
    if (ended) break;
    channel->signal().expires_at(net::steady_timer::time_point::max());
    co_await channel->signal().async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  if (ok) {
    socket_layer.expires_after(options.write_timeout);
    co_await net::async_write(stream, bhttp::make_chunk_last(), net::redirect_error(net::use_awaitable, ec));
    ok = !ec;
  }
  if (!ok) channel->client_gone();
  co_return ok;
}

}  // namespace vinledger::http
