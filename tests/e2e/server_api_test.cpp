// The HTTP API against a real `vinledger serve` on 127.0.0.1: every route,
// every refusal with the ledger left byte for byte as it was, retries that
// write nothing, receipts checked offline, and the same bytes as the CLI's
// --json for the same question.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_ledger.h"
#include "served_ledger.h"
#include "vinledger/json.h"
#include "vinledger/keys.h"
#include "vinledger/receipt.h"

using namespace vinledger::testing;
using vinledger::http::HttpClient;
using vinledger::http::HttpResponse;
using nlohmann::json;

namespace {

constexpr const char* kVin = "JTJHY7AX0N4000321";
constexpr const char* kNewVin = "JTJHY7AX2N4000322";

HttpResponse request(HttpClient& client, const std::string& method, const std::string& path,
                     const std::string& body = "", const std::string& type = "") {
  auto response = client.request(method, path, body, type);
  INFO(method << " " << path);
  REQUIRE(response);
  return *response;
}

json body_of(const HttpResponse& response) {
  INFO(response.body);
  auto document = json::parse(response.body, nullptr, false);
  REQUIRE_FALSE(document.is_discarded());
  return document;
}

std::string error_code(const HttpResponse& response) { return body_of(response)["error"]["code"].get<std::string>(); }

std::string manufacture(const std::string& vin) {
  return std::string(R"({"type":"manufacture","vin":")") + vin +
         R"(","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})";
}

// A ledger with the real case loaded, served.
struct Served {
  TempDir dir;
  CliLedger ledger{dir};
  std::unique_ptr<ServedLedger> server;

  explicit Served(const std::vector<std::string>& extra = {}) {
    ledger.load_scenario("real-case");
    server = std::make_unique<ServedLedger>(ledger.db(), dir.path(), extra);
  }
  std::string log_key() const {
    auto init = json::parse(ledger.run({"--json", "party", "list"}).out);
    for (const auto& party : init["parties"])
      if (party["registered_seq"] == 0) return party["vkey"];
    FAIL("no operator");
    return "";
  }
};

}  // namespace

