#include "http/http_client.h"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

namespace vinledger::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

struct HttpClient::Impl {
  Url url;
  ClientOptions options;
  net::io_context io;
  std::optional<net::ssl::context> tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  bool reached = false;  // the last request had a connection
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool connected() { return (plain || secure) && lowest().socket().is_open(); }
  void disconnect() {
    boost::system::error_code ignored;
    if (plain || secure) lowest().socket().close(ignored);
    plain.reset();
    secure.reset();
    buffer.clear();
  }
  std::unexpected<Error> failure(const std::string& what, const boost::system::error_code& ec) {
    disconnect();
    return storage_error("server " + url.text() + ": " + what + ": " + ec.message());
  }

  // Runs `operation` (a coroutine) on the client's own io_context to its end.
  // Errors come back through the operation's own error codes.
  template <class Operation>
  void run(Operation operation) {
    std::exception_ptr failed;
    net::co_spawn(io, std::move(operation), [&](std::exception_ptr e) { failed = e; });
    io.restart();
    io.run();
    if (failed) std::rethrow_exception(failed);
  }

  Status connect();
  Result<HttpResponse> exchange(bhttp::request<bhttp::string_body>& message, bool& nothing_received);
};

HttpClient::HttpClient(Url url, ClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->options = std::move(options);
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

const Url& HttpClient::url() const { return impl_->url; }
bool HttpClient::reached_server() const { return impl_->reached; }

Status HttpClient::Impl::connect() {
  disconnect();
  if (url.tls && !tls) {
    tls.emplace(net::ssl::context::tls_client);
    boost::system::error_code ec;
    tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    if (options.ca_file) {
      tls->load_verify_file(options.ca_file->string(), ec);
      if (ec) {
        tls.reset();
        return invalid_input("--ca " + options.ca_file->string() + ": " + ec.message());
      }
    } else {
      tls->set_default_verify_paths(ec);
      if (ec) {
        tls.reset();
        return storage_error("cannot load the system's trusted certificates: " + ec.message());
      }
    }
    tls->set_verify_mode(net::ssl::verify_peer);
  }
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec) return failure("cannot resolve " + url.host, ec);
  beast::tcp_stream stream(io);
  stream.expires_after(options.connect_timeout);
  boost::system::error_code connected;
  run([&]() -> net::awaitable<void> {
    co_await stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, connected));
  });
  if (connected) return failure("cannot connect", connected);
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (!url.tls) {
    plain.emplace(std::move(stream));
    return {};
  }
  secure.emplace(std::move(stream), *tls);
  // SNI, and the name the certificate must carry.
  if (!SSL_set_tlsext_host_name(secure->native_handle(), url.host.c_str())) {
    disconnect();
    return storage_error("server " + url.text() + ": cannot set the TLS server name");
  }
  secure->set_verify_callback(net::ssl::host_name_verification(url.host));
  lowest().expires_after(options.connect_timeout);
  boost::system::error_code handshake;
  run([&]() -> net::awaitable<void> {
    co_await secure->async_handshake(net::ssl::stream_base::client, net::redirect_error(net::use_awaitable, handshake));
  });
  if (handshake) return failure("TLS handshake failed (is the server's certificate trusted? see --ca)", handshake);
  return {};
}

Result<HttpResponse> HttpClient::Impl::exchange(bhttp::request<bhttp::string_body>& message, bool& nothing_received) {
  nothing_received = true;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_response_bytes);
  boost::system::error_code write_error, read_error;
  lowest().expires_after(options.timeout);
  run([&]() -> net::awaitable<void> {
    if (secure) {
      co_await bhttp::async_write(*secure, message, net::redirect_error(net::use_awaitable, write_error));
      if (write_error) co_return;
      co_await bhttp::async_read(*secure, buffer, parser, net::redirect_error(net::use_awaitable, read_error));
    } else {
      co_await bhttp::async_write(*plain, message, net::redirect_error(net::use_awaitable, write_error));
      if (write_error) co_return;
      co_await bhttp::async_read(*plain, buffer, parser, net::redirect_error(net::use_awaitable, read_error));
    }
  });
  nothing_received = !parser.got_some();
  if (write_error) return failure("sending the request", write_error);
  if (read_error) return failure(read_error == beast::error::timeout ? "no answer in time" : "reading the answer",
                                 read_error);
  auto& response = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(response.result_int());
  out.content_type = std::string(view(response[bhttp::field::content_type]));
  for (const auto& field : response)
    out.headers.emplace_back(lower(view(field.name_string())), std::string(view(field.value())));
  out.body = std::move(response.body());
  if (!response.keep_alive()) disconnect();
  return out;
}

Result<HttpResponse> HttpClient::request(std::string_view method, std::string_view path, std::string_view body,
                                         std::string_view content_type,
                                         const std::vector<std::pair<std::string, std::string>>& headers) {
  Impl& impl = *impl_;
  bhttp::request<bhttp::string_body> message;
  message.method_string(beast::string_view(method.data(), method.size()));
  message.target(impl.url.base_path + std::string(path));
  message.version(11);
  const bool default_port = impl.url.port == (impl.url.tls ? 443 : 80);
  const bool v6 = impl.url.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + impl.url.host + "]" : impl.url.host;
  message.set(bhttp::field::host, default_port ? host : host + ":" + std::to_string(impl.url.port));
  message.set(bhttp::field::user_agent, "vinledger");
  message.set(bhttp::field::accept, "application/json");
  if (impl.options.bearer_token) message.set(bhttp::field::authorization, "Bearer " + *impl.options.bearer_token);
  if (!content_type.empty()) message.set(bhttp::field::content_type, std::string(content_type));
  for (const auto& [name, value] : headers) message.set(name, value);
  message.body() = std::string(body);
  message.keep_alive(true);
  message.prepare_payload();
  // A kept connection may have been closed by the server meanwhile; then
  // the request is sent once more on a new one.
  const bool reused = impl.connected();
  impl.reached = reused;
  if (!reused)
    if (auto ok = impl.connect(); !ok) return std::unexpected(ok.error());
  impl.reached = true;
  bool nothing_received = false;
  auto response = impl.exchange(message, nothing_received);
  if (!response && reused && nothing_received) {
    if (auto ok = impl.connect(); !ok) return std::unexpected(ok.error());
    response = impl.exchange(message, nothing_received);
  }
  return response;
}

Error error_from_response(const HttpResponse& response) {
  std::string message = "the server answered " + std::to_string(response.status);
  auto document = nlohmann::json::parse(response.body, nullptr, false);
  if (document.is_object() && document.contains("error") && document["error"].is_object()) {
    const auto& error = document["error"];
    if (error.contains("message") && error["message"].is_string()) message = error["message"].get<std::string>();
    if (error.contains("line") && error["line"].is_number_integer())
      message = "line " + std::to_string(error["line"].get<std::int64_t>()) + ": " + message;
  }
  ErrorKind kind = ErrorKind::storage;
  switch (response.status) {
    case 400:
    case 413:
    case 415:
      kind = ErrorKind::invalid_input;
      break;
    case 401:
    case 403:
      kind = ErrorKind::forbidden;
      break;
    case 404:
      kind = ErrorKind::not_found;
      break;
    case 409:
      kind = ErrorKind::conflict;
      break;
    default:
      break;
  }
  return Error{kind, std::move(message)};
}

}  // namespace vinledger::http
