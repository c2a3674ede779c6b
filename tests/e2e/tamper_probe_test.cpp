// Tamper probes: a realistic ledger edited behind vinledger's back in every
// way the generator knows (every column of every table in a sample of rows,
// rows deleted, swapped, duplicated, forged entries added, entries rewritten
// consistently), and `audit` must catch each one with the right code and seq.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstring>
#include <iostream>

#include "cli_ledger.h"
#include "cli_witness.h"
#include "tamper_generator.h"
#include "vinledger/canonical_json.h"
#include "vinledger/entry.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/statement.h"
#include "vinledger/timestamp.h"
#include "vinledger/vin.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

std::string vin_for(long n) {
  std::string serial = std::to_string(1000000 + n);
  std::string vin = "JTMHV05J0C" + serial.substr(serial.size() - 7);
  vin[8] = vinledger::expected_check_digit(vin);
  return vin;
}

// Several VINs and parties, a key rotation, and more than 256 entries so that
// the tree has a full tile, a partial one and a second level.
struct RealisticLedger {
  TempDir dir;
  CliLedger ledger{dir};
  std::int64_t size = 0;
  std::filesystem::path kept_checkpoint;

  RealisticLedger() {
    ledger.load_scenario("real-case");
    ledger.add_party("maker", "JP", "manufacturer", {"--wmi", "JTM"});
    auto key = vinledger::SigningKey::load(ledger.key_of("maker"));
    REQUIRE(key);
    std::string batch;
    for (long n = 0; n < 290; ++n) {
      json statement = n % 2 == 0 ? json{{"type", "manufacture"}, {"country", "JP"}, {"make", "Toyota"},
                                         {"model", "Crown"}, {"year", 2023}}
                                  : json{{"type", "transfer"}, {"from", "maker"}, {"to", "maker"},
                                         {"country", "JP"}, {"doc", "T-" + std::to_string(n)}};
      statement["vin"] = vin_for(n / 2);
      statement["actor"] = "maker";
      statement["time"] = vinledger::format_timestamp(1672531200 + n);
      auto signed_statement = vinledger::sign_statement(std::move(statement), *key);
      REQUIRE(signed_statement);
      batch += signed_statement->canonical + "\n";
    }
    REQUIRE(ledger.run({"append", "-"}, batch).exit_code == 0);
    // Rotate maker's key, then use the new one.
    const auto new_key = dir / "keys" / "maker-2024.key";
    auto keygen = run_vinledger({"keygen", "--name", "maker", "--out", new_key.string()});
    REQUIRE(keygen.exit_code == 0);
    auto rotated = ledger.run({"party", "add", "maker", "--name", "maker (test party)", "--country", "JP", "--roles",
                               "manufacturer", "--wmi", "JTM", "--vkey", keygen.out.substr(0, keygen.out.find('\n'))});
    INFO(rotated.err);
    REQUIRE(rotated.exit_code == 0);
    auto recorded = ledger.run({"record", "transfer", "--vin", vin_for(0), "--as", "maker", "--key", new_key.string(),
                                "--from", "maker", "--to", "maker", "--country", "JP", "--doc", "AFTER-ROTATION"});
    INFO(recorded.err);
    REQUIRE(recorded.exit_code == 0);
    // A correction, so that the event index holds a void's row.
    auto history = ledger.run({"--json", "history", vin_for(2)});
    REQUIRE(history.exit_code == 0);
    const std::string withdrawn = json::parse(history.out)["entries"][1]["hash"];
    auto voided = ledger.run({"record", "void", "--vin", vin_for(2), "--key", new_key.string(), "--target", withdrawn,
                              "--reason", "recorded against the wrong vehicle"});
    INFO(voided.err);
    REQUIRE(voided.exit_code == 0);
    // Two checkpoints, so that the checkpoints table has rows to tamper
    // with, and an auditor's copy of the last one.
    REQUIRE(ledger.run({"checkpoint"}).exit_code == 0);
    REQUIRE(ledger.run({"record", "transfer", "--vin", vin_for(1), "--as", "maker", "--key", new_key.string(), "--from",
                        "maker", "--to", "maker", "--country", "JP", "--doc", "LAST"})
                .exit_code == 0);
    auto kept = ledger.run({"checkpoint"});
    REQUIRE(kept.exit_code == 0);
    kept_checkpoint = dir / "kept.checkpoint";
    write_file(kept_checkpoint, kept.out);
    // Two witnesses' cosignatures of it, stored, so that the cosignatures
    // table has rows to tamper with (two, for the swap).
    std::vector<std::string> args = {"checkpoint"};
    for (const char* name : {"witness-a.example/w", "witness-b.example/w"}) {
      CliWitness witness(dir, name, log_key_of(ledger));
      auto cosigned = witness.cosign(kept_checkpoint, {}, ledger.db());
      INFO(cosigned.err);
      REQUIRE(cosigned.exit_code == 0);
      const auto file = dir / (std::string(name).substr(0, 9) + ".cp");
      write_file(file, cosigned.out);
      args.insert(args.end(), {"--cosigned", file.string(), "--witness", witness.cosigner_key()});
    }
    auto stored = ledger.run(args);
    INFO(stored.err);
    REQUIRE(stored.exit_code == 0);
    auto audit = ledger.run({"--json", "audit"});
    REQUIRE(audit.exit_code == 0);
    size = json::parse(audit.out)["size"].get<std::int64_t>();
    REQUIRE(size > 256);
    REQUIRE(size % 256 >= 2);  // the truncation probe below shortens a partial tile
  }
};

