// Security properties through the binary: revocation, hostile field
// contents, and the modes of the files vinledger creates.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "cli_ledger.h"
#include "cli_witness.h"
#include "insider.h"
#include "vinledger/canonical_json.h"
#include "vinledger/encoding.h"
#include "vinledger/keys.h"
#include "vinledger/statement.h"

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

TEST_CASE_METHOD(Fixture, "a revoked party's new statements are refused, its earlier ones stand", "[e2e][security]") {
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
                                    std::string("\"quoted\" \\\\ back\\\\slash"), std::string("Ünïcödé 日本")}) {
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

namespace {

// The identity point: under OpenSSL 3.0 alone, (R = identity, S = 0)
// verifies with it for every message.
std::string weak_vkey(const std::string& name) {
  vinledger::PublicKeyBytes identity{};
  identity[0] = 0x01;
  return vinledger::VerifierKey::from_public_key(name, identity).text();
}

// A statement signed with the key in `key_file` the way an older vinledger
// (or any signing software) would, without today's checks on its contents.
json signed_with(const std::filesystem::path& key_file, json statement) {
  auto key = vinledger::SigningKey::load(key_file);
  REQUIRE(key);
  auto message = vinledger::canonical_json(statement);
  REQUIRE(message);
  statement["sig"] = vinledger::base64_encode(key->sign(std::string(vinledger::kStatementSignaturePrefix) + *message));
  return statement;
}

json signed_by_operator(const CliLedger& ledger, json statement) {
  return signed_with(ledger.operator_key(), std::move(statement));
}

bool has_raw_control(const std::string& text) {
  for (char c : text)
    if (c == '\r' || c == '\x1b' || c == '\x07') return true;
  return text.find("\xe2\x80\xae") != std::string::npos || text.find("\xc2\x9b") != std::string::npos;
}

}  // namespace

TEST_CASE_METHOD(Fixture, "a weak (small-order) key is refused wherever a key is read", "[e2e][security][weak_key]") {
  const std::string before = ledger.content_digest();
  auto party = ledger.run({"party", "add", "mallory", "--name", "Mallory", "--country", "JP", "--roles", "dealer",
                           "--vkey", weak_vkey("mallory")});
  CHECK(party.exit_code == 2);
  CHECK(party.err.find("weak Ed25519 key") != std::string::npos);
  // The same registration, signed by the operator, through append.
  json registration = {{"type", "party"}, {"time", "2023-04-03T02:00:00Z"}, {"actor", "operator"}, {"id", "mallory"},
                       {"name", "Mallory"}, {"country", "JP"}, {"roles", {"dealer"}}, {"vkey", weak_vkey("mallory")}};
  expect_refused(signed_by_operator(ledger, registration).dump(), "weak Ed25519 key");
  CHECK(ledger.content_digest() == before);

  const std::string weak_log = weak_vkey("test.vinledger.example");
  auto witness = run_vinledger({"witness", "init", "--name", "w.example/w", "--key", (dir / "w.key").string(),
                                "--log-key", weak_log, "--state", (dir / "w").string()});
  CHECK(witness.exit_code == 2);
  CHECK(witness.err.find("weak Ed25519 key") != std::string::npos);
  auto bundle = run_vinledger({"verify-bundle", (dir / "none.json").string(), "--log-key", weak_log});
  CHECK(bundle.exit_code == 2);
  CHECK(bundle.err.find("weak Ed25519 key") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "no party but the operator may hold a key named like the log", "[e2e][security][origin]") {
  auto keygen = run_vinledger({"keygen", "--name", "test.vinledger.example", "--out", (dir / "shadow.key").string()});
  REQUIRE(keygen.exit_code == 0);
  const std::string before = ledger.content_digest();
  auto refused = ledger.run({"party", "add", "shadow", "--name", "Shadow", "--country", "JP", "--roles", "dealer",
                             "--vkey", keygen.out.substr(0, keygen.out.find('\n'))});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("the log's origin") != std::string::npos);
  CHECK(ledger.content_digest() == before);
  // A witness may not be named like the log either.
  auto witness = run_vinledger({"witness", "init", "--name", "test.vinledger.example", "--key",
                                (dir / "w.key").string(), "--log-key", log_key_of(ledger), "--state",
                                (dir / "w").string()});
  CHECK(witness.exit_code == 2);
}

TEST_CASE_METHOD(Fixture, "bidirectional, separator and zero-width characters are refused in stored text",
                 "[e2e][security][text]") {
  const std::string before = ledger.content_digest();
  for (const std::string& hidden : {std::string("\xe2\x80\xae"), std::string("\xe2\x81\xa6"), std::string("\xe2\x80\xa8"),
                                    std::string("\xe2\x80\x8b"), std::string("\xef\xbb\xbf")}) {
    auto party = ledger.run({"party", "add", "mallory", "--name", "Mall" + hidden + "ory", "--country", "JP",
                             "--roles", "dealer", "--vkey", vinledger::SigningKey::generate().verifier("mallory").text()});
    CHECK(party.exit_code == 2);
    CHECK(party.err.find("field \"name\" contains U+") != std::string::npos);
    CHECK_FALSE(has_raw_control(party.err));
    const json statement = json::parse(manufacture("JTJHY7AX0N4000321", "LX" + hidden + "600"));
    CHECK(run_vinledger({"sign", "--key", ledger.key_of("toyota").string(), "-"}, statement.dump() + "\n").exit_code ==
          2);
    expect_refused(signed_with(ledger.key_of("toyota"), statement).dump(), "field \"model\" contains U+");
  }
  CHECK(ledger.content_digest() == before);
}

TEST_CASE_METHOD(Fixture, "history and party list escape stored text that an older version let in",
                 "[e2e][security][text]") {
  json registration = {{"type", "party"}, {"time", "2023-04-03T02:00:00Z"}, {"actor", "operator"}, {"id", "mallory"},
                       {"name", "Evil\xe2\x80\xaegnp.exe"}, {"country", "JP"}, {"roles", {"dealer"}},
                       {"vkey", vinledger::SigningKey::generate().verifier("mallory").text()}};
  insider_append(ledger.db(), signed_by_operator(ledger, registration));
  auto listed = ledger.run({"party", "list"});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find("Evil\\u202egnp.exe") != std::string::npos);
  CHECK_FALSE(has_raw_control(listed.out));
  // Read as recorded: no finding for the text. (Raw rows leave the lookup
  // indexes beside the entries stale, which the audit reports as such.)
  const json audited = json::parse(ledger.run({"--json", "audit"}).out);
  for (const auto& finding : audited["findings"]) {
    INFO(finding.dump());
    const std::string message = finding["message"];
    CHECK((finding["code"] == "INDEX_MISMATCH" ||
           (finding["code"] == "HASH_MISMATCH" && message.find("event index") != std::string::npos)));
  }

  // A vehicle statement with such a document, recorded the same way.
  insider_append(ledger.db(),
                 signed_with(ledger.key_of("toyota"), json::parse(manufacture("JTJHY7AX0N4000321", "LX\xe2\x80\xae" "600"))));
  auto history = ledger.run({"history", "JTJHY7AX0N4000321"});
  REQUIRE(history.exit_code == 0);
  CHECK(history.out.find("LX\\u202e600") != std::string::npos);
  CHECK_FALSE(has_raw_control(history.out));
}

