// Security properties through the binary: revocation, hostile field
// contents, and the modes of the files vinledger creates.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "cli_ledger.h"
#include "vinledger/keys.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

const std::string kZeroSig = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

std::string manufacture(const std::string& vin, const std::string& model) {
  json statement = {{"type", "manufacture"}, {"vin", vin},       {"time", "2023-04-03T02:00:00Z"}, {"actor", "toyota"},
                    {"country", "JP"},       {"make", "Lexus"},  {"model", model},                 {"year", 2023}};
  return statement.dump();
}

struct Fixture {
  TempDir dir;
  CliLedger ledger{dir};
  Fixture() { ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"}); }

  // Appends `line` and requires a one-line refusal naming `reason`, with
  // the ledger unchanged.
  void expect_refused(const std::string& line, const std::string& reason) const {
    const std::string before = ledger.content_digest();
    auto result = ledger.run({"append", "-"}, line + "\n");
    INFO(result.err.substr(0, 300));
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("<stdin>:1: ") != std::string::npos);
    CHECK(result.err.find(reason) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(ledger.content_digest() == before);
  }
};

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE_METHOD(Fixture, "a revoked party's new statements are refused; its earlier ones stand", "[e2e][security]") {
  ledger.append_signed(manufacture("JTJHY7AX0N4000321", "LX 600"));
  const std::string after_revocation = ledger.sign(manufacture("JTJHY7AX2N4000322", "LX 600"), false);
  auto revoked = ledger.run({"party", "revoke", "toyota"});
  INFO(revoked.err);
  REQUIRE(revoked.exit_code == 0);

  const std::string before = ledger.content_digest();
  auto refused = ledger.run({"append", "-"}, after_revocation);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("'toyota' was revoked at seq") != std::string::npos);
  CHECK(ledger.content_digest() == before);

  auto listed = json::parse(ledger.run({"--json", "party", "list"}).out);
  for (const auto& party : listed["parties"])
    if (party["id"] == "toyota") CHECK(party["revoked"] == true);
  // The statement made before the revocation still verifies.
  auto audit = ledger.run({"--json", "audit"});
  CHECK(audit.exit_code == 0);
  CHECK(json::parse(audit.out)["findings"].empty());
  CHECK(ledger.run({"party", "revoke", "toyota"}).exit_code == 2);  // already revoked

  SECTION("a new registration reinstates the party, with a new key") {
    auto keygen = run_vinledger({"keygen", "--name", "toyota", "--out", (dir / "toyota-new.key").string()});
    REQUIRE(keygen.exit_code == 0);
    auto added = ledger.run({"party", "add", "toyota", "--name", "Toyota", "--country", "JP", "--roles", "manufacturer",
                             "--vkey", keygen.out.substr(0, keygen.out.find('\n'))});
    REQUIRE(added.exit_code == 0);
    auto signed_line = ledger.run({"sign", "--key", (dir / "toyota-new.key").string(), "-"},
                                     manufacture("JTJHY7AX2N4000322", "LX 600") + "\n");
    REQUIRE(signed_line.exit_code == 0);
    CHECK(ledger.run({"append", "-"}, signed_line.out).exit_code == 0);
  }
}

TEST_CASE_METHOD(Fixture, "the operator cannot be revoked", "[e2e][security]") {
  const std::string before = ledger.content_digest();
  auto result = ledger.run({"party", "revoke", "operator"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("cannot be revoked") != std::string::npos);
  CHECK(ledger.content_digest() == before);
}

TEST_CASE_METHOD(Fixture, "the operator's key cannot be registered to another party",
                 "[e2e][security]") {
  auto operator_vkey = json::parse(ledger.run({"--json", "party", "list"}).out)["parties"][0]["vkey"].get<std::string>();
  auto parsed = vinledger::VerifierKey::parse(operator_vkey);
  REQUIRE(parsed);
  const std::string before = ledger.content_digest();
  // The same key as is, and the same public key under another name.
  for (const std::string& vkey : {operator_vkey, vinledger::VerifierKey::from_public_key("shadow", parsed->public_key()).text()}) {
    auto refused = ledger.run({"party", "add", "shadow", "--name", "Shadow", "--country", "JP", "--roles", "dealer",
                               "--vkey", vkey});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("already the key of party 'operator'") != std::string::npos);
  }
  CHECK(ledger.content_digest() == before);
}

TEST_CASE_METHOD(Fixture, "SQL and shell metacharacters are stored literally", "[e2e][security]") {
  for (const std::string& hostile : std::initializer_list<std::string>{std::string("'; DROP TABLE entries; --"), std::string("$(rm -rf /) `id` | & ; > <"),
                                    std::string("\"quoted\" \\\\ back\\\\slash"), std::string("Ünïcödé 日本 \u202e")}) {
    INFO(hostile);
    const std::string vin = hostile[0] == '\'' ? "JTJHY7AX0N4000321" : hostile[0] == '$' ? "JTJHY7AX2N4000322"
                            : hostile[0] == '"' ? "JTJHY7AX4N4000323" : "JTJHY7AX6N4000324";
    ledger.append_signed(manufacture(vin, hostile));
    auto history = json::parse(ledger.run({"--json", "history", vin}).out);
    CHECK(history["entries"][0]["entry"]["statement"]["model"] == hostile);
  }
  CHECK(ledger.run({"audit"}).exit_code == 0);
}

TEST_CASE_METHOD(Fixture, "control characters, huge strings and deep nesting are refused with a clear error",
                 "[e2e][security]") {
  auto with_model = [](const std::string& model_json) {
    return R"({"type":"manufacture","vin":"JTJHY7AX0N4000321","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":)" +
           model_json + R"(,"year":2023,"sig":")" + kZeroSig + R"("})";
  };
  SECTION("a control character") { expect_refused(with_model(R"("LX\u0007600")"), "control character"); }
  SECTION("a 1 MiB string") { expect_refused(with_model("\"" + std::string(1 << 20, 'A') + "\""), "longer than"); }
  SECTION("5,000 levels of nesting") {
    expect_refused(with_model(std::string(5000, '[') + std::string(5000, ']')), "nesting deeper than");
  }
  SECTION("a nested object where a string belongs") { expect_refused(with_model(R"({"a":{"b":"c"}})"), "model"); }
}

TEST_CASE("files vinledger creates are private to their owner", "[e2e][security]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer");
  CHECK(mode_of(ledger.db()) == 0600);
  CHECK(mode_of(ledger.operator_key()) == 0600);
  CHECK(mode_of(ledger.key_of("toyota")) == 0600);
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::filesystem::path side = ledger.db().string() + suffix;
    if (std::filesystem::exists(side)) CHECK(mode_of(side) == 0600);
  }
  // A key others can read is refused before it signs anything.
  std::filesystem::permissions(ledger.key_of("toyota"), std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  auto refused = run_vinledger({"sign", "--key", ledger.key_of("toyota").string(), "-"},
                               manufacture("JTJHY7AX0N4000321", "LX 600") + "\n");
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find(ledger.key_of("toyota").string()) != std::string::npos);
}