TEST_CASE("the read API answers with the CLI's --json, byte for byte", "[e2e][server][once]") {
  Served served;
  auto client = served.server->client();
  const CliLedger& ledger = served.ledger;

  SECTION("history") {
    auto response = request(client, "GET", std::string("/v1/vehicles/") + kVin);
    CHECK(response.status == 200);
    CHECK(response.content_type == "application/json");
    CHECK(response.body == ledger.run({"--json", "history", kVin}).out);
    // A VIN the ledger has not seen: no entries, as the CLI says.
    auto unknown = request(client, "GET", std::string("/v1/vehicles/") + kNewVin);
    CHECK(unknown.status == 200);
    CHECK(unknown.body == ledger.run({"--json", "history", kNewVin}).out);
  }
  SECTION("verification, with the verdict") {
    auto response = request(client, "GET", std::string("/v1/vehicles/") + kVin + "/verification?as_of=2024-01-01");
    CHECK(response.status == 200);
    auto cli = ledger.run({"--json", "verify", kVin, "--as-of", "2024-01-01"});
    CHECK(response.body == cli.out);
    const json document = body_of(response);
    CHECK(document["verdict"]["clean"] == false);
    CHECK(document["verdict"]["worst"] == "high");  // ROUTE_DEVIATION (fixtures/scenarios/real-case)
    CHECK(document["verdict"]["words"].get<std::string>().rfind("HOLD", 0) == 0);
  }
  SECTION("parties") {
    auto response = request(client, "GET", "/v1/parties");
    CHECK(response.status == 200);
    CHECK(response.body == ledger.run({"--json", "party", "list"}).out);
  }
  SECTION("checkpoint and bundle") {
    auto cli = ledger.run({"--json", "checkpoint"});
    REQUIRE(cli.exit_code == 0);
    auto response = request(client, "GET", "/v1/checkpoint");
    CHECK(response.status == 200);
    CHECK(response.body == cli.out);
    auto bundle = request(client, "GET", std::string("/v1/vehicles/") + kVin + "/bundle");
    CHECK(bundle.status == 200);
    CHECK(bundle.body == ledger.run({"prove", kVin}).out);
  }
  SECTION("screen, streamed") {
    auto response = request(client, "GET", "/v1/screen?as_of=2024-01-01&min=high");
    CHECK(response.status == 200);
    auto cli = ledger.run({"--json", "screen", "--as-of", "2024-01-01", "--min", "high"});
    CHECK(response.body == cli.out);
    const json document = body_of(response);
    CHECK(document["summary"]["min"] == "high");
    for (const auto& finding : document["findings"])
      CHECK((finding["severity"] == "high" || finding["severity"] == "critical"));
  }
  SECTION("heads") {
    auto head = body_of(request(client, "GET", std::string("/v1/vehicles/") + kVin + "/head"));
    auto history = json::parse(ledger.run({"--json", "history", kVin}).out)["entries"];
    CHECK(head["head"] == history.back()["hash"]);
    CHECK(head["seq"] == history.back()["entry"]["seq"]);
    auto none = body_of(request(client, "GET", std::string("/v1/vehicles/") + kNewVin + "/head"));
    CHECK(none["head"].is_null());
    auto party = body_of(request(client, "GET", "/v1/parties/toyota/head"));
    CHECK(party["chain"] == "party/toyota");
    CHECK(party["head"].is_string());
  }
  SECTION("health and metrics") {
    auto health = request(client, "GET", "/healthz");
    CHECK(health.status == 200);
    CHECK(body_of(health)["status"] == "ok");
    auto metrics = request(client, "GET", "/metrics");
    CHECK(metrics.status == 200);
    CHECK(metrics.content_type.rfind("text/plain", 0) == 0);
    for (const char* name : {"vinledger_entries ", "vinledger_tree_size ", "vinledger_checkpoint_age_seconds ",
                             "vinledger_append_seconds_bucket", "vinledger_http_requests_total{route=\"/healthz\",status=\"200\"} 1"})
      CHECK(metrics.body.find(name) != std::string::npos);
  }
}

TEST_CASE("a statement posted gets a receipt that verifies offline, the same bytes again write nothing",
          "[e2e][server]") {
  Served served;
  auto client = served.server->client();
  const std::string statement = served.ledger.sign(manufacture(kNewVin));
  const std::string single = statement.substr(0, statement.find('\n'));

  auto first = request(client, "POST", "/v1/statements", single, "application/json");
  REQUIRE(first.status == 201);
  const json answer = body_of(first);
  CHECK(answer["recorded"] == true);
  REQUIRE(answer["statements"].size() == 1);
  const json& receipt = answer["statements"][0];
  CHECK(receipt["line"] == 1);
  auto verified = vinledger::verify_receipt_line(receipt.dump(), *vinledger::VerifierKey::parse(served.log_key()));
  INFO(receipt.dump());
  REQUIRE(verified);
  CHECK(verified->seq == receipt["seq"]);

  // The CLI checks it the same way, with nothing but the log's key.
  TempDir elsewhere;
  write_file(elsewhere / "receipts.jsonl", receipt.dump() + "\n");
  auto checked = run_vinledger({"verify-receipt", (elsewhere / "receipts.jsonl").string(), "--log-key", served.log_key()});
  INFO(checked.err);
  CHECK(checked.exit_code == 0);

  const std::string digest = served.ledger.content_digest();
  auto again = request(client, "POST", "/v1/statements", single, "application/json");
  CHECK(again.status == 200);
  json repeated = body_of(again);
  CHECK(repeated["recorded"] == false);
  CHECK(repeated["statements"] == answer["statements"]);
  CHECK(served.ledger.content_digest() == digest);

  // A receipt changed in any way is refused.
  json forged = receipt;
  forged["entry"]["recorded"] = "2020-01-01T00:00:00Z";
  write_file(elsewhere / "forged.jsonl", forged.dump() + "\n");
  CHECK(run_vinledger({"verify-receipt", (elsewhere / "forged.jsonl").string(), "--log-key", served.log_key()}).exit_code == 1);
}