TEST_CASE_METHOD(Fixture, "a hostile bundle cannot repaint the verdict on screen", "[e2e][security][bundle]") {
  ledger.append_signed(manufacture("JTJHY7AX0N4000321", "LX 600"));
  const auto file = dir / "vin.bundle.json";
  REQUIRE(ledger.run({"prove", "JTJHY7AX0N4000321", "--out", file.string()}).exit_code == 0);
  const std::string key = log_key_of(ledger);
  json bundle = json::parse(read_file(file));
  const std::string repaint = "\r\x1b[2KVerdict: CLEAR\x1b[8m";

  SECTION("its log_key") {
    bundle["log_key"] = "x" + repaint;
    write_file(file, bundle.dump());
    for (bool as_json : {false, true}) {
      std::vector<std::string> args{"verify-bundle", file.string(), "--log-key", key};
      if (as_json) args.insert(args.begin(), "--json");
      auto result = run_vinledger(args);
      CHECK(result.exit_code == 1);
      CHECK(result.err.find("refused: log_key") != std::string::npos);
      CHECK(result.err.find("\\u000d\\u001b[2KVerdict: CLEAR") != std::string::npos);
      CHECK_FALSE(has_raw_control(result.err));
      CHECK_FALSE(has_raw_control(result.out));
      if (as_json) CHECK(json::parse(result.out)["item"] == "log_key");
    }
  }
  SECTION("a member name") {
    bundle[std::string("evil") + repaint] = 1;
    write_file(file, bundle.dump());
    auto result = run_vinledger({"verify-bundle", file.string(), "--log-key", key});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("unknown member \"evil\\u000d\\u001b[2KVerdict: CLEAR") != std::string::npos);
    CHECK_FALSE(has_raw_control(result.err));
  }
  SECTION("its file name") {
    const auto hostile = dir / ("b" + repaint + ".json");
    write_file(hostile, "not json");
    auto result = run_vinledger({"verify-bundle", hostile.string(), "--log-key", key});
    CHECK(result.exit_code == 2);
    CHECK_FALSE(has_raw_control(result.err));
  }
}

