// The client side: a dealer with nothing but its key and the server's URL
// records, signs on the server's heads, submits, and checks its receipts.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_ledger.h"
#include "served_ledger.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kVin = "JTJHY7AX0N4000321";

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(json::parse(text.substr(start, end - start)));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

struct Operator {
  TempDir dir;
  CliLedger ledger{dir};
  std::unique_ptr<ServedLedger> server;
  std::string log_key;
  Operator() {
    ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
    ledger.add_party("kansai-motors", "JP", "dealer,exporter");
    ledger.append_signed(R"({"type":"manufacture","vin":"JTJHY7AX0N4000321","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})");
    ledger.append_signed(R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-05-10T05:30:00Z","actor":"toyota","from":"toyota","to":"kansai-motors","country":"JP","doc":"INV-1"})");
    server = std::make_unique<ServedLedger>(ledger.db(), dir.path());
    const json parties = json::parse(ledger.run({"--json", "party", "list"}).out);
    for (const auto& party : parties["parties"])
      if (party["registered_seq"] == 0) log_key = party["vkey"];
    REQUIRE_FALSE(log_key.empty());
  }
};

}  // namespace

TEST_CASE("a dealer records from its own office with only its key and the server's URL", "[e2e][server][client]") {
  Operator op;
  // The dealer's office: its key, no ledger, the server in the environment.
  TempDir office;
  std::filesystem::copy_file(op.ledger.key_of("kansai-motors"), office / "kansai.key");
  const std::map<std::string, std::string> env = {{"VINLEDGER_SERVER", op.server->url()}};
  auto recorded = run_program(vinledger_binary(),
                              {"--json", "record", "export", "--vin", kVin, "--as", "kansai-motors", "--key",
                               (office / "kansai.key").string(), "--country", "JP", "--port", "JPUKB", "--destination",
                               "SG", "--consignee", R"({"name":"Lion City Auto Trading Pte Ltd","country":"SG"})",
                               "--doc", "EXP-1", "--value", "10000000 JPY", "--time", "2023-06-01T01:15:00Z"},
                              "", office.path(), env);
  INFO(recorded.err);
  REQUIRE(recorded.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(office / "vinledger.db"));
  const json answer = json::parse(recorded.out);
  // What the operator's ledger now holds is what the dealer was told.
  auto history = json::parse(op.ledger.run({"--json", "history", kVin}).out)["entries"];
  REQUIRE(history.size() == 3);
  CHECK(history.back()["hash"] == answer["hash"]);
  CHECK(history.back()["entry"] == answer["entry"]);
  CHECK(history.back()["entry"]["statement"]["prev"] == history[1]["hash"]);
  CHECK(history.back()["entry"]["statement"]["log"] == "test.vinledger.example");
  // And the receipt proves it, offline.
  write_file(office / "receipt.jsonl", answer.dump() + "\n");
  {
    auto checked = run_vinledger({"verify-receipt", (office / "receipt.jsonl").string(), "--log-key", op.log_key});
    INFO(checked.err);
    CHECK(checked.exit_code == 0);
  }
}

TEST_CASE("sign --link --server, then submit, submit again answers the same receipts", "[e2e][server][client]") {
  Operator op;
  TempDir office;
  const std::string key = op.ledger.key_of("kansai-motors").string();
  write_file(office / "unsigned.jsonl",
             R"({"type":"export","vin":"JTJHY7AX0N4000321","time":"2023-06-01T01:15:00Z","actor":"kansai-motors","country":"JP","port":"JPUKB","destination":"SG","consignee":{"name":"Lion City Auto Trading Pte Ltd","country":"SG"},"doc":"EXP-1","value":{"amount":10000000,"currency":"JPY"}})"
             "\n\n"
             R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-06-02T01:15:00Z","actor":"kansai-motors","from":"kansai-motors","to":"kansai-motors","country":"JP","doc":"T-2"})"
             "\n");
  auto signed_lines = run_program(vinledger_binary(),
                                  {"sign", "--key", key, "--link", "--server", op.server->url(),
                                   (office / "unsigned.jsonl").string()},
                                  "", office.path());
  INFO(signed_lines.err);
  REQUIRE(signed_lines.exit_code == 0);
  auto signed_statements = json_lines(signed_lines.out);
  REQUIRE(signed_statements.size() == 2);
  auto history = json::parse(op.ledger.run({"--json", "history", kVin}).out)["entries"];
  CHECK(signed_statements[0]["prev"] == history.back()["hash"]);
  CHECK_FALSE(signed_statements[1].contains("prev"));
  // Bound to the server's log (its origin, the name of the operator's key):
  // the same bytes cannot be replayed into another ledger.
  for (const auto& statement : signed_statements) CHECK(statement["log"] == "test.vinledger.example");
  write_file(office / "signed.jsonl", signed_lines.out);

  auto submitted = run_program(vinledger_binary(), {"submit", "--server", op.server->url(), "--batch", "1",
                                                    (office / "signed.jsonl").string()},
                               "", office.path());
  INFO(submitted.err);
  REQUIRE(submitted.exit_code == 0);
  auto receipts = json_lines(submitted.out);
  REQUIRE(receipts.size() == 2);
  CHECK(receipts[0]["line"] == 1);
  CHECK(receipts[1]["line"] == 2);
  CHECK(submitted.err.find("2 recorded now, 0 recorded before") != std::string::npos);
  write_file(office / "receipts.jsonl", submitted.out);
  {
    auto checked = run_vinledger({"verify-receipt", (office / "receipts.jsonl").string(), "--log-key", op.log_key});
    INFO(checked.err);
    CHECK(checked.exit_code == 0);
  }

  // After a timeout, running it again is safe: nothing is recorded twice.
  const std::string digest = op.ledger.content_digest();
  auto again = run_program(vinledger_binary(), {"submit", "--server", op.server->url(), (office / "signed.jsonl").string()},
                           "", office.path());
  REQUIRE(again.exit_code == 0);
  CHECK(again.out == submitted.out);
  CHECK(again.err.find("0 recorded now, 2 recorded before") != std::string::npos);
  CHECK(op.ledger.content_digest() == digest);
}

TEST_CASE("submit names the file's line a server refuses", "[e2e][server][client]") {
  Operator op;
  TempDir office;
  std::string lines = op.ledger.sign(
      R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-06-02T01:15:00Z","actor":"kansai-motors","from":"kansai-motors","to":"kansai-motors","country":"JP","doc":"T-2"})");
  lines += "\n# not JSON\n";
  write_file(office / "signed.jsonl", lines);
  const std::string digest = op.ledger.content_digest();
  auto submitted = run_vinledger({"submit", "--server", op.server->url(), (office / "signed.jsonl").string()});
  CHECK(submitted.exit_code == 2);
  CHECK(submitted.err.find("signed.jsonl:3: ") != std::string::npos);
  CHECK(op.ledger.content_digest() == digest);
  // No server at all: a clear error, exit 3.
  auto nowhere = run_vinledger({"submit", "--server", "http://127.0.0.1:1", (office / "signed.jsonl").string()});
  CHECK(nowhere.exit_code == 3);
  CHECK(nowhere.err.find("http://127.0.0.1:1") != std::string::npos);
  auto no_server = run_program(vinledger_binary(), {"submit", (office / "signed.jsonl").string()}, "", office.path(),
                               {{"VINLEDGER_SERVER", ""}});
  CHECK(no_server.exit_code == 2);
}
