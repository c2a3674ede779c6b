// What a dealer submits is what it meant: the three mistakes that used to
// produce wrong records with exit 0 (a bulk file appended twice, an amount
// read in minor units, a mistyped party id), and what now answers them:
// event identities, amounts as people write them, party-id suggestions,
// corrections, times with offsets, CSV import, NO_RECORD. Every refusal is
// checked for its message, exit code 2 and a ledger left byte for byte.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "cli_ledger.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

const std::string kVin = "JTJHY7AX0N4000321";
const std::string kVin2 = "JTJHY7AX2N4000322";

struct Dealers {
  TempDir dir;
  CliLedger ledger{dir};
  Dealers() {
    ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"}, "Toyota Motor Corporation");
    ledger.add_party("kansai-motors", "JP", "dealer,exporter", {}, "Kansai Prestige Motors K.K.");
    ledger.add_party("lion-city", "SG", "dealer,importer", {}, "Lion City Automobiles Pte Ltd");
  }

  RunResult record(const std::string& party, std::vector<std::string> args) const {
    args.insert(args.begin(), "record");
    args.insert(args.end(), {"--key", ledger.key_of(party).string()});
    return ledger.run(args);
  }

  void recorded(const std::string& party, const std::vector<std::string>& args) const {
    auto result = record(party, args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
  }

  void manufacture(const std::string& vin) const {
    recorded("toyota", {"manufacture", "--vin", vin, "--country", "JP", "--make", "Lexus", "--model", "LX 600",
                        "--year", "2023", "--time", "2023-04-03T11:00:00+09:00"});
  }

  json history(const std::string& vin) const {
    auto result = ledger.run({"--json", "history", vin});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out)["entries"];
  }

  json verify(const std::string& vin, int expected_exit = -1) const {
    auto result = ledger.run({"--json", "verify", vin, "--as-of", "2023-07-01"});
    INFO(result.err);
    if (expected_exit >= 0) CHECK(result.exit_code == expected_exit);
    REQUIRE((result.exit_code == 0 || result.exit_code == 1));
    return json::parse(result.out);
  }

  // A refusal: exit 2, one line naming `reason`, nothing on stdout, the
  // ledger byte for byte as it was.
  void expect_refused(const std::vector<std::string>& args, const std::string& reason,
                      const std::string& input = "") const {
    const std::string before = ledger.content_digest();
    auto result = ledger.run(args, input);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find(reason) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(ledger.content_digest() == before);
  }
};

bool has_code(const json& findings, const std::string& code) {
  for (const auto& finding : findings)
    if (finding["code"] == code) return true;
  return false;
}

int count_code(const json& findings, const std::string& code) {
  int count = 0;
  for (const auto& finding : findings) count += finding["code"] == code;
  return count;
}

// The day's sales file of the first mistake: one sale per vehicle.
const std::string kSalesFile =
    R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-05-12T09:30:00+09:00","from":"toyota","to":"kansai-motors","country":"JP","doc":"INV-2023-0512-01"})"
    "\n"
    R"({"type":"transfer","vin":"JTJHY7AX2N4000322","time":"2023-05-12T09:40:00+09:00","from":"toyota","to":"kansai-motors","country":"JP"})"
    "\n";

}  // namespace

