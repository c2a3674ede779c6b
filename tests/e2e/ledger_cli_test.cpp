// The command line of the core ledger, run as users run it: init, keygen,
// party add/list (with key rotation), record, sign, history.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include "cli_ledger.h"
#include "vinledger/canonical_json.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE("init creates the ledger, a private operator key, and prints the verifier key", "[e2e][init]") {
  TempDir dir;
  auto result = run_vinledger({"--db", (dir / "l.db").string(), "init", "--origin", "customs.example/vehicles"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto vkey = vinledger::VerifierKey::parse(result.out.substr(0, result.out.find('\n')));
  REQUIRE(vkey);
  CHECK(vkey->name() == "customs.example/vehicles");
  CHECK(mode_of(dir / "l.operator.key") == 0600);
  CHECK(mode_of(dir / "l.db") == 0600);

  SECTION("a second init refuses and changes nothing") {
    const std::string before = read_file(dir / "l.db");
    auto again = run_vinledger({"--db", (dir / "l.db").string(), "init", "--origin", "other"});
    CHECK(again.exit_code == 2);
    CHECK(again.err.find("already exists") != std::string::npos);
    CHECK(read_file(dir / "l.db") == before);
  }
  SECTION("the operator is listed as a regulator with that key") {
    auto parties = json::parse(run_vinledger({"--db", (dir / "l.db").string(), "--json", "party", "list"}).out);
    REQUIRE(parties["parties"].size() == 1);
    CHECK(parties["parties"][0]["id"] == "operator");
    CHECK(parties["parties"][0]["roles"] == json::array({"regulator"}));
    CHECK(parties["parties"][0]["vkey"] == vkey->text());
  }
}

TEST_CASE("init refuses a bad origin and leaves no files behind", "[e2e][init]") {
  TempDir dir;
  auto result = run_vinledger({"--db", (dir / "l.db").string(), "init", "--origin", "has space"});
  CHECK(result.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "l.db"));
  CHECK_FALSE(std::filesystem::exists(dir / "l.operator.key"));
}

