// docs/format.md "Appending": append refuses only what is malformed or not authentic,
// with one line naming the file, the line and the reason, exit code 2, and
// the ledger left exactly as it was, even when earlier lines were valid.
#include <catch2/catch.hpp>

#include <string>

#include "cli_ledger.h"

using namespace vinledger::testing;

namespace {

const std::string kZeroSig = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

std::string manufacture(const std::string& vin, const std::string& time = "2023-04-03T02:00:00Z") {
  return R"({"type":"manufacture","vin":")" + vin + R"(","time":")" + time +
         R"(","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})";
}

struct Fixture {
  TempDir dir;
  CliLedger ledger{dir};
  Fixture() {
    ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
    ledger.add_party("kansai-motors", "JP", "dealer,exporter");
  }

  // Two valid signed lines, so that a refusal on line 3 proves all-or-nothing.
  std::string valid_prefix() const {
    return ledger.sign(manufacture("JTJHY7AX0N4000321"), false) + ledger.sign(manufacture("JTJHY7AX2N4000322"), false);
  }

  // Appends `content` from a file and checks the refusal contract.
  void expect_refused(const std::string& content, int line, const std::string& reason) const {
    const auto file = dir / "batch.jsonl";
    write_file(file, content);
    const std::string before = ledger.content_digest();
    auto result = ledger.run({"append", file.string()});
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find(file.string() + ":" + std::to_string(line) + ": ") != std::string::npos);
    CHECK(result.err.find(reason) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);  // one line
    CHECK(ledger.content_digest() == before);
  }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "append refuses broken JSON, naming the line", "[e2e][append]") {
  expect_refused(valid_prefix() + R"({"type":"manufacture","vin":)" "\n", 3, "invalid JSON");
}

TEST_CASE_METHOD(Fixture, "append refuses a truncated file", "[e2e][append]") {
  std::string third = ledger.sign(manufacture("JTJHY7AX4N4000323"), false);
  expect_refused(valid_prefix() + third.substr(0, third.size() / 2), 3, "invalid JSON");
}

TEST_CASE_METHOD(Fixture, "append refuses JSON outside the contract's subset", "[e2e][append]") {
  SECTION("a float") {
    expect_refused(valid_prefix() + R"({"type":"manufacture","year":2023.0})" "\n", 3, "floats are not allowed");
  }
  SECTION("a duplicate key") {
    expect_refused(valid_prefix() + R"({"type":"manufacture","type":"ship"})" "\n", 3, "duplicate");
  }
  SECTION("not an object") { expect_refused(valid_prefix() + "[1,2]\n", 3, "must be a JSON object"); }
  SECTION("invalid UTF-8") {
    expect_refused(valid_prefix() + "{\"type\":\"manufacture\",\"make\":\"\xff\"}\n", 3, "UTF-8");
  }
}

TEST_CASE_METHOD(Fixture, "append refuses bad fields", "[e2e][append]") {
  SECTION("unknown country") {
    std::string line = manufacture("JTJHY7AX0N4000321");
    line.replace(line.find("\"JP\""), 4, "\"XX\"");
    line.insert(line.size() - 1, ",\"sig\":\"" + kZeroSig + "\"");
    expect_refused(valid_prefix() + line + "\n", 3, "field \"country\"");
  }
  SECTION("unknown field") {
    std::string line = manufacture("JTJHY7AX0N4000321");
    line.insert(line.size() - 1, ",\"colour\":\"white\",\"sig\":\"" + kZeroSig + "\"");
    expect_refused(valid_prefix() + line + "\n", 3, "unknown field \"colour\"");
  }
  SECTION("missing signature") {
    expect_refused(valid_prefix() + manufacture("JTJHY7AX0N4000321") + "\n", 3, "missing field \"sig\"");
  }
}

TEST_CASE_METHOD(Fixture, "append refuses an invalid VIN", "[e2e][append][vin]") {
  SECTION("a wrong check digit where it is mandatory names the expected digit") {
    std::string line = manufacture("1FTFW1E50PFA00001");
    line.insert(line.size() - 1, ",\"sig\":\"" + kZeroSig + "\"");
    expect_refused(valid_prefix() + line + "\n", 3, "expected '8'");
  }
  SECTION("lower case is refused, not corrected") {
    std::string line = manufacture("jTJHY7AX0N4000321");
    line.insert(line.size() - 1, ",\"sig\":\"" + kZeroSig + "\"");
    expect_refused(valid_prefix() + line + "\n", 3, "lower case");
  }
}

TEST_CASE_METHOD(Fixture, "append refuses an unknown actor", "[e2e][append]") {
  std::string line = manufacture("JTJHY7AX0N4000321");
  line.replace(line.find("\"toyota\""), 8, "\"nobody\"");
  line.insert(line.size() - 1, ",\"sig\":\"" + kZeroSig + "\"");
  expect_refused(valid_prefix() + line + "\n", 3, "unknown actor 'nobody'");
}