// Mistake 1: the documented bulk pipeline run twice on the same day's file.
TEST_CASE_METHOD(Dealers, "mistake 1: re-running sign --link + append does not record the sales twice",
                 "[e2e][dealer][duplicates]") {
  manufacture(kVin);
  manufacture(kVin2);
  write_file(dir / "sales.jsonl", kSalesFile);
  const std::vector<std::string> sign = {"sign", "--key", ledger.key_of("kansai-motors").string(), "--link",
                                         (dir / "sales.jsonl").string()};
  auto first = ledger.run(sign);
  REQUIRE(first.exit_code == 0);
  REQUIRE(ledger.run({"append", "-"}, first.out).exit_code == 0);
  const json sale = history(kVin)[1];

  // The re-run signs every line again with a new prev: not a replay, the same sales.
  auto second = ledger.run(sign);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out != first.out);
  expect_refused({"append", "-"}, "<stdin>:1: duplicate of seq " + std::to_string(sale["entry"]["seq"].get<int>()) +
                                      ": same VIN, type, actor and document INV-2023-0512-01",
                 second.out);

  // A line without a document number is the same event by every asserted field.
  auto only_second = second.out.substr(second.out.find('\n') + 1);
  expect_refused({"append", "-"}, "<stdin>:1: duplicate of seq", only_second);

  // --skip-recorded: the retry of a batch that half landed.
  auto third_vehicle = ledger.run({"sign", "--key", ledger.key_of("kansai-motors").string(), "-"},
                                  R"({"type":"transfer","vin":"JTJHY7AX4N4000323","from":"kansai-motors","to":"kansai-motors","country":"JP","doc":"INV-X"})"
                                  "\n");
  REQUIRE(third_vehicle.exit_code == 0);
  auto retried = ledger.run({"--json", "append", "--skip-recorded", "-"}, second.out + third_vehicle.out);
  INFO(retried.err);
  REQUIRE(retried.exit_code == 0);
  CHECK(json::parse(retried.out) == json{{"appended", 1}, {"first_seq", json::parse(retried.out)["first_seq"]},
                                         {"skipped", 2}});
  auto again = ledger.run({"append", "--skip-recorded", "-"}, second.out);
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("appended 0 statements; skipped 2 already recorded") != std::string::npos);

  // The vehicles hold one sale each: no custody gap, nothing to hold.
  CHECK(history(kVin).size() == 2);
  auto screen = ledger.run({"--json", "screen", "--as-of", "2023-07-01"});
  INFO(screen.err);
  CHECK(json::parse(screen.out)["summary"]["vehicles_by_worst"]["high"] == 0);
  auto audit = ledger.run({"audit"});
  CHECK(audit.exit_code == 0);
}

// Mistake 2: an amount written as people write it was stored in minor units.
TEST_CASE_METHOD(Dealers, "mistake 2: --value \"65000 EUR\" is EUR 65,000.00 and raises the embargo finding",
                 "[e2e][dealer][amounts]") {
  ledger.add_party("hamburg-cars", "DE", "dealer,exporter", {}, "Hamburg Luxury Cars GmbH");
  const std::string vin = "WDD2221631A000001";
  recorded("hamburg-cars", {"export", "--vin", vin, "--country", "DE", "--port", "DEHAM", "--destination", "RU",
                            "--consignee", R"({"name":"Avtodom Moskva","country":"RU"})", "--doc", "EXP-DE-2023-0001",
                            "--value", "65000 EUR", "--time", "2023-06-01T10:00:00+02:00"});
  const json entries = history(vin);
  CHECK(entries[0]["entry"]["statement"]["value"] == json{{"amount", 6500000}, {"currency", "EUR"}});
  CHECK(entries[0]["entry"]["statement"]["time"] == "2023-06-01T08:00:00Z");
  const json report = verify(vin, 1);
  bool critical = false;
  for (const auto& finding : report["findings"])
    critical = critical || (finding["code"] == "EMBARGOED_DESTINATION" && finding["severity"] == "critical");
  CHECK(critical);
  // People read major units.
  auto text = ledger.run({"history", vin});
  CHECK(text.out.find("value 65,000.00 EUR") != std::string::npos);
  auto verdict = ledger.run({"verify", vin, "--as-of", "2023-07-01"});
  CHECK(verdict.out.find("65,000.00 EUR") != std::string::npos);
}