TEST_CASE("the database defaults to $VINLEDGER_DB", "[e2e][init]") {
  TempDir dir;
  const auto db = dir / "from-env.db";
  auto result = run_vinledger({"init", "--origin", "env.example"}, "", {{"VINLEDGER_DB", db.string()}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(std::filesystem::exists(db));
}

TEST_CASE("keygen writes a 0600 PKCS#8 key, never overwrites, prints the verifier key", "[e2e][keygen]") {
  TempDir dir;
  const auto key = dir / "dealer.key";
  auto result = run_vinledger({"keygen", "--name", "dealer", "--out", key.string()});
  REQUIRE(result.exit_code == 0);
  CHECK(mode_of(key) == 0600);
  CHECK(read_file(key).rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  auto vkey = vinledger::VerifierKey::parse(result.out.substr(0, result.out.find('\n')));
  REQUIRE(vkey);
  CHECK(vkey->name() == "dealer");

  const std::string before = read_file(key);
  auto again = run_vinledger({"keygen", "--name", "dealer", "--out", key.string()});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("refusing to overwrite") != std::string::npos);
  CHECK(read_file(key) == before);
}

TEST_CASE("commands refuse a private key that others can read", "[e2e][keys]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer");
  std::filesystem::permissions(ledger.key_of("toyota"), std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  const std::string before = ledger.content_digest();
  auto result = ledger.run({"record", "manufacture", "--vin", "JTJHY7AX0N4000321", "--as", "toyota", "--key",
                            ledger.key_of("toyota").string(), "--country", "JP", "--make", "Lexus", "--model", "LX",
                            "--year", "2023"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("chmod 600") != std::string::npos);
  CHECK(ledger.content_digest() == before);
}

TEST_CASE("record signs with prev = the VIN's head and history shows the chain", "[e2e][record][history]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
  ledger.add_party("kansai-motors", "JP", "dealer,exporter");
  const std::string vin = "JTJHY7AX0N4000321";
  auto made = ledger.run({"--json", "record", "manufacture", "--vin", vin, "--as", "toyota", "--key",
                          ledger.key_of("toyota").string(), "--country", "JP", "--make", "Lexus", "--model", "LX 600",
                          "--year", "2023", "--time", "2023-04-03T02:00:00Z"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  auto sold = ledger.run({"--json", "record", "transfer", "--vin", vin, "--as", "toyota", "--key",
                          ledger.key_of("toyota").string(), "--from", "toyota", "--to", "kansai-motors", "--country",
                          "JP", "--time", "2023-05-10T05:30:00Z"});
  INFO(sold.err);
  REQUIRE(sold.exit_code == 0);
  auto exported = ledger.run({"--json", "record", "export", "--vin", vin, "--as", "kansai-motors", "--key",
                              ledger.key_of("kansai-motors").string(), "--country", "JP", "--port", "JPUKB",
                              "--destination", "SG", "--via", "MY,TH", "--consignee",
                              R"({"name":"Lion City Auto Trading Pte Ltd","country":"SG"})", "--doc", "EXP-1",
                              "--value", "10000000 JPY", "--time", "2023-06-01T01:15:00Z"});
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(json::parse(exported.out)["entry"]["statement"]["value"] == json({{"amount", 10000000}, {"currency", "JPY"}}));
  CHECK(json::parse(exported.out)["entry"]["statement"]["via"] == json::array({"MY", "TH"}));

  auto history = ledger.run({"--json", "history", vin});
  REQUIRE(history.exit_code == 0);
  auto document = json::parse(history.out);
  CHECK(document["vin"] == vin);
  auto& entries = document["entries"];
  REQUIRE(entries.size() == 3);
  std::optional<std::string> previous;
  for (const auto& item : entries) {
    // Anyone can recompute the hash from the entry exactly as printed.
    auto leaf = vinledger::canonical_json(item["entry"]);
    REQUIRE(leaf);
    CHECK(item["hash"] == vinledger::to_hex(vinledger::leaf_hash(*leaf)));
    const auto& statement = item["entry"]["statement"];
    if (previous) {
      CHECK(item["entry"]["vin_prev"] == *previous);
      CHECK(statement["prev"] == *previous);  // record vouches for the head it saw
    } else {
      CHECK(item["entry"]["vin_prev"].is_null());
      CHECK(statement["prev"].is_null());
    }
    previous = item["hash"].get<std::string>();
  }
  CHECK(entries[0]["entry"]["prev_entry"].is_string());
  CHECK(json::parse(made.out)["hash"] == entries[0]["hash"]);

  SECTION("the table for people names the events") {
    auto table = ledger.run({"history", vin});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("made in JP: Lexus LX 600 2023") != std::string::npos);
    CHECK(table.out.find("declared for SG") != std::string::npos);
  }
  SECTION("a VIN with no entries has an empty history") {
    auto empty = ledger.run({"--json", "history", "JTJHY7AX2N4000322"});
    CHECK(empty.exit_code == 0);
    CHECK(json::parse(empty.out)["entries"].empty());
  }
  SECTION("a malformed VIN is bad input") {
    auto bad = ledger.run({"history", "JTJHY7AX0N400032"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("17 characters") != std::string::npos);
  }
}

TEST_CASE("record refuses bad fields with exit 2 and writes nothing", "[e2e][record]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer");
  const std::string before = ledger.content_digest();
  auto bad_year = ledger.run({"record", "manufacture", "--vin", "JTJHY7AX0N4000321", "--as", "toyota", "--key",
                              ledger.key_of("toyota").string(), "--country", "JP", "--make", "Lexus", "--model", "LX",
                              "--year", "twenty"});
  CHECK(bad_year.exit_code == 2);
  CHECK(bad_year.err.find("year") != std::string::npos);
  auto missing_field = ledger.run({"record", "manufacture", "--vin", "JTJHY7AX0N4000321", "--as", "toyota", "--key",
                                   ledger.key_of("toyota").string(), "--country", "JP"});
  CHECK(missing_field.exit_code == 2);
  CHECK(missing_field.err.find("missing field \"make\"") != std::string::npos);
  CHECK(ledger.content_digest() == before);
}

TEST_CASE("key rotation: statements signed with the old key fail after it, older ones still verify", "[e2e][party]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer");
  const auto old_key = ledger.key_of("toyota");
  const std::string made = R"({"type":"manufacture","vin":"JTJHY7AX0N4000321","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})";
  ledger.append_signed(made);
  const std::string signed_before_rotation = ledger.sign(
      R"({"type":"manufacture","vin":"JTJHY7AX2N4000322","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})",
      false);

  auto keygen = run_vinledger({"keygen", "--name", "toyota", "--out", (dir / "toyota-2024.key").string()});
  auto rotated = ledger.run({"party", "add", "toyota", "--name", "Toyota", "--country", "JP", "--roles",
                             "manufacturer", "--vkey", keygen.out.substr(0, keygen.out.find('\n'))});
  REQUIRE(rotated.exit_code == 0);

  auto refused = ledger.run({"append", "-"}, signed_before_rotation);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("signature does not verify against the key of 'toyota' in force") != std::string::npos);

  auto audit = ledger.run({"--json", "audit"});
  CHECK(audit.exit_code == 0);
  CHECK(json::parse(audit.out)["findings"].empty());

  SECTION("one key cannot be registered to two parties") {
    auto vkey = json::parse(ledger.run({"--json", "party", "list"}).out)["parties"];
    std::string toyota_vkey;
    for (const auto& party : vkey)
      if (party["id"] == "toyota") toyota_vkey = party["vkey"];
    auto copied = ledger.run({"party", "add", "copycat", "--name", "Copycat", "--country", "JP", "--roles",
                              "dealer", "--vkey", toyota_vkey});
    CHECK(copied.exit_code == 2);
    CHECK(copied.err.find("already the key of party 'toyota'") != std::string::npos);
  }
}

TEST_CASE("a statement signed outside vinledger is accepted", "[e2e][external]") {
  TempDir dir;
  CliLedger ledger(dir);
  const auto external = fixtures_dir() / "external";
  std::string vkey = read_file(external / "vkey.txt");
  vkey.erase(vkey.find_last_not_of("\n") + 1);
  auto added = ledger.run({"party", "add", "skoda-cz", "--name", "Škoda Auto a.s.", "--country", "CZ", "--roles",
                           "manufacturer", "--wmi", "TMB", "--vkey", vkey});
  REQUIRE(added.exit_code == 0);
  auto appended = ledger.run({"append", (external / "statement.jsonl").string()});
  INFO(appended.err);
  CHECK(appended.exit_code == 0);
  auto history = json::parse(ledger.run({"--json", "history", "TMBJJ7NP1P7000123"}).out);
  REQUIRE(history["entries"].size() == 1);
  CHECK(history["entries"][0]["entry"]["statement"]["make"] == "Škoda");
}

TEST_CASE("usage errors exit 2 with a message", "[e2e][usage]") {
  CHECK(run_vinledger({}).exit_code == 2);
  CHECK(run_vinledger({"frobnicate"}).exit_code == 2);
  CHECK(run_vinledger({"init"}).err.find("--origin is required") != std::string::npos);
  CHECK(run_vinledger({"audit", "--fail-on", "extreme"}).exit_code == 2);
  CHECK(run_vinledger({"--help"}).exit_code == 0);
  TempDir dir;
  auto missing = run_vinledger({"--db", (dir / "none.db").string(), "party", "list"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no ledger at") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
}