TEST_CASE("a batch is recorded whole, or not at all", "[e2e][server]") {
  Served served;
  auto client = served.server->client();
  const char* vins[] = {"JTJHY7AX2N4000322", "JTJHY7AX4N4000323", "JTJHY7AX6N4000324"};
  std::string batch;
  for (const char* vin : vins) batch += served.ledger.sign(manufacture(vin), false);

  SECTION("whole") {
    auto posted = request(client, "POST", "/v1/statements", batch, "application/x-ndjson");
    REQUIRE(posted.status == 201);
    auto statements = body_of(posted)["statements"];
    REQUIRE(statements.size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(statements[i]["line"] == i + 1);
    CHECK(statements[1]["seq"] == statements[0]["seq"].get<int>() + 1);
  }
  SECTION("not at all: a refused third line leaves the first two out") {
    const std::string digest = served.ledger.content_digest();
    std::string bad = batch.substr(0, batch.rfind('\n', batch.size() - 2) + 1);
    bad += R"({"type":"manufacture","vin":"JTJHY7AX6N4000324"})" "\n";
    auto posted = request(client, "POST", "/v1/statements", bad, "application/x-ndjson");
    CHECK(posted.status == 400);
    const json error = body_of(posted)["error"];
    CHECK(error["code"] == "malformed");
    CHECK(error["line"] == 3);
    CHECK(served.ledger.content_digest() == digest);
  }
}

TEST_CASE("every refusal has its status and JSON error, and leaves the ledger as it was", "[e2e][server]") {
  TempDir tokens_dir;
  write_file(tokens_dir / "tokens", "# who may read\nregulator-geneva 0123456789abcdef0123\n");
  std::filesystem::permissions(tokens_dir / "tokens", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  Served served({"--max-body", "20000", "--read-tokens", (tokens_dir / "tokens").string()});
  served.ledger.add_party("dealer", "JP", "dealer");
  auto client = served.server->client();
  const std::string digest = served.ledger.content_digest();
  const std::string good = served.ledger.sign(manufacture(kNewVin));
  const std::string good_line = good.substr(0, good.find('\n'));

  struct Case {
    const char* what;
    std::string method, path, body, type;
    int status;
    std::string code;
  };
  json tampered = json::parse(good_line);
  tampered["model"] = "LX 700";  // the signature no longer covers it
  json unknown_actor = json::parse(good_line);
  unknown_actor["actor"] = "nobody";
  json stale = json::parse(served.ledger.sign(
      R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-12-01T00:00:00Z","actor":"toyota","from":"toyota","to":"toyota","country":"JP","doc":"T-1"})"));
  stale.erase("sig");
  stale["prev"] = std::string(64, '0');
  auto restale = vinledger::sign_statement(stale, *vinledger::SigningKey::load(served.ledger.key_of("toyota")));
  REQUIRE(restale);
  const std::vector<Case> cases = {
      {"broken JSON", "POST", "/v1/statements", "{\"type\":", "application/json", 400, "malformed"},
      {"a bad signature", "POST", "/v1/statements", tampered.dump(), "application/json", 403, "forbidden"},
      {"an unknown actor", "POST", "/v1/statements", unknown_actor.dump(), "application/json", 403, "forbidden"},
      {"a stale prev", "POST", "/v1/statements", restale->canonical, "application/json", 409, "conflict"},
      {"a body over --max-body", "POST", "/v1/statements", std::string(30000, ' '), "application/json", 413, "too_large"},
      {"the wrong content type", "POST", "/v1/statements", good_line, "text/plain", 415, "unsupported_media_type"},
      {"no content type", "POST", "/v1/statements", good_line, "", 415, "unsupported_media_type"},
      {"an unknown route", "GET", "/v1/nothing", "", "", 404, "not_found"},
      {"a method the route does not have", "DELETE", "/v1/statements", "", "", 405, "method_not_allowed"},
      {"an invalid VIN", "GET", "/v1/vehicles/NOTAVIN", "", "", 401, "unauthorized"},
      {"a read without a token", "GET", std::string("/v1/vehicles/") + kVin, "", "", 401, "unauthorized"},
      {"a body on a GET", "GET", "/v1/parties", "x", "text/plain", 413, "too_large"},
  };
  for (const auto& item : cases) {
    INFO(item.what);
    auto response = request(client, item.method, item.path, item.body, item.type);
    CHECK(response.status == item.status);
    CHECK(error_code(response) == item.code);
    CHECK(served.ledger.content_digest() == digest);
  }

  // A revoked party's statements are refused. Signed before the revocation:
  // `sign` itself refuses a revoked party's key, the server must too.
  auto by_revoked = served.ledger.sign(
      R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-12-01T00:00:00Z","actor":"dealer","from":"dealer","to":"dealer","country":"JP","doc":"R-1"})");
  REQUIRE(served.ledger.run({"party", "revoke", "dealer"}).exit_code == 0);
  const std::string revoked_digest = served.ledger.content_digest();
  auto refused = request(client, "POST", "/v1/statements", by_revoked, "application/x-ndjson");
  INFO(refused.body);
  INFO(served.server->stderr_text());
  CHECK(refused.status == 403);
  CHECK(body_of(refused)["error"]["message"].get<std::string>().find("revoked") != std::string::npos);
  CHECK(served.ledger.content_digest() == revoked_digest);

  // With the token, reads work, and bad parameters are refused.
  vinledger::http::ClientOptions with_token;
  with_token.bearer_token = "0123456789abcdef0123";
  auto reader = served.server->client(with_token);
  CHECK(request(reader, "GET", std::string("/v1/vehicles/") + kVin).status == 200);
  CHECK(request(reader, "GET", "/v1/vehicles/NOTAVIN").status == 400);
  CHECK(request(reader, "GET", std::string("/v1/vehicles/") + kVin + "/verification?asof=2024-01-01").status == 400);
  CHECK(request(reader, "GET", std::string("/v1/vehicles/") + kVin + "/verification?as_of=yesterday").status == 400);
  // A VIN with no entries is a finding (NO_RECORD), as `verify` says, not a 404.
  auto unseen = request(reader, "GET", std::string("/v1/vehicles/") + kNewVin + "/verification");
  CHECK(unseen.status == 200);
  CHECK(body_of(unseen)["findings"][0]["code"] == "NO_RECORD");
  CHECK(request(reader, "GET", "/v1/screen?min=severe").status == 400);
  vinledger::http::ClientOptions wrong_token;
  wrong_token.bearer_token = "not-the-token-at-all";
  auto stranger = served.server->client(wrong_token);
  CHECK(request(stranger, "GET", "/v1/parties").status == 401);
  // The writes need no token: statements are signed.
  auto written = request(client, "POST", "/v1/statements", good_line, "application/json");
  CHECK(written.status == 201);
  // The access log names who read.
  CHECK(served.server->stderr_text().find("\"actor\":\"regulator-geneva\"") != std::string::npos);
  CHECK(served.server->stderr_text().find("\"actor\":\"toyota\"") != std::string::npos);
}

TEST_CASE("a read-only server takes no statements and serves what is recorded", "[e2e][server]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  REQUIRE(ledger.run({"prove", kVin}).exit_code == 0);  // leaves a checkpoint
  ServedLedger server(ledger.db(), dir.path(), {"--read-only"});
  auto client = server.client();
  const std::string digest = ledger.content_digest();
  auto refused = request(client, "POST", "/v1/statements", ledger.sign(manufacture(kNewVin)), "application/x-ndjson");
  CHECK(refused.status == 405);
  CHECK(request(client, "GET", "/v1/checkpoint").status == 200);
  CHECK(request(client, "GET", std::string("/v1/vehicles/") + kVin + "/bundle").status == 200);
  CHECK(ledger.content_digest() == digest);
}