TEST_CASE_METHOD(Dealers, "record refuses amounts that cannot be read one way only", "[e2e][dealer][amounts]") {
  const std::vector<std::string> common = {"record", "export", "--vin", kVin, "--key",
                                           ledger.key_of("kansai-motors").string(), "--country", "JP", "--port",
                                           "JPUKB", "--destination", "SG", "--consignee", "lion-city", "--doc", "E-1"};
  auto with_value = [&](const std::string& value) {
    auto args = common;
    args.insert(args.end(), {"--value", value});
    return args;
  };
  expect_refused(with_value("100.5 JPY"), "amount \"100.5 JPY\" has 1 decimal places, but JPY has 0 (ISO 4217)");
  expect_refused(with_value("65.000,00 EUR"), "',' groups thousands");
  expect_refused(with_value("65000 EURO"), "must be \"AMOUNT CURRENCY\"");
  expect_refused(with_value("65000 ABC"), "\"ABC\", which is not an ISO 4217 currency code");
  // A signed statement with a currency outside ISO 4217 is refused at append.
  auto signed_line = ledger.run(
      {"sign", "--key", ledger.key_of("kansai-motors").string(), "-"},
      R"({"type":"export","vin":"JTJHY7AX0N4000321","country":"JP","port":"JPUKB","destination":"SG","consignee":"lion-city","doc":"E-2","value":{"amount":5,"currency":"ABC"}})"
      "\n");
  CHECK(signed_line.exit_code == 2);
  CHECK(signed_line.err.find("currency \"ABC\" is not an ISO 4217 currency code") != std::string::npos);
}

// Mistake 3: one letter short of a registered party.
TEST_CASE_METHOD(Dealers, "mistake 3: --to kansai-motor is refused with a suggestion, a mistake made is corrected",
                 "[e2e][dealer][parties][corrections]") {
  manufacture(kVin);
  expect_refused({"record", "transfer", "--vin", kVin, "--key", ledger.key_of("toyota").string(), "--from", "toyota",
                  "--to", "kansai-motor", "--country", "JP"},
                 "field \"to\" 'kansai-motor' is not a registered party id (did you mean kansai-motors?)");
  expect_refused({"sign", "--key", ledger.key_of("toyota").string(), "-"},
                 "<stdin>:1: field \"to\" 'kansai-motor' is not a registered party id (did you mean kansai-motors?)",
                 R"({"type":"transfer","vin":"JTJHY7AX0N4000321","from":"toyota","to":"kansai-motor","country":"JP"})"
                 "\n");

  // Said to be meant, it is recorded; then the dealer's mistake is a custody gap ...
  recorded("toyota", {"transfer", "--vin", kVin, "--from", "toyota", "--to", "kansai-motor", "--country", "JP",
                      "--doc", "INV-1", "--unregistered", "--time", "2023-05-10T10:00:00+09:00"});
  recorded("kansai-motors", {"export", "--vin", kVin, "--country", "JP", "--port", "JPUKB", "--destination", "SG",
                             "--consignee", "lion-city", "--doc", "EXP-1", "--time", "2023-06-01T10:00:00+09:00"});
  CHECK(has_code(verify(kVin)["findings"], "CUSTODY_GAP"));

  // ... until Toyota corrects it: a void and the right statement, in one append.
  const json entries = history(kVin);
  const std::string wrong = entries[1]["hash"];
  auto corrected = ledger.run({"--json", "record", "transfer", "--vin", kVin, "--key", ledger.key_of("toyota").string(),
                               "--from", "toyota", "--to", "kansai-motors", "--country", "JP", "--doc", "INV-1",
                               "--time", "2023-05-10T10:00:00+09:00", "--corrects", wrong, "--reason",
                               "buyer mistyped"});
  INFO(corrected.err);
  REQUIRE(corrected.exit_code == 0);
  const json document = json::parse(corrected.out);
  CHECK(document["void"]["seq"] == document["seq"].get<int>() - 1);
  const json after = history(kVin);
  REQUIRE(after.size() == 5);
  CHECK(after[1]["withdrawn"] == json{{"by", document["void"]["seq"]}, {"reason", "buyer mistyped"}});
  CHECK(after[3]["entry"]["statement"]["type"] == "void");
  CHECK(after[3]["entry"]["statement"]["target"] == wrong);
  const json report = verify(kVin, 0);
  CHECK(report["findings"].empty());
  // The replacement is read where the entry it corrects was: sold, then exported.
  CHECK(report["withdrawn"] == json::array({{{"seq", 1 + entries[0]["entry"]["seq"].get<int>()},
                                             {"by", document["void"]["seq"]},
                                             {"reason", "buyer mistyped"},
                                             {"replaced_by", document["seq"]}}}));
  auto text = ledger.run({"history", kVin});
  CHECK(text.out.find("WITHDRAWN by seq " + std::to_string(document["void"]["seq"].get<int>())) != std::string::npos);
  CHECK(ledger.run({"audit"}).exit_code == 0);
}

