// The VIN index through the binary: complete and absence bundles, and the
// attacks a bundle's holder or the operator could try (docs/security.md).
#include <openssl/sha.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_ledger.h"
#include "tamper_generator.h"
#include "vinledger/bundle.h"
#include "vinledger/encoding.h"
#include "vinledger/vin_index.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kVin = "JTJHY7AX0N4000321";
constexpr const char* kUnknownVin = "JTJHY7AX0N4000999";
// The Lexus's last leg, from Chattogram to Nampo (fixtures/scenarios/real-case-continued).
constexpr const char* kLastLeg =
    R"({"type":"ship","vin":"JTJHY7AX0N4000321","time":"2023-06-19T03:00:00Z","actor":"bay-feeder",)"
    R"("from_port":"BDCGP","to_port":"KPNAM","vessel":"MV Sea Lantern","doc":"BL-CGPNAM-0412"})";

std::string log_key_of(const CliLedger& ledger) {
  auto listed = json::parse(ledger.run({"--json", "party", "list"}).out);
  for (const auto& party : listed["parties"])
    if (party["id"] == "operator") return party["vkey"];
  FAIL("no operator in party list");
  return {};
}

RunResult verify_bundle(const std::filesystem::path& bundle, const std::string& log_key,
                        const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"--db", "/nonexistent/no-ledger.db", "verify-bundle", bundle.string(), "--log-key",
                                log_key, "--as-of", "2024-01-01"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_vinledger(args);
}

json prove(const CliLedger& ledger, const std::string& vin) {
  auto proved = ledger.run({"prove", vin});
  INFO(proved.err);
  REQUIRE(proved.exit_code == 0);
  return json::parse(proved.out);
}

std::filesystem::path written(const TempDir& dir, const std::string& name, const json& bundle) {
  const auto path = dir / name;
  write_file(path, bundle.dump(2));
  return path;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The Lexus with its whole voyage to Nampo, proved.
struct Continued {
  TempDir dir;
  CliLedger ledger{dir};
  json bundle;
  std::string log_key;
  Continued() {
    ledger.load_scenario("real-case-continued");
    bundle = prove(ledger, kVin);
    log_key = log_key_of(ledger);
  }
};

}  // namespace

TEST_CASE("index: a bundle says it is complete, and an unknown VIN gets an absence bundle", "[index][prove]") {
  Continued c;
  CHECK(c.bundle["format"] == "vinledger-bundle/v2");
  const std::size_t n = c.bundle["entries"].size();
  REQUIRE(n == 5);
  auto verified = verify_bundle(written(c.dir, "b.json", c.bundle), c.log_key);
  INFO(verified.err);
  const std::string size = std::to_string(json::parse(c.ledger.run({"--json", "audit"}).out)["size"].get<int>());
  CHECK(contains(verified.out, "complete: these are all 5 entries recorded for VIN " + std::string(kVin) +
                                   " up to checkpoint size " + size + "\n"));
  auto as_json = verify_bundle(written(c.dir, "b.json", c.bundle), c.log_key, {"--json"});
  CHECK(json::parse(as_json.out)["complete"] == true);

  auto absent = c.ledger.run({"prove", kUnknownVin, "--out", (c.dir / "absent.json").string()});
  INFO(absent.err);
  REQUIRE(absent.exit_code == 0);
  CHECK(contains(absent.err, "absence bundle"));
  const json absence = json::parse(read_file(c.dir / "absent.json"));
  CHECK(absence["entries"].empty());
  CHECK(absence["parties"].empty());
  auto checked = verify_bundle(c.dir / "absent.json", c.log_key);
  INFO(checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(contains(checked.out, "no entry for VIN " + std::string(kUnknownVin) + " in this ledger at size " + size));
}

TEST_CASE("index attack: entries left out of a bundle", "[index][attack][once]") {
  Continued c;
  const json& entries = c.bundle["entries"];
  const std::int64_t last_seq = entries[4]["entry"]["seq"], before_last_seq = entries[3]["entry"]["seq"];
  (void)before_last_seq;

  SECTION("the last entry (the leg to Nampo)") {
    json cut = c.bundle;
    cut["entries"].erase(4);
    auto refused = verify_bundle(written(c.dir, "cut.json", cut), c.log_key);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "the index proves 5 entries for VIN " + std::string(kVin)));
    CHECK(contains(refused.err, "the bundle holds 4; the last is seq " + std::to_string(last_seq)));
    CHECK(refused.out.empty());
  }
  SECTION("the last two") {
    json cut = c.bundle;
    cut["entries"].erase(4);
    cut["entries"].erase(3);
    auto refused = verify_bundle(written(c.dir, "cut.json", cut), c.log_key);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "the index proves 5 entries"));
    CHECK(contains(refused.err, "the bundle holds 3; the last is seq " + std::to_string(last_seq)));
  }
  SECTION("a middle one") {
    json cut = c.bundle;
    cut["entries"].erase(2);
    auto refused = verify_bundle(written(c.dir, "cut.json", cut), c.log_key);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "entries[2].entry.vin_prev"));
    CHECK(contains(refused.err, "missing from the bundle"));
  }
  SECTION("all of them: an absence claimed for a VIN that has entries") {
    json cut = c.bundle;
    cut["entries"] = json::array();
    cut["parties"] = json::array();
    auto refused = verify_bundle(written(c.dir, "cut.json", cut), c.log_key);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "the index proves 5 entries"));
    CHECK(contains(refused.err, "the bundle holds none"));
  }
}