TEST_CASE_METHOD(Fixture, "append refuses a forged or altered signature", "[e2e][append][signature]") {
  SECTION("statement edited after signing") {
    std::string line = ledger.sign(manufacture("JTJHY7AX4N4000323"), false);
    line.replace(line.find("\"year\":2023"), 11, "\"year\":2024");
    expect_refused(valid_prefix() + line, 3, "signature does not verify against the key of 'toyota'");
  }
  SECTION("signed with another party's key") {
    std::string as_dealer = manufacture("JTJHY7AX4N4000323");
    as_dealer.replace(as_dealer.find("\"toyota\""), 8, "\"kansai-motors\"");
    std::string line = ledger.sign(as_dealer, false);
    line.replace(line.find("\"kansai-motors\""), 15, "\"toyota\"");
    expect_refused(valid_prefix() + line, 3, "signature does not verify");
  }
  SECTION("the operator's key cannot stand in for a party's") {
    std::string as_operator = manufacture("JTJHY7AX4N4000323");
    as_operator.replace(as_operator.find("\"toyota\""), 8, "\"operator\"");
    std::string line = ledger.sign(as_operator, false);
    line.replace(line.find("\"operator\""), 10, "\"toyota\"");
    expect_refused(valid_prefix() + line, 3, "signature does not verify");
  }
}

TEST_CASE_METHOD(Fixture, "append refuses a replay", "[e2e][append]") {
  const std::string line = ledger.sign(manufacture("JTJHY7AX0N4000321"), false);
  REQUIRE(ledger.run({"append", "-"}, line).exit_code == 0);
  expect_refused(ledger.sign(manufacture("JTJHY7AX2N4000322"), false) + line, 2, "replay of the statement already recorded at seq 3");
}

TEST_CASE_METHOD(Fixture, "append refuses a prev that is not the head, naming the head", "[e2e][append][prev]") {
  ledger.append_signed(manufacture("JTJHY7AX0N4000321"));
  const std::string stale = ledger.sign(
      R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-05-10T05:30:00Z","actor":"toyota","from":"toyota","to":"kansai-motors","country":"JP"})");
  ledger.append_signed(
      R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-05-11T05:30:00Z","actor":"toyota","from":"toyota","to":"kansai-motors","country":"JP","doc":"second"})");
  auto history = ledger.run({"--json", "history", "JTJHY7AX0N4000321"});
  const std::string head = history.out.substr(history.out.rfind("\"hash\":\"") + 8, 64);
  // (Not valid_prefix(): its first line is the manufacture above again, a duplicate.)
  expect_refused(ledger.sign(manufacture("JTJHY7AX2N4000322"), false) +
                     ledger.sign(manufacture("JTJHY7AX4N4000323"), false) + stale,
                 3, "prev conflict on VIN JTJHY7AX0N4000321");
  auto again = ledger.run({"append", "-"}, stale);
  CHECK(again.err.find("the head is " + head) != std::string::npos);
  SECTION("prev null when the chain already has entries") {
    // Another event than the manufacture, which would be refused as a duplicate first.
    const std::string first_again =
        R"({"type":"destroy","vin":"JTJHY7AX0N4000321","time":"2023-04-04T02:00:00Z","actor":"toyota","country":"JP","prev":null})";
    expect_refused(ledger.sign(first_again, false), 1, "prev is null but the chain already has entries");
  }
}

TEST_CASE_METHOD(Fixture, "append refuses a party registration not signed by the operator", "[e2e][append]") {
  auto keygen = run_vinledger({"keygen", "--name", "rogue", "--out", (dir / "rogue.key").string()});
  const std::string vkey = keygen.out.substr(0, keygen.out.find('\n'));
  const std::string registration = R"({"type":"party","time":"2023-01-01T00:00:00Z","actor":"toyota","id":"rogue","name":"Rogue","country":"JP","roles":["dealer"],"vkey":")" + vkey + "\"}";
  expect_refused(valid_prefix() + ledger.sign(registration, false), 3, "must be signed by the operator");
}

TEST_CASE_METHOD(Fixture, "append refuses a statement dated in the future", "[e2e][append]") {
  expect_refused(valid_prefix() + ledger.sign(manufacture("JTJHY7AX4N4000323", "2099-01-01T00:00:00Z"), false), 3,
                 "is in the future");
}

TEST_CASE_METHOD(Fixture, "append refuses an overlong line without reading it all", "[e2e][append]") {
  expect_refused(valid_prefix() + "{\"make\":\"" + std::string(100000, 'x') + "\"}\n", 3, "longer than");
}

TEST_CASE_METHOD(Fixture, "append of a missing file is bad input", "[e2e][append]") {
  const std::string before = ledger.content_digest();
  auto result = ledger.run({"append", (dir / "missing.jsonl").string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("missing.jsonl") != std::string::npos);
  CHECK(ledger.content_digest() == before);
}

TEST_CASE_METHOD(Fixture, "append accepts a valid batch, blank lines and CRLF included", "[e2e][append]") {
  std::string batch = valid_prefix();
  batch.insert(batch.find('\n'), "\r");
  batch += "\n   \n";
  auto result = ledger.run({"--json", "append", "-"}, batch);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "{\"appended\":2,\"first_seq\":3,\"skipped\":0}\n");
}