TEST_CASE_METHOD(Dealers, "voids that may not withdraw their target are refused", "[e2e][dealer][corrections]") {
  manufacture(kVin);
  recorded("toyota", {"transfer", "--vin", kVin, "--from", "toyota", "--to", "kansai-motors", "--country", "JP",
                      "--doc", "INV-1"});
  const json entries = history(kVin);
  const std::string manufactured = entries[0]["hash"], sold = entries[1]["hash"];
  expect_refused({"record", "void", "--vin", kVin, "--key", ledger.key_of("kansai-motors").string(), "--target",
                  manufactured, "--reason", "not mine"},
                 "cannot void seq " + std::to_string(entries[0]["entry"]["seq"].get<int>()) +
                     " was signed by 'toyota': only 'toyota' or the operator 'operator' may withdraw it, not "
                     "'kansai-motors'");
  expect_refused({"record", "void", "--vin", kVin2, "--key", ledger.key_of("toyota").string(), "--target", sold,
                  "--reason", "wrong VIN"},
                 "no entry of VIN " + kVin2 + " has that hash");
  recorded("toyota", {"void", "--vin", kVin, "--target", sold, "--reason", "recorded twice"});
  const std::string void_hash = history(kVin)[2]["hash"];
  expect_refused({"record", "void", "--vin", kVin, "--key", ledger.key_of("toyota").string(), "--target", sold,
                  "--reason", "again"},
                 "was already withdrawn by seq");
  expect_refused({"record", "void", "--vin", kVin, "--key", ledger.key_of("toyota").string(), "--target", void_hash,
                  "--reason", "undo"},
                 "is itself a void: a void cannot be withdrawn");
  expect_refused({"record", "transfer", "--vin", kVin, "--key", ledger.key_of("toyota").string(), "--from", "toyota",
                  "--to", "kansai-motors", "--country", "JP", "--corrects", "abc"},
                 "--corrects needs an entry hash");
  // The operator may withdraw any party's entry.
  auto by_operator = ledger.run({"record", "void", "--vin", kVin, "--key", ledger.operator_key().string(), "--target",
                                 manufactured, "--reason", "manufacture recorded for a VIN never built"});
  INFO(by_operator.err);
  CHECK(by_operator.exit_code == 0);
  CHECK(ledger.run({"audit"}).exit_code == 0);
}