TEST_CASE("index attack: relabelled bundles", "[index][attack][once]") {
  Continued c;
  SECTION("VIN A's bundle relabelled as VIN B") {
    json relabelled = c.bundle;
    relabelled["vin"] = kUnknownVin;
    auto refused = verify_bundle(written(c.dir, "r.json", relabelled), c.log_key);
    CHECK(refused.exit_code == 1);
    // Its entries and its index proof both name VIN A.
    CHECK(contains(refused.err, "index_proof"));
    relabelled["index_proof"] = prove(c.ledger, kUnknownVin)["index_proof"];
    refused = verify_bundle(written(c.dir, "r.json", relabelled), c.log_key);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "is not the bundle's VIN " + std::string(kUnknownVin)));
  }
  SECTION("an absence bundle presented for a VIN that has entries") {
    json absence = prove(c.ledger, kUnknownVin);
    absence["vin"] = kVin;
    auto refused = verify_bundle(written(c.dir, "a.json", absence), c.log_key);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "index_proof"));
    // With VIN A's own index proof, which proves its entries.
    absence["index_proof"] = c.bundle["index_proof"];
    refused = verify_bundle(written(c.dir, "a.json", absence), c.log_key);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "the index proves 5 entries"));
  }
}

TEST_CASE("index attack: a bundle against an older checkpoint presented as current", "[index][attack]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const json old_bundle = prove(ledger, kVin);
  REQUIRE(old_bundle["entries"].size() == 4);
  const std::string log_key = log_key_of(ledger);
  ledger.add_party("bay-feeder", "BD", "carrier", {}, "Bay of Bengal Feeder Lines Ltd.");
  ledger.append_signed(kLastLeg);
  const json new_bundle = prove(ledger, kVin);
  REQUIRE(new_bundle["entries"].size() == 5);
  const auto held = dir / "held.cp";
  write_file(held, new_bundle["checkpoint"].get<std::string>());

  // Alone, the old bundle is complete up to its own, older, checkpoint.
  auto alone = verify_bundle(written(dir, "old.json", old_bundle), log_key);
  INFO(alone.err);
  CHECK(alone.exit_code != 2);  // 1: the real case's own findings
  CHECK(contains(alone.out, "complete: these are all 4 entries"));
  // Beside a newer checkpoint the verifier holds, it is stale.
  auto stale = verify_bundle(dir / "old.json", log_key, {"--checkpoint", held.string()});
  CHECK(stale.exit_code == 1);
  CHECK(contains(stale.err, "older than the checkpoint of size"));
  CHECK(contains(stale.err, "ask for a fresh bundle"));
  auto fresh = verify_bundle(written(dir, "new.json", new_bundle), log_key, {"--checkpoint", held.string()});
  INFO(fresh.err);
  CHECK(fresh.exit_code == 1);  // real-case-continued ends in Nampo: a critical finding
  CHECK(contains(fresh.out, "complete: these are all 5 entries"));

  // The old index proof (4 entries) under the new checkpoint, with the
  // new bundle's first four entries: the proof leads to the old root.
  json mixed = new_bundle;
  mixed["entries"].erase(4);
  mixed["index_proof"] = old_bundle["index_proof"];
  auto refused = verify_bundle(written(dir, "mixed.json", mixed), log_key);
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err, "index_proof"));
  CHECK(contains(refused.err, "not the checkpoint's index root"));
}

