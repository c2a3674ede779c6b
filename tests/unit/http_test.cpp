// The HTTP plumbing's small parts: URLs, percent-decoding, read tokens,
// the metrics page, status mapping.
#include <catch2/catch.hpp>

#include "api/api.h"
#include "api/read_tokens.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "http/url.h"

using namespace vinledger;
using namespace vinledger::http;

TEST_CASE("server URLs are read strictly", "[http][url]") {
  auto plain = parse_url("http://ledger.example:8080/base/");
  REQUIRE(plain);
  CHECK_FALSE(plain->tls);
  CHECK(plain->host == "ledger.example");
  CHECK(plain->port == 8080);
  CHECK(plain->base_path == "/base");
  CHECK(plain->text() == "http://ledger.example:8080/base");
  auto secure = parse_url("https://[::1]");
  REQUIRE(secure);
  CHECK(secure->tls);
  CHECK(secure->host == "::1");
  CHECK(secure->port == 443);
  for (const char* bad : {"ftp://x", "http://", "http://x:0", "http://x:65536", "http://x:12a", "http://u@x",
                          "http://x/?q=1", "http://[::1", "ledger.example"}) {
    INFO(bad);
    CHECK_FALSE(parse_url(bad));
  }
}

TEST_CASE("percent-decoding refuses what it cannot decode", "[http][url]") {
  CHECK(percent_decode("a%20b", false) == "a b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("%2Fx%2f", false) == "/x/");
  for (const char* bad : {"%", "%2", "%zz", "%00"}) CHECK_FALSE(percent_decode(bad, false));
  CHECK(percent_encode("party/a b") == "party%2Fa%20b");
  CHECK(percent_decode(percent_encode("é/ ?&=+"), false) == "é/ ?&=+");
}

TEST_CASE("ADDRESS:PORT is split, IPv6 in brackets", "[http]") {
  auto v4 = split_host_port("127.0.0.1:0");
  REQUIRE(v4);
  CHECK(v4->first == "127.0.0.1");
  CHECK(v4->second == 0);
  auto v6 = split_host_port("[::1]:8443");
  REQUIRE(v6);
  CHECK(v6->first == "::1");
  CHECK(v6->second == 8443);
  for (const char* bad : {"127.0.0.1", ":80", "host:99999", "host:x"}) CHECK_FALSE(split_host_port(bad));
}

TEST_CASE("read tokens: names, constant-time lookup, and what the file may hold", "[http][tokens]") {
  auto tokens = api::ReadTokens::parse("# readers\nregulator 0123456789abcdef0123\n\nauditor AAAAAAAAAAAAAAAAAAAA\n", "t");
  REQUIRE(tokens);
  CHECK(tokens->size() == 2);
  CHECK(tokens->holder("Bearer 0123456789abcdef0123") == "regulator");
  CHECK(tokens->holder("Bearer AAAAAAAAAAAAAAAAAAAA") == "auditor");
  CHECK_FALSE(tokens->holder("Bearer 0123456789abcdef012"));
  CHECK_FALSE(tokens->holder("Basic 0123456789abcdef0123"));
  CHECK_FALSE(tokens->holder(""));
  for (const char* bad : {"onlyname\n", "name short\n", "na me 0123456789abcdef0123\n", "a 0123456789abcdef0123\nb 0123456789abcdef0123\n",
                          "name 0123456789abcdef01\x01\n"}) {
    INFO(bad);
    CHECK_FALSE(api::ReadTokens::parse(bad, "t"));
  }
}

TEST_CASE("the metrics page is the Prometheus text format", "[http][metrics]") {
  Metrics metrics;
  metrics.counter("requests_total", "Requests", {{"route", "/a\"b"}, {"status", "200"}}).add(3);
  auto& histogram = metrics.histogram("latency_seconds", "Latency", {0.1, 1});
  histogram.observe(0.05);
  histogram.observe(0.5);
  histogram.observe(5);
  metrics.gauge("entries", "Entries", [] { return 42.0; });
  const std::string page = metrics.render();
  CHECK(page.find("# TYPE requests_total counter\nrequests_total{route=\"/a\\\"b\",status=\"200\"} 3\n") != std::string::npos);
  CHECK(page.find("latency_seconds_bucket{le=\"0.1\"} 1\n") != std::string::npos);
  CHECK(page.find("latency_seconds_bucket{le=\"1\"} 2\n") != std::string::npos);
  CHECK(page.find("latency_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(page.find("latency_seconds_count 3\n") != std::string::npos);
  CHECK(page.find("# TYPE entries gauge\nentries 42\n") != std::string::npos);
}

TEST_CASE("library errors map to HTTP statuses and codes", "[http]") {
  CHECK(api::status_for(ErrorKind::invalid_input) == 400);
  CHECK(api::status_for(ErrorKind::forbidden) == 403);
  CHECK(api::status_for(ErrorKind::not_found) == 404);
  CHECK(api::status_for(ErrorKind::conflict) == 409);
  CHECK(api::status_for(ErrorKind::storage) == 500);
  CHECK(api::code_for(ErrorKind::forbidden) == "forbidden");
  // And back, on the client's side.
  HttpResponse refused{409, "application/json", R"({"error":{"code":"conflict","message":"prev conflict","line":3}})", {}};
  const Error error = error_from_response(refused);
  CHECK(error.kind == ErrorKind::conflict);
  CHECK(error.message == "line 3: prev conflict");
  CHECK(error_from_response(HttpResponse{503, "", "busy", {}}).kind == ErrorKind::storage);
}