TEST_CASE_METHOD(Dealers, "sign fills the actor from the key's party and refuses another", "[e2e][dealer][sign]") {
  auto signed_line = ledger.run(
      {"sign", "--key", ledger.key_of("toyota").string(), "-"},
      R"({"type":"manufacture","vin":"JTJHY7AX0N4000321","time":"2023-04-03T11:00:00+09:00","country":"JP","make":"Lexus","model":"LX 600","year":2023})"
      "\n");
  INFO(signed_line.err);
  REQUIRE(signed_line.exit_code == 0);
  const json statement = json::parse(signed_line.out);
  CHECK(statement["actor"] == "toyota");
  CHECK(statement["time"] == "2023-04-03T02:00:00Z");
  expect_refused({"sign", "--key", ledger.key_of("toyota").string(), "-"},
                 "<stdin>:1: actor \"kansai-motors\" is not the key's party 'toyota'",
                 R"({"type":"destroy","vin":"JTJHY7AX0N4000321","actor":"kansai-motors","country":"JP"})" "\n");
  const auto stranger = dir / "stranger.key";
  REQUIRE(run_vinledger({"keygen", "--name", "stranger", "--out", stranger.string()}).exit_code == 0);
  expect_refused({"sign", "--key", stranger.string(), "-"}, "the key is not the key in force of any registered party",
                 R"({"type":"destroy","vin":"JTJHY7AX0N4000321","country":"JP"})" "\n");
  expect_refused({"record", "manufacture", "--vin", kVin, "--key", ledger.key_of("toyota").string(), "--country",
                  "JP", "--make", "Lexus", "--model", "LX", "--year", "2023", "--time", "2023-04-03T11:00:00+9:00"},
                 "field \"time\" invalid timestamp \"2023-04-03T11:00:00+9:00\"");
}

TEST_CASE_METHOD(Dealers, "verify of a VIN with no entry answers NO_RECORD", "[e2e][dealer][verify]") {
  auto result = ledger.run({"--json", "verify", kVin});
  CHECK(result.exit_code == 1);
  const json report = json::parse(result.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["code"] == "NO_RECORD");
  CHECK(report["findings"][0]["severity"] == "medium");
  CHECK(report["findings"][0]["seq"].is_null());
  CHECK(ledger.run({"verify", kVin, "--fail-on", "high"}).exit_code == 0);
  auto text = ledger.run({"verify", kVin});
  CHECK(text.out.find("MEDIUM NO_RECORD VIN " + kVin) != std::string::npos);
}

TEST_CASE_METHOD(Dealers, "times are shown where people are (--tz), an unknown zone is refused", "[e2e][dealer][time]") {
  manufacture(kVin);
  auto tokyo = ledger.run({"--tz", "Asia/Tokyo", "history", kVin});
  INFO(tokyo.err);
  CHECK(tokyo.out.find("2023-04-03T11:00:00+09:00") != std::string::npos);
  auto utc = ledger.run({"history", kVin});
  CHECK(utc.out.find("2023-04-03T02:00:00Z") != std::string::npos);
  expect_refused({"history", kVin, "--tz", "Asia/Tokio"}, "time zone \"Asia/Tokio\" is not an IANA time zone name");
}

TEST_CASE_METHOD(Dealers, "import: a DMS export becomes signed statements, all or nothing", "[e2e][dealer][csv]") {
  for (const auto& vin : std::vector<std::string>{kVin, kVin2, "JTJHY7AX4N4000323"}) manufacture(vin);
  const auto csv = fixtures_dir() / "csv";
  const std::vector<std::string> sales = {"import", "--csv", (csv / "dms-sales-2023-05.csv").string(), "--mapping",
                                          (csv / "dms-sales-mapping.json").string(), "--key",
                                          ledger.key_of("kansai-motors").string()};
  auto check_only = sales;
  check_only.push_back("--check");
  const std::string before = ledger.content_digest();
  auto checked = ledger.run(check_only);
  INFO(checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(checked.err.find("checked 3 rows: all would be recorded; nothing written") != std::string::npos);
  CHECK(ledger.content_digest() == before);

  auto imported = ledger.run(sales);
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.err.find("imported 3 rows") != std::string::npos);
  const json sale = history(kVin)[1]["entry"]["statement"];
  CHECK(sale["time"] == "2023-05-12T00:30:00Z");
  CHECK(sale["actor"] == "kansai-motors");
  CHECK(sale["to"] == "kansai-motors");

  // The same file again: refused as duplicates, naming the row; --skip-recorded skips them all.
  expect_refused(sales, "dms-sales-2023-05.csv: row 2: duplicate of seq");
  auto skipped = sales;
  skipped.push_back("--skip-recorded");
  auto again = ledger.run(skipped);
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("imported 0 rows; skipped 3 already recorded") != std::string::npos);

  // Export declarations: values in each row's currency, a foreign buyer inline.
  auto exports = ledger.run({"import", "--csv", (csv / "dms-exports-2023-06.csv").string(), "--mapping",
                             (csv / "dms-exports-mapping.json").string(), "--key",
                             ledger.key_of("kansai-motors").string()});
  INFO(exports.err);
  REQUIRE(exports.exit_code == 0);
  const json declared = history(kVin2)[2]["entry"]["statement"];
  CHECK(declared["value"] == json{{"amount", 6450000}, {"currency", "SGD"}});
  CHECK(declared["consignee"]["name"] == "Marina Bay Motors Pte Ltd");
}