std::string blob(const SQLite::Column& column) {
  return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
}

vinledger::Hash hash_at(SQLite::Database& db, std::int64_t seq) {
  SQLite::Statement query(db, "SELECT hash FROM entries WHERE seq = ?");
  query.bind(1, seq);
  REQUIRE(query.executeStep());
  vinledger::Hash hash{};
  std::memcpy(hash.data(), query.getColumn(0).getBlob(), hash.size());
  return hash;
}

void insert_entry(SQLite::Database& db, const vinledger::EntryHeader& header, const vinledger::Statement& statement,
                  const std::string& chain, const std::string& type, const std::string& actor,
                  std::optional<std::int64_t> chain_prev) {
  const std::string leaf = vinledger::entry_leaf_bytes(header, statement.canonical);
  const vinledger::Hash hash = vinledger::leaf_hash(leaf);
  const vinledger::Hash statement_hash = vinledger::sha256(statement.signed_message);
  SQLite::Statement insert(db, "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, header.seq);
  insert.bind(2, hash.data(), 32);
  insert.bind(3, leaf.data(), static_cast<int>(leaf.size()));
  insert.bind(4, chain);
  insert.bind(5, type);
  insert.bind(6, actor);
  if (chain_prev) insert.bind(7, *chain_prev);
  insert.bind(8, statement_hash.data(), 32);
  insert.exec();
}

// A well-formed entry at the end of the log, chained to what is there,
// signed by a key the ledger never registered for `actor`.
TamperProbe forged_entry(std::int64_t size, const std::string& actor, const char* code) {
  return {"forged entry by '" + actor + "' appended at seq " + std::to_string(size),
          [size, actor, code](SQLite::Database& db) {
            drop_triggers(db);
            const std::string vin = vin_for(0);
            SQLite::Statement head(db, "SELECT max(seq) FROM entries WHERE chain = ?");
            head.bind(1, vin);
            REQUIRE(head.executeStep());
            const std::int64_t vin_head = head.getColumn(0).getInt64();
            json statement = {{"type", "destroy"}, {"vin", vin}, {"time", "2024-01-01T00:00:00Z"},
                              {"actor", actor}, {"country", "JP"}};
            auto signed_statement = vinledger::sign_statement(statement, vinledger::SigningKey::generate());
            REQUIRE(signed_statement);
            insert_entry(db, {size, "2024-01-01T00:00:00Z", hash_at(db, size - 1), hash_at(db, vin_head)},
                         *signed_statement, vin, "destroy", actor, vin_head);
            return std::vector<ExpectedFinding>{{code, size}};
          }};
}

// The statement at `seq` changed and everything stored about it recomputed
// (hash, statement_hash): only the signature can give it away.
TamperProbe consistent_rewrite(std::int64_t seq) {
  return {"entries[seq=" + std::to_string(seq) + "] rewritten with its hashes recomputed", [seq](SQLite::Database& db) {
            drop_triggers(db);
            SQLite::Statement query(db, "SELECT leaf FROM entries WHERE seq = ?");
            query.bind(1, seq);
            REQUIRE(query.executeStep());
            auto entry = vinledger::parse_entry_leaf(blob(query.getColumn(0)));
            REQUIRE(entry);
            entry->statement["time"] = "2001-01-01T00:00:00Z";
            auto canonical = vinledger::canonical_json(entry->statement);
            REQUIRE(canonical);
            const std::string leaf = vinledger::entry_leaf_bytes(entry->header, *canonical);
            json unsigned_statement = entry->statement;
            unsigned_statement.erase("sig");
            auto message = vinledger::canonical_json(unsigned_statement);
            REQUIRE(message);
            const vinledger::Hash hash = vinledger::leaf_hash(leaf);
            const vinledger::Hash statement_hash = vinledger::sha256(std::string(vinledger::kStatementSignaturePrefix) + *message);
            SQLite::Statement update(db, "UPDATE entries SET leaf = ?, hash = ?, statement_hash = ? WHERE seq = ?");
            update.bind(1, leaf.data(), static_cast<int>(leaf.size()));
            update.bind(2, hash.data(), 32);
            update.bind(3, statement_hash.data(), 32);
            update.bind(4, seq);
            REQUIRE(update.exec() == 1);
            return std::vector<ExpectedFinding>{{"BAD_SIGNATURE", seq}};
          }};
}

struct AuditOutcome {
  int exit_code = -1;
  json findings = json::array();
};

AuditOutcome audit_copy(const RealisticLedger& base, const TamperProbe& probe, std::vector<ExpectedFinding>& expected) {
  TempDir dir;
  const auto db_path = dir / "ledger.db";
  std::filesystem::copy_file(base.ledger.db(), db_path);
  {
    SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
    expected = probe.apply(db);
  }
  auto result = run_vinledger({"--db", db_path.string(), "--json", "audit"});
  AuditOutcome outcome{result.exit_code, json::array()};
  if (result.exit_code == 0 || result.exit_code == 1) outcome.findings = json::parse(result.out)["findings"];
  else outcome.findings.push_back({{"code", "exit " + std::to_string(result.exit_code)}, {"message", result.err}});
  return outcome;
}

bool caught(const AuditOutcome& outcome, const std::vector<ExpectedFinding>& expected) {
  if (outcome.exit_code != 1) return false;
  for (const auto& finding : outcome.findings)
    for (const auto& want : expected) {
      if (finding["code"] != want.code) continue;
      if (want.any_seq) return true;
      if (want.seq ? finding["seq"] == *want.seq : finding["seq"].is_null()) return true;
    }
  return false;
}

std::string describe(const std::vector<ExpectedFinding>& expected) {
  std::string text;
  for (const auto& want : expected)
    text += (text.empty() ? "" : " or ") + want.code + "@" +
            (want.any_seq ? std::string("any") : want.seq ? std::to_string(*want.seq) : std::string("-"));
  return text;
}

}  // namespace