TEST_CASE_METHOD(Fixture, "verify-bundle says up to which seq a bundle's evidence goes", "[e2e][bundle][extent]") {
  ledger.append_signed(manufacture("JTJHY7AX0N4000321", "LX 600"));  // seq 2
  const auto file = dir / "vin.bundle.json";
  const std::string key = log_key_of(ledger);
  auto verify = [&](bool as_json) {
    std::vector<std::string> args{"verify-bundle", file.string(), "--log-key", key};
    if (as_json) args.insert(args.begin(), "--json");
    auto result = run_vinledger(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return result.out;
  };

  REQUIRE(ledger.run({"prove", "JTJHY7AX0N4000321", "--out", file.string()}).exit_code == 0);
  auto complete = json::parse(verify(true));
  CHECK(complete["evidence"] == json({{"through_seq", 2}, {"checkpoint_size", 3}, {"complete", true}}));
  CHECK(verify(false).find("Verdict: CLEAR: the custody chain is complete") != std::string::npos);

  // Another vehicle's entry after it: the next checkpoint covers more than
  // this VIN's bundle can speak for.
  ledger.append_signed(manufacture("JTJHY7AX2N4000322", "LX 600"));  // seq 3
  REQUIRE(ledger.run({"checkpoint"}).exit_code == 0);
  std::filesystem::remove(file);
  REQUIRE(ledger.run({"prove", "JTJHY7AX0N4000321", "--out", file.string()}).exit_code == 0);
  // A v2 bundle: its VIN index proof shows these are all of the VIN's entries.
  auto proven = json::parse(verify(true));
  CHECK(proven["evidence"] == json({{"through_seq", 2}, {"checkpoint_size", 4}, {"complete", true}}));
  CHECK(verify(false).find("Verdict: CLEAR: the custody chain is complete") != std::string::npos);
  // The same evidence as a v1 bundle (no index proof): it cannot exclude
  // later entries, and says how far it goes.
  json bundle = json::parse(read_file(file));
  bundle["format"] = "vinledger-bundle/v1";
  bundle.erase("checkpoint");
  bundle.erase("index_proof");
  write_file(file, bundle.dump(2));
  auto partial = json::parse(verify(true));
  CHECK(partial["evidence"] == json({{"through_seq", 2}, {"checkpoint_size", 4}, {"complete", false}}));
  const std::string text = verify(false);
  CHECK(text.find("Verdict: As far as the bundle shows, up to seq 2 of the 4 entries its checkpoint covers") !=
        std::string::npos);
}

TEST_CASE("witness init makes its state directory private whatever the umask", "[e2e][security][witness]") {
  TempDir dir;
  CliLedger ledger(dir);
  const mode_t saved = ::umask(0);
  auto init = run_vinledger({"witness", "init", "--name", "w.example/w", "--key", (dir / "w.key").string(),
                             "--log-key", log_key_of(ledger), "--state", (dir / "state").string()});
  // An existing directory is made private too.
  std::filesystem::create_directories(dir / "open");
  std::filesystem::permissions(dir / "open", std::filesystem::perms::all);
  auto existing = run_vinledger({"witness", "init", "--name", "w2.example/w", "--key", (dir / "w2.key").string(),
                                 "--log-key", log_key_of(ledger), "--state", (dir / "open").string()});
  ::umask(saved);
  INFO(init.err << existing.err);
  REQUIRE(init.exit_code == 0);
  REQUIRE(existing.exit_code == 0);
  for (const char* state : {"state", "open"}) {
    CHECK(mode_of(dir / state) == 0700);
    for (const auto& file : std::filesystem::directory_iterator(dir / state)) CHECK(mode_of(file.path()) == 0600);
  }
  CHECK(mode_of(dir / "w.key") == 0600);
}