TEST_CASE_METHOD(Dealers, "import refuses a bad row by row and column and writes nothing", "[e2e][dealer][csv]") {
  manufacture(kVin);
  write_file(dir / "mapping.json", R"({"format":"vinledger-csv-mapping/1","time_zone":"Asia/Tokyo",
    "fields":{"type":{"constant":"transfer"},"vin":"Chassis/VIN","time":"Sold","from":{"constant":"toyota"},
    "to":"Buyer","country":{"constant":"JP"},"doc":"Invoice"}})");
  auto import = [&](const std::string& csv) {
    write_file(dir / "sales.csv", csv);
    return std::vector<std::string>{"import", "--csv", (dir / "sales.csv").string(), "--mapping",
                                    (dir / "mapping.json").string(), "--key", ledger.key_of("toyota").string()};
  };
  const std::string header = "Chassis/VIN,Sold,Buyer,Invoice\n";
  const std::string good = kVin + ",2023-05-12 09:30,kansai-motors,INV-1\n";
  expect_refused(import(header + good + "1FTUF4CN0PK000001,2023-05-12 09:30,kansai-motors,INV-2\n"),
                 "sales.csv: row 3, column \"Chassis/VIN\": field \"vin\" VIN check digit (position 9) is '0', "
                 "expected '8' (mandatory for WMI 1FT)");
  expect_refused(import(header + good + kVin + ",2023-05-12 09:30,kansai-motor,INV-2\n"),
                 "sales.csv: row 3: field \"to\" 'kansai-motor' is not a registered party id (did you mean "
                 "kansai-motors?)");
  expect_refused(import(header + good + good), "sales.csv: row 3: duplicate of seq");
  expect_refused(import(header + kVin + ",2023-02-30 10:00,kansai-motors,INV-1\n"),
                 "sales.csv: row 2, column \"Sold\": invalid timestamp");
  write_file(dir / "mapping.json", R"({"format":"vinledger-csv-mapping/1","fields":{"vin":"VIN"}})");
  expect_refused(import(header + good), "fields.type is required");
}