TEST_CASE("tamper probes: audit catches every generated tamper with the right code and seq", "[e2e][tamper][slow]") {  // [slow]: 105 probes, each a process run; once
  RealisticLedger base;
  ProbeSet set = generate_tamper_probes(base.ledger.db());
  INFO("tables with no oracle: write one in tamper_generator.cpp");
  REQUIRE(set.unknown_tables.empty());

  SQLite::Database db(base.ledger.db(), SQLite::OPEN_READONLY);
  const std::int64_t rotation =
      db.execAndGet("SELECT max(seq) FROM entries WHERE type = 'party'").getInt64();
  set.probes.push_back(forged_entry(base.size, "maker", "BAD_SIGNATURE"));
  set.probes.push_back(forged_entry(base.size, "ghost-importer", "UNKNOWN_KEY"));
  set.probes.push_back(consistent_rewrite(base.size / 2));
  set.probes.push_back(consistent_rewrite(rotation));

  int caught_count = 0;
  std::vector<std::string> missed;
  for (const auto& probe : set.probes) {
    INFO("probe: " << probe.name);
    std::vector<ExpectedFinding> expected;
    const AuditOutcome outcome = audit_copy(base, probe, expected);
    if (caught(outcome, expected)) ++caught_count;
    else missed.push_back(probe.name + ": expected " + describe(expected) + ", audit exit " +
                          std::to_string(outcome.exit_code) + " found " + outcome.findings.dump());
  }
  std::cerr << "tamper probes: caught " << caught_count << " of " << set.probes.size() << "\n";
  for (const auto& note : set.not_covered) std::cerr << "tamper probes: not covered: " << note << "\n";
  for (const auto& miss : missed) std::cerr << "tamper probes: MISSED " << miss << "\n";
  INFO("missed:\n" << [&] {
    std::string all;
    for (const auto& miss : missed) all += miss + "\n";
    return all;
  }());
  CHECK(caught_count == static_cast<int>(set.probes.size()));
}