TEST_CASE("index attack: an index root the operator computed wrongly", "[index][attack]") {
  Continued c;
  // The operator's stored index says the Lexus has one entry fewer (the
  // leg to Nampo never indexed): the count in its leaf is lowered, and the
  // next checkpoint signs the root computed from it.
  {
    SQLite::Database db(c.ledger.db(), SQLite::OPEN_READWRITE);
    drop_triggers(db);
    const vinledger::Hash key = vinledger::index_key(kVin);
    SQLite::Statement find(db,
                           "SELECT level, prefix, version, content FROM index_tiles WHERE instr(content, ?) > 0 "
                           "ORDER BY version DESC LIMIT 1");
    find.bind(1, key.data(), 32);
    REQUIRE(find.executeStep());
    std::string content(static_cast<const char*>(find.getColumn(3).getBlob()), find.getColumn(3).getBytes());
    const std::size_t at = content.find(std::string(reinterpret_cast<const char*>(key.data()), 32));
    REQUIRE(at != std::string::npos);
    content[at + 32 + 7] = static_cast<char>(content[at + 32 + 7] - 1);  // the count's low byte
    // An empty prefix (the root tile) reads back as a null pointer: bind x''.
    SQLite::Statement update(
        db, "UPDATE index_tiles SET content = ? WHERE level = ? AND prefix = coalesce(?, x'') AND version = ?");
    update.bind(1, content.data(), static_cast<int>(content.size()));
    update.bind(2, find.getColumn(0).getInt());
    update.bind(3, find.getColumn(1).getBlob(), find.getColumn(1).getBytes());
    update.bind(4, find.getColumn(2).getInt64());
    REQUIRE(update.exec() == 1);
  }
  c.ledger.add_party("late-carrier", "SG", "carrier");
  REQUIRE(c.ledger.run({"checkpoint"}).exit_code == 0);
  const json checkpoints = json::parse(c.ledger.run({"--json", "audit"}).out);
  bool named = false;
  for (const auto& finding : checkpoints["findings"])
    if (finding["code"] == "INDEX_MISMATCH" && finding.contains("vin") && finding["vin"] == kVin &&
        contains(finding["message"].get<std::string>(), "at size"))
      named = true;
  INFO(checkpoints.dump(2));
  CHECK(named);
  CHECK(c.ledger.run({"audit"}).exit_code == 1);
  // A bundle proved against that checkpoint does not verify: the index
  // proves four entries, the bundle holds five.
  auto bundle = c.ledger.run({"prove", kVin});
  REQUIRE(bundle.exit_code == 0);
  auto refused = verify_bundle(written(c.dir, "wrong.json", json::parse(bundle.out)), c.log_key);
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err, "the index proves 4 entries"));
  // And the recomputation a mirror runs gives another root than the signed one.
  vinledger::IndexBuilder rebuilt;
  SQLite::Database db(c.ledger.db(), SQLite::OPEN_READONLY);
  SQLite::Statement entries(db, "SELECT seq, chain, hash FROM entries ORDER BY seq");
  while (entries.executeStep()) {
    vinledger::Hash hash;
    std::memcpy(hash.data(), entries.getColumn(2).getBlob(), 32);
    rebuilt.add(entries.getColumn(1).getString(), static_cast<std::uint64_t>(entries.getColumn(0).getInt64()), hash);
  }
  auto signed_checkpoint = vinledger::parse_unverified_checkpoint(json::parse(bundle.out)["checkpoint"].get<std::string>());
  REQUIRE(signed_checkpoint);
  auto signed_root = vinledger::checkpoint_index_root(signed_checkpoint->checkpoint);
  REQUIRE(signed_root);
  REQUIRE(*signed_root);
  CHECK(**signed_root != rebuilt.root());
  // A mirror rebuilds the index as it appends the log's entries and refuses
  // the checkpoint whose index root it cannot reproduce.
  const auto tiles = c.dir / "tiles";
  auto published = c.ledger.run({"checkpoint", "--tiles-dir", tiles.string()});
  INFO(published.err);
  REQUIRE(published.exit_code == 0);
  auto mirrored = run_vinledger({"--db", (c.dir / "mirror.db").string(), "--json", "mirror", "--tiles-dir",
                                 tiles.string(), "--log-key", c.log_key});
  INFO(mirrored.out << mirrored.err);
  CHECK(mirrored.exit_code == 1);
  const json outcome = json::parse(mirrored.out);
  CHECK(outcome["outcome"] == "refused");
  CHECK(contains(outcome["reason"].get<std::string>(), "VIN index root"));
}

TEST_CASE("index: audit is clean on an honest ledger with several checkpoints", "[index][audit]") {
  Continued c;
  c.ledger.add_party("late-carrier", "SG", "carrier");
  REQUIRE(c.ledger.run({"checkpoint"}).exit_code == 0);
  c.ledger.add_party("later-carrier", "SG", "carrier");
  auto audit = c.ledger.run({"--json", "audit"});
  INFO(audit.out);
  CHECK(audit.exit_code == 0);
  // The tiles the first checkpoint needs are still there: a proof against it verifies.
  CHECK(c.bundle["format"] == "vinledger-bundle/v2");
  auto old = verify_bundle(written(c.dir, "b.json", c.bundle), c.log_key);
  CHECK(contains(old.out, "complete: these are all 5 entries"));
}