// docs/guide.md, "One vehicle, every statement" and "A sale to a buyer
// abroad": the guide's commands, run as written, give a clean vehicle; the
// sale recorded before the export does not.
TEST_CASE("guide: one vehicle through every statement type, and many parties at once", "[e2e][dealer][guide]") {
  TempDir dir;
  CliLedger ledger{dir};
  // Registering many parties at once: operator-signed party lines through sign + append.
  std::string parties;
  for (const auto& [id, country, roles, wmi] : std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"toyota", "JP", R"(["manufacturer"])", R"(,"wmi":["JTJ"])"},
           {"kansai-motors", "JP", R"(["dealer","exporter"])", ""},
           {"orient-line", "JP", R"(["carrier"])", ""},
           {"lion-city", "SG", R"(["dealer","importer"])", ""},
           {"lta-sg", "SG", R"(["registry"])", ""}}) {
    auto keygen = run_vinledger({"keygen", "--name", id, "--out", ledger.key_of(id).string()});
    REQUIRE(keygen.exit_code == 0);
    parties += R"({"type":"party","id":")" + id + R"(","name":")" + id + " (guide)\",\"country\":\"" + country +
               R"(","roles":)" + roles + wmi + R"(,"vkey":")" + keygen.out.substr(0, keygen.out.find('\n')) +
               "\"}\n";
  }
  write_file(dir / "parties.jsonl", parties);
  auto signed_parties = ledger.run({"sign", "--key", ledger.operator_key().string(), (dir / "parties.jsonl").string()});
  INFO(signed_parties.err);
  REQUIRE(signed_parties.exit_code == 0);
  write_file(dir / "parties.signed.jsonl", signed_parties.out);
  auto registered = ledger.run({"append", (dir / "parties.signed.jsonl").string()});
  INFO(registered.err);
  REQUIRE(registered.exit_code == 0);
  // Sent again after a failure: the registrations in force are skipped.
  auto resent = ledger.run({"append", "--skip-recorded", (dir / "parties.signed.jsonl").string()});
  CHECK(resent.err.find("skipped 5 already recorded") != std::string::npos);

  auto record = [&](const std::string& party, std::vector<std::string> args) {
    args.insert(args.begin(), {"record"});
    args.insert(args.end(), {"--key", ledger.key_of(party).string()});
    auto result = ledger.run(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
  };
  for (const auto& vin : std::vector<std::string>{kVin, kVin2}) {
    record("toyota", {"manufacture", "--vin", vin, "--country", "JP", "--make", "Lexus", "--model", "LX 600",
                      "--year", "2023", "--time", "2023-04-03T11:00:00+09:00"});
    record("toyota", {"transfer", "--vin", vin, "--from", "toyota", "--to", "kansai-motors", "--country", "JP",
                      "--doc", "INV-2023-0510-" + vin.substr(14), "--time", "2023-05-10T10:00:00+09:00"});
  }
  // The guide's order: the export first, then the sale to the buyer abroad.
  record("kansai-motors", {"export", "--vin", kVin, "--country", "JP", "--port", "JPUKB", "--destination", "SG",
                           "--consignee", "lion-city", "--doc", "EXP-JP-2023-118842", "--value", "10,000,000 JPY",
                           "--time", "2023-06-01T10:00:00+09:00"});
  record("kansai-motors", {"transfer", "--vin", kVin, "--from", "kansai-motors", "--to", "lion-city", "--country",
                           "JP", "--doc", "INV-KPM-2023-0601", "--time", "2023-06-01T11:00:00+09:00"});
  record("orient-line", {"ship", "--vin", kVin, "--from-port", "JPUKB", "--to-port", "SGSIN", "--vessel",
                         "Orient Pearl", "--doc", "OLK-BL-2023-5531", "--time", "2023-06-03T08:00:00+09:00"});
  record("lion-city", {"import", "--vin", kVin, "--country", "SG", "--port", "SGSIN", "--doc", "SG-IMP-2023-77120",
                       "--time", "2023-06-09T09:00:00+08:00"});
  record("lta-sg", {"register", "--vin", kVin, "--country", "SG", "--owner", "Tan Wei Ming", "--plate", "SMX1234A",
                    "--time", "2023-06-20T10:00:00+08:00"});
  record("lta-sg", {"destroy", "--vin", kVin, "--country", "SG", "--time", "2025-02-14T15:00:00+08:00"});
  auto clean = ledger.run({"--json", "verify", kVin, "--as-of", "2025-03-01"});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(json::parse(clean.out)["findings"].empty());
  auto types = ledger.run({"--json", "history", kVin});
  std::set<std::string> seen;
  const json walked = json::parse(types.out);
  for (const auto& entry : walked["entries"]) seen.insert(entry["entry"]["statement"]["type"]);
  CHECK(seen == std::set<std::string>{"manufacture", "transfer", "export", "ship", "import", "register", "destroy"});

  // The other order: the sale first makes the buyer the custodian in Japan.
  record("kansai-motors", {"transfer", "--vin", kVin2, "--from", "kansai-motors", "--to", "lion-city", "--country",
                           "JP", "--doc", "INV-KPM-2023-0602", "--time", "2023-06-01T11:00:00+09:00"});
  record("kansai-motors", {"export", "--vin", kVin2, "--country", "JP", "--port", "JPUKB", "--destination", "SG",
                           "--consignee", "lion-city", "--doc", "EXP-JP-2023-118843", "--time",
                           "2023-06-01T12:00:00+09:00"});
  auto gap = ledger.run({"--json", "verify", kVin2, "--as-of", "2023-07-01"});
  CHECK(has_code(json::parse(gap.out)["findings"], "CUSTODY_GAP"));
}