// Entries cut off the end with the tree cut to match leave a shorter, sound
// log: a checkpoint issued before the cut shows it. The ledger's own
// checkpoints do, unless they are cut too; then one kept outside does, and
// so does the VIN index, which still covers the cut entries.
TEST_CASE("tamper probes: a consistent truncation (entries and tree both cut) is caught by checkpoints", "[e2e][tamper][once]") {
  RealisticLedger base;
  TempDir dir;
  const auto db_path = dir / "ledger.db";
  std::filesystem::copy_file(base.ledger.db(), db_path);
  auto cut = [&](bool also_checkpoints) {
    SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
    drop_triggers(db);
    db.exec("DELETE FROM entries WHERE seq = " + std::to_string(base.size - 1));
    db.exec("DELETE FROM event_index WHERE seq = " + std::to_string(base.size - 1));  // its lookup row goes too
    db.exec("UPDATE tiles SET hashes = substr(hashes, 1, length(hashes) - 32) WHERE level = 0 AND idx = " +
            std::to_string((base.size - 1) / 256));
    if (also_checkpoints) {
      // Its witnesses' cosignatures go with it, or they would point at nothing.
      db.exec("DELETE FROM cosignatures WHERE checkpoint_id IN (SELECT id FROM checkpoints WHERE size = " +
              std::to_string(base.size) + ")");
      db.exec("DELETE FROM checkpoints WHERE size = " + std::to_string(base.size));
    }
  };
  auto truncated_at = [](const json& report) {
    for (const auto& finding : report["findings"])
      if (finding["code"] == "TRUNCATED") return finding["seq"].get<std::int64_t>();
    return std::int64_t{-1};
  };

  SECTION("the ledger's own checkpoint shows it") {
    cut(false);
    auto result = run_vinledger({"--db", db_path.string(), "--json", "audit"});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK(truncated_at(json::parse(result.out)) == base.size - 1);
  }
  SECTION("with the checkpoint cut too, the VIN index and the auditor's copy show it") {
    cut(true);
    // The index still holds the cut entry: its tiles are stored as of a
    // size the log no longer reaches. (Cutting them too would need the
    // index as it stood before, which the ledger no longer keeps.)
    auto plain = run_vinledger({"--db", db_path.string(), "--json", "audit"});
    INFO(plain.out << plain.err);
    CHECK(plain.exit_code == 1);
    CHECK(json::parse(plain.out)["size"] == base.size - 1);
    CHECK(json::parse(plain.out)["findings"][0]["code"] == "INDEX_MISMATCH");
    CHECK(truncated_at(json::parse(plain.out)) == -1);
    auto against = run_vinledger(
        {"--db", db_path.string(), "--json", "audit", "--checkpoint", base.kept_checkpoint.string()});
    INFO(against.out << against.err);
    CHECK(against.exit_code == 1);
    CHECK(truncated_at(json::parse(against.out)) == base.size - 1);
  }
}
