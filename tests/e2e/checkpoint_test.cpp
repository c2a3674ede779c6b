// `checkpoint` through the binary: signed notes any signed-note verifier
// accepts, recorded in the ledger, and held against the log by `audit`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_ledger.h"
#include "vinledger/checkpoint.h"
#include "vinledger/keys.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kOrigin = "test.vinledger.example";

// The log's verifier key: the operator's, as `party list` shows it.
vinledger::VerifierKey log_key_of(const CliLedger& ledger) {
  auto listed = json::parse(ledger.run({"--json", "party", "list"}).out);
  for (const auto& party : listed["parties"]) {
    if (party["id"] != "operator") continue;
    auto key = vinledger::VerifierKey::parse(party["vkey"].get<std::string>());
    REQUIRE(key);
    return *key;
  }
  FAIL("no operator in party list");
  throw;
}

json audit_json(const CliLedger& ledger, const std::vector<std::string>& extra, int expected_exit) {
  std::vector<std::string> args{"--json", "audit"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto result = ledger.run(args);
  INFO(result.err);
  CHECK(result.exit_code == expected_exit);
  return json::parse(result.out);
}

bool has_finding(const json& report, const std::string& code, std::int64_t seq) {
  for (const auto& finding : report["findings"])
    if (finding["code"] == code && finding["seq"] == seq) return true;
  return false;
}

}  // namespace

TEST_CASE("checkpoint prints a signed note of the audited root, verifiable with the log key", "[checkpoint]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  auto printed = ledger.run({"checkpoint"});
  INFO(printed.err);
  REQUIRE(printed.exit_code == 0);

  auto opened = vinledger::open_checkpoint(printed.out, kOrigin, log_key_of(ledger));
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened);
  const json audit = audit_json(ledger, {}, 0);
  CHECK(opened->checkpoint.size == audit["size"].get<std::uint64_t>());
  CHECK(vinledger::to_hex(opened->checkpoint.root) == audit["root"].get<std::string>());

  // The same tree gives the same checkpoint, recorded once.
  CHECK(ledger.run({"checkpoint"}).out == printed.out);
  auto listed = json::parse(ledger.run({"--json", "checkpoint", "--list"}).out);
  REQUIRE(listed["checkpoints"].size() == 1);
  CHECK(listed["checkpoints"][0]["note"] == printed.out);

  // A longer log gets a new one.
  ledger.append_signed(R"({"type":"register","vin":"JTJHY7AX0N4000321","time":"2023-08-01T00:00:00Z","actor":"operator","country":"BD","owner":"x"})");
  auto later = ledger.run({"--json", "checkpoint"});
  REQUIRE(later.exit_code == 0);
  CHECK(json::parse(later.out)["size"] == opened->checkpoint.size + 1);
  CHECK(json::parse(ledger.run({"--json", "checkpoint", "--list"}).out)["checkpoints"].size() == 2);
}

TEST_CASE("checkpoint refuses a key that is not the operator's, writing nothing", "[checkpoint]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("dealer", "JP", "dealer");
  const std::string before = ledger.content_digest();
  auto result = ledger.run({"checkpoint", "--operator-key", ledger.key_of("dealer").string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("not the operator's key") != std::string::npos);
  CHECK(ledger.content_digest() == before);
}

TEST_CASE("audit --checkpoint: clean, truncated, or another log's", "[checkpoint][audit][once]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const auto kept = dir / "kept.checkpoint";
  write_file(kept, ledger.run({"checkpoint"}).out);
  const std::int64_t size = audit_json(ledger, {}, 0)["size"];

  SECTION("the log that issued it is clean against it") { audit_json(ledger, {"--checkpoint", kept.string()}, 0); }

  SECTION("removing the last entries is TRUNCATED, from the first missing seq") {
    {
      SQLite::Database db(ledger.db(), SQLite::OPEN_READWRITE);
      db.exec("DROP TRIGGER entries_no_delete; DROP TRIGGER checkpoints_no_delete; DROP TRIGGER tiles_no_delete;");
      db.exec("DELETE FROM entries WHERE seq >= " + std::to_string(size - 2));
      db.exec("DELETE FROM checkpoints; DELETE FROM tiles;");
    }
    const json report = audit_json(ledger, {"--checkpoint", kept.string()}, 1);
    CHECK(has_finding(report, "TRUNCATED", size - 2));
  }

  SECTION("a checkpoint of another log is refused as input") {
    TempDir other_dir;
    CliLedger other(other_dir, "other.vinledger.example");
    const auto foreign = dir / "foreign.checkpoint";
    write_file(foreign, other.run({"checkpoint"}).out);
    const std::string before = ledger.content_digest();
    auto result = ledger.run({"audit", "--checkpoint", foreign.string()});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(foreign.string()) != std::string::npos);
    CHECK(ledger.content_digest() == before);
  }
}

TEST_CASE("audit holds the log to the checkpoints it issued", "[checkpoint][audit][once]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  REQUIRE(ledger.run({"checkpoint"}).exit_code == 0);
  const std::int64_t size = audit_json(ledger, {}, 0)["size"];
  SQLite::Database db(ledger.db(), SQLite::OPEN_READWRITE);
  db.exec("DROP TRIGGER checkpoints_no_update;");

  SECTION("a stored root that differs from the signed note") {
    db.exec("UPDATE checkpoints SET root = zeroblob(32)");
    CHECK(audit_json(ledger, {}, 1)["findings"][0]["code"] == "CHECKPOINT_MISMATCH");
  }
  SECTION("a note whose signature no longer verifies") {
    db.exec("UPDATE checkpoints SET note = replace(note, '\n" + std::to_string(size) + "\n', '\n" +
            std::to_string(size - 1) + "\n'), size = size - 1");
    CHECK(audit_json(ledger, {}, 1)["findings"][0]["code"] == "CHECKPOINT_MISMATCH");
  }
  SECTION("a checkpoint beyond the log") {
    db.exec("DROP TRIGGER entries_no_delete; DROP TRIGGER tiles_no_delete;");
    db.exec("DELETE FROM entries WHERE seq = " + std::to_string(size - 1));
    db.exec("DELETE FROM tiles");
    CHECK(has_finding(audit_json(ledger, {}, 1), "TRUNCATED", size - 1));
  }
}