// A ledger written by vinledger before event identities (fixtures/legacy):
// it migrates, audits clean, and verifies as before apart from the
// duplicates it holds, which its owner can then withdraw.
TEST_CASE("a ledger from before event identities migrates, audits clean and verifies the same",
          "[e2e][dealer][legacy]") {
  TempDir dir;
  const auto legacy = fixtures_dir() / "legacy" / "pre-identity";
  std::filesystem::copy(legacy, dir.path() / "ledger", std::filesystem::copy_options::recursive);
  const auto db = dir.path() / "ledger" / "ledger.db";
  for (const auto& key : std::filesystem::directory_iterator(dir.path() / "ledger" / "keys"))
    std::filesystem::permissions(key.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto run = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--db", db.string()});
    return run_vinledger(args, input);
  };
  auto audit = run({"--json", "audit"});
  INFO(audit.err << audit.out);
  CHECK(audit.exit_code == 0);
  CHECK(json::parse(audit.out)["findings"].empty());

  for (const auto& vin : std::vector<std::string>{kVin, kVin2, "JTJHY7AX4N4000323"}) {
    INFO(vin);
    const json before = json::parse(read_file(legacy / ("verify-" + vin + ".json")));
    auto now = run({"--json", "verify", vin, "--as-of", "2023-07-01"});
    INFO(now.out << now.err);
    REQUIRE((now.exit_code == 0 || now.exit_code == 1));
    json findings = json::array();
    const json report_now = json::parse(now.out);
    for (const auto& finding : report_now["findings"])
      if (finding["code"] != "DUPLICATE_EVENT") findings.push_back(finding);
    CHECK(findings == before["findings"]);
  }
  const json report = json::parse(run({"--json", "verify", kVin, "--as-of", "2023-07-01"}).out);
  CHECK(count_code(report["findings"], "DUPLICATE_EVENT") == 2);  // the sale and the export, each twice

  // The migrated index refuses the file a third time, and --skip-recorded skips it.
  const std::string sales = read_file(legacy / "sales-2023-05-12.jsonl");
  auto signed_sales = run({"sign", "--key", (dir.path() / "ledger" / "keys" / "kansai-motors.key").string(), "--link", "-"}, sales);
  REQUIRE(signed_sales.exit_code == 0);
  auto third = run({"append", "-"}, signed_sales.out);
  CHECK(third.exit_code == 2);
  CHECK(third.err.find("duplicate of seq") != std::string::npos);
  CHECK(run({"append", "--skip-recorded", "-"}, signed_sales.out).exit_code == 0);

  // Withdrawing the copies leaves the vehicle as if each was recorded once.
  const json entries = json::parse(run({"--json", "history", kVin2}).out)["entries"];
  const std::string copy = entries[2]["hash"];
  auto voided = run({"record", "void", "--vin", kVin2, "--key",
                     (dir.path() / "ledger" / "keys" / "kansai-motors.key").string(), "--target", copy, "--reason",
                     "the day's file was appended twice"});
  INFO(voided.err);
  CHECK(voided.exit_code == 0);
  const json cleaned = json::parse(run({"--json", "verify", kVin2, "--as-of", "2023-07-01"}).out);
  CHECK_FALSE(has_code(cleaned["findings"], "DUPLICATE_EVENT"));
  CHECK_FALSE(has_code(cleaned["findings"], "CUSTODY_GAP"));
  CHECK(run({"audit"}).exit_code == 0);
}
