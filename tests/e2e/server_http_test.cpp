// The server's HTTP edge: what no well-behaved client sends (broken
// chunking, huge headers, a body that never ends, a client that goes away),
// keep-alive, overload, a graceful stop, and TLS with a private CA.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <thread>

#include "cli_ledger.h"
#include "raw_http.h"
#include "served_ledger.h"

using namespace vinledger::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string manufacture(const std::string& vin) {
  return std::string(R"({"type":"manufacture","vin":")") + vin +
         R"(","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})";
}

// A valid VIN for vehicle n (WMI JTJ, whose check digit is advisory).
std::string vin_for(int n) {
  std::string serial = std::to_string(100000 + n);
  return "JTJHY7AX0N4" + serial.substr(serial.size() - 6);
}

struct Served {
  TempDir dir;
  CliLedger ledger{dir};
  std::unique_ptr<ServedLedger> server;
  explicit Served(const std::vector<std::string>& extra = {}) {
    ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
    server = std::make_unique<ServedLedger>(ledger.db(), dir.path(), extra);
  }
};

std::string post_head(std::size_t length, const std::string& type = "application/json") {
  return "POST /v1/statements HTTP/1.1\r\nHost: test\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

}  // namespace

TEST_CASE("malformed HTTP is answered 4xx and closed, and the server goes on", "[e2e][server][http]") {
  Served served({"--header-timeout", "1", "--body-timeout", "1"});
  const std::string digest = served.ledger.content_digest();
  const std::uint16_t port = served.server->port();

  SECTION("bad chunking") {
    RawConnection connection(port);
    connection.send("POST /v1/statements HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson\r\n"
                    "Transfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n");
    const std::string answer = connection.read_until_closed(5s);
    CHECK(status_of(answer) == 400);
    CHECK(answer.find("\"malformed\"") != std::string::npos);
  }
  SECTION("headers over the limit") {
    RawConnection connection(port);
    connection.send("GET /v1/parties HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(40000, 'a') + "\r\n\r\n");
    const std::string answer = connection.read_until_closed(5s);
    CHECK(status_of(answer) == 431);
  }
  SECTION("not HTTP at all") {
    RawConnection connection(port);
    connection.send("HELLO THERE\r\n\r\n");
    CHECK(status_of(connection.read_until_closed(5s)) == 400);
  }
  SECTION("a client that sends its headers too slowly is cut off") {
    RawConnection connection(port);
    const auto start = std::chrono::steady_clock::now();
    const std::string request = "GET /v1/parties HTTP/1.1\r\nHost: test\r\n\r\n";
    std::string answer;
    for (char c : request) {
      if (!connection.send(std::string(1, c))) break;
      answer = connection.read_until("", 300ms);
      if (!answer.empty()) break;
    }
    if (answer.empty()) answer = connection.read_until_closed(3s);
    CHECK(status_of(answer) == 408);
    CHECK(std::chrono::steady_clock::now() - start < 6s);
  }
  SECTION("a body that never ends") {
    RawConnection connection(port);
    connection.send(post_head(1000) + "{\"type\":");
    const std::string answer = connection.read_until_closed(5s);
    CHECK(status_of(answer) == 408);
  }
  SECTION("a client that goes away mid-body") {
    for (int i = 0; i < 20; ++i) {
      RawConnection connection(port);
      connection.send(post_head(5000) + std::string(100, ' '));
    }
  }
  // Whatever happened, nothing was written and the server still answers.
  auto client = served.server->client();
  auto health = client.request("GET", "/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(served.ledger.content_digest() == digest);
}

TEST_CASE("keep-alive: many requests over one connection, an idle one is closed", "[e2e][server][http]") {
  Served served({"--idle-timeout", "1"});
  RawConnection connection(served.server->port());
  for (int i = 0; i < 5; ++i) {
    REQUIRE(connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"));
    const std::string answer = connection.read_until("{\"status\":\"ok\"}\n", 5s);
    CHECK(status_of(answer) == 200);
  }
  CHECK(connection.closed_within(5s));
  // A request expecting 100-continue is told to go on, then answered.
  RawConnection expecting(served.server->port());
  const std::string statement = served.ledger.sign(manufacture(vin_for(1)));
  expecting.send("POST /v1/statements HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson\r\n"
                 "Expect: 100-continue\r\nContent-Length: " + std::to_string(statement.size()) + "\r\n\r\n");
  CHECK(status_of(expecting.read_until("\r\n\r\n", 5s)) == 100);
  expecting.send(statement);
  CHECK(status_of(expecting.read_until("}]}\n", 5s)) == 201);
}

TEST_CASE("overload is answered 429 and writes nothing of the refused request", "[e2e][server][http]") {
  Served served({"--max-pending", "3"});
  std::string unsigned_lines;
  for (int n = 0; n < 3; ++n) unsigned_lines += manufacture(vin_for(n)) + "\n";
  auto batch = served.ledger.run({"sign", "--key", served.ledger.key_of("toyota").string(), "-"}, unsigned_lines);
  REQUIRE(batch.exit_code == 0);
  const std::string single = served.ledger.sign(manufacture(vin_for(5000)));

  // While another writer holds the ledger, the batch waits in the
  // committer, and the queue is full.
  SQLite::Database holder(served.ledger.db(), SQLite::OPEN_READWRITE, 60000);
  holder.exec("BEGIN IMMEDIATE");
  std::thread big([&] {
    auto client = served.server->client();
    auto posted = client.request("POST", "/v1/statements", batch.out, "application/x-ndjson");
    REQUIRE(posted);
    CHECK(posted->status == 201);
  });
  auto client = served.server->client();
  for (int i = 0; i < 500; ++i) {
    auto metrics = client.request("GET", "/metrics");
    REQUIRE(metrics);
    if (metrics->body.find("vinledger_pending_statements 3") != std::string::npos) break;
    std::this_thread::sleep_for(10ms);
  }
  const std::string digest_before = served.ledger.content_digest();
  auto posted = client.request("POST", "/v1/statements", single, "application/x-ndjson");
  REQUIRE(posted);
  CHECK(posted->status == 429);
  CHECK(posted->body.find("\"overloaded\"") != std::string::npos);
  bool retry_after = false;
  for (const auto& [name, value] : posted->headers) retry_after = retry_after || name == "retry-after";
  CHECK(retry_after);
  holder.exec("ROLLBACK");
  big.join();
  CHECK(served.ledger.content_digest() != digest_before);  // the batch, and only it
  auto history = json::parse(served.ledger.run({"--json", "history", vin_for(5000)}).out);
  CHECK(history["entries"].empty());
  CHECK(served.ledger.run({"audit"}).exit_code == 0);
}

TEST_CASE("SIGTERM: requests in flight are answered, new ones are not taken, the server exits 0",
          "[e2e][server][http]") {
  Served served;
  // A request whose headers are half sent when the stop begins is answered 503.
  RawConnection late(served.server->port());
  late.send("GET /v1/parties HTTP/1.1\r\nHost: test\r\n");
  std::this_thread::sleep_for(200ms);
  served.server->stop_async(SIGTERM);
  std::this_thread::sleep_for(300ms);
  late.send("\r\n");
  const std::string answer = late.read_until_closed(5s);
  CHECK(status_of(answer) == 503);
  CHECK(served.server->wait() == 0);
  const std::string log = served.server->stderr_text();
  CHECK(log.find("\"event\":\"draining\"") != std::string::npos);
  CHECK(log.find("\"event\":\"stopped\"") != std::string::npos);
}

TEST_CASE("TLS: a private CA given with --ca is trusted, nothing else is", "[e2e][server][http][tls]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
  // A throwaway CA and a certificate for 127.0.0.1 (and no host name).
  const auto ca_key = dir / "ca.key", ca = dir / "ca.pem", key = dir / "server.key", csr = dir / "server.csr",
             cert = dir / "server.pem", ext = dir / "san.ext";
  auto openssl = [&](std::vector<std::string> args) {
    auto ran = run_program("openssl", args);
    INFO(ran.err);
    REQUIRE(ran.exit_code == 0);
  };
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
           "/CN=vinledger test CA", "-keyout", ca_key.string(), "-out", ca.string()});
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
           "-keyout", key.string(), "-out", csr.string()});
  write_file(ext, "subjectAltName=IP:127.0.0.1\n");
  openssl({"x509", "-req", "-in", csr.string(), "-CA", ca.string(), "-CAkey", ca_key.string(), "-CAcreateserial",
           "-days", "2", "-extfile", ext.string(), "-out", cert.string()});

  ServedLedger server(ledger.db(), dir.path(), {"--tls-cert", cert.string(), "--tls-key", key.string()});
  REQUIRE(server.url().rfind("https://127.0.0.1:", 0) == 0);
  vinledger::http::ClientOptions trusting;
  trusting.ca_file = ca;
  auto client = server.client(trusting);
  auto health = client.request("GET", "/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);

  // Without the CA, the system's trust store does not know it.
  auto untrusted = server.client();
  auto refused = untrusted.request("GET", "/healthz");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("TLS handshake failed") != std::string::npos);

  // The right CA but the wrong name: the certificate is for 127.0.0.1 only.
  auto by_name = vinledger::http::parse_url("https://localhost:" + std::to_string(server.port()));
  REQUIRE(by_name);
  vinledger::http::HttpClient named(*by_name, trusting);
  CHECK_FALSE(named.request("GET", "/healthz"));

  // submit over TLS with --ca.
  const std::string statement = ledger.sign(manufacture(vin_for(1)));
  write_file(dir / "signed.jsonl", statement);
  auto submitted = run_vinledger({"submit", "--server", server.url(), "--ca", ca.string(), (dir / "signed.jsonl").string()});
  INFO(submitted.err);
  CHECK(submitted.exit_code == 0);
  auto unverified = run_vinledger({"submit", "--server", server.url(), (dir / "signed.jsonl").string()});
  CHECK(unverified.exit_code == 3);
}
