// audit against a ledger edited behind vinledger's back, as a database
// administrator could: every edit must surface with the right code and seq.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include "cli_ledger.h"
#include "vinledger/entry.h"
#include "vinledger/hash.h"
#include "vinledger/statement.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kVin = "JTJHY7AX0N4000321";

struct TamperFixture {
  TempDir dir;
  CliLedger ledger{dir};
  TamperFixture() { ledger.load_scenario("real-case"); }  // seq 0-3 parties, 4-7 the Lexus

  SQLite::Database open_writable() {
    SQLite::Database db(ledger.db(), SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;");
    return db;
  }

  std::string leaf_at(SQLite::Database& db, std::int64_t seq) {
    SQLite::Statement query(db, "SELECT leaf FROM entries WHERE seq = ?");
    query.bind(1, static_cast<std::int64_t>(seq));
    REQUIRE(query.executeStep());
    auto column = query.getColumn(0);
    return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
  }

  void set_leaf(SQLite::Database& db, std::int64_t seq, const std::string& leaf, bool rehash) {
    SQLite::Statement update(db, rehash ? "UPDATE entries SET leaf = ?, hash = ? WHERE seq = ?"
                                        : "UPDATE entries SET leaf = ? WHERE seq = ?");
    update.bind(1, leaf.data(), static_cast<int>(leaf.size()));
    int next = 2;
    const vinledger::Hash hash = vinledger::leaf_hash(leaf);
    if (rehash) update.bind(next++, hash.data(), static_cast<int>(hash.size()));
    update.bind(next, static_cast<std::int64_t>(seq));
    REQUIRE(update.exec() == 1);
  }

  // The findings of `audit --json` as "CODE@seq" strings.
  std::set<std::string> audit_codes(int expected_exit = 1) {
    const std::string before = ledger.content_digest();
    auto result = ledger.run({"--json", "audit"});
    INFO(result.err);
    CHECK(result.exit_code == expected_exit);
    CHECK(ledger.content_digest() == before);  // audit only reads
    std::set<std::string> codes;
    const json report = json::parse(result.out);
    for (const auto& finding : report["findings"]) {
      CHECK(finding["severity"] == "critical");
      codes.insert(finding["code"].get<std::string>() + "@" +
                   (finding["seq"].is_null() ? std::string("-") : std::to_string(finding["seq"].get<int>())));
    }
    INFO(result.out);
    return codes;
  }
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "audit of an untouched ledger is clean", "[e2e][audit]") {
  auto result = ledger.run({"--json", "audit"});
  REQUIRE(result.exit_code == 0);
  auto report = json::parse(result.out);
  CHECK(report["size"] == 8);
  CHECK(report["findings"].empty());
  CHECK(report.contains("root"));
}

TEST_CASE_METHOD(TamperFixture, "an edited entry is caught: hash, signature and the chain after it", "[e2e][audit]") {
  {
    auto db = open_writable();
    set_leaf(db, 6, replaced(leaf_at(db, 6), R"("destination":"SG")", R"("destination":"MY")"), false);
  }
  auto codes = audit_codes();
  CHECK(codes.count("HASH_MISMATCH@6"));
  CHECK(codes.count("BAD_SIGNATURE@6"));
  CHECK(codes.count("CHAIN_BROKEN@7"));
}

TEST_CASE_METHOD(TamperFixture, "an edited entry with its hash recomputed is still caught", "[e2e][audit]") {
  {
    auto db = open_writable();
    set_leaf(db, 6, replaced(leaf_at(db, 6), R"("destination":"SG")", R"("destination":"MY")"), true);
  }
  auto codes = audit_codes();
  CHECK(codes.count("HASH_MISMATCH@6") == 1);  // the statement_hash column no longer matches
  CHECK(codes.count("BAD_SIGNATURE@6"));
  CHECK(codes.count("CHAIN_BROKEN@7"));
}

TEST_CASE_METHOD(TamperFixture, "a deleted entry leaves a gap and a broken chain", "[e2e][audit]") {
  {
    auto db = open_writable();
    db.exec("DELETE FROM entries WHERE seq = 5");
  }
  auto codes = audit_codes();
  CHECK(codes.count("SEQ_GAP@6"));
  CHECK(codes.count("CHAIN_BROKEN@6"));
}

TEST_CASE_METHOD(TamperFixture, "a lookup column that disagrees with the hashed entry is caught", "[e2e][audit]") {
  const char* edits[] = {
      "UPDATE entries SET actor = 'kansai-motors' WHERE seq = 4",
      "UPDATE entries SET type = 'destroy' WHERE seq = 4",
      "UPDATE entries SET chain = 'JTJHY7AX2N4000322' WHERE seq = 4",
      "UPDATE entries SET chain_prev = 2 WHERE seq = 5",
      "UPDATE entries SET statement_hash = zeroblob(32) WHERE seq = 4",
  };
  for (const char* edit : edits) {
    TempDir other;
    std::filesystem::copy_file(ledger.db(), other / "ledger.db");
    SQLite::Database db(other / "ledger.db", SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER entries_no_update");
    db.exec(edit);
    auto result = run_vinledger({"--db", (other / "ledger.db").string(), "--json", "audit"});
    INFO(edit << "\n" << result.out);
    CHECK(result.exit_code == 1);
    CHECK(result.out.find("HASH_MISMATCH") != std::string::npos);
    CHECK(result.out.find("disagrees with the hashed entry") != std::string::npos);
  }
}

TEST_CASE_METHOD(TamperFixture, "a forged entry appended behind vinledger's back is caught", "[e2e][audit]") {
  auto db = open_writable();
  SQLite::Statement last(db, "SELECT hash FROM entries WHERE seq = 7");
  REQUIRE(last.executeStep());
  vinledger::Hash previous{};
  std::memcpy(previous.data(), last.getColumn(0).getBlob(), 32);

  auto insert_forged = [&](const std::string& actor, const vinledger::SigningKey& key) {
    json statement = {{"type", "import"}, {"vin", kVin}, {"time", "2023-07-01T00:00:00Z"}, {"actor", actor},
                      {"country", "SG"}, {"port", "SGSIN"}, {"doc", "FORGED-1"}};
    auto signed_statement = vinledger::sign_statement(statement, key);
    REQUIRE(signed_statement);
    vinledger::EntryHeader header{8, "2023-07-01T00:00:00Z", previous, previous};
    const std::string leaf = vinledger::entry_leaf_bytes(header, signed_statement->canonical);
    const vinledger::Hash hash = vinledger::leaf_hash(leaf);
    const vinledger::Hash statement_hash = vinledger::sha256(signed_statement->signed_message);
    SQLite::Statement insert(db, "INSERT INTO entries VALUES (8, ?, ?, ?, 'import', ?, 7, ?)");
    insert.bind(1, hash.data(), 32);
    insert.bind(2, leaf.data(), static_cast<int>(leaf.size()));
    insert.bind(3, kVin);
    insert.bind(4, actor);
    insert.bind(5, statement_hash.data(), 32);
    insert.exec();
  };
  SECTION("by a party the ledger never registered") {
    insert_forged("ghost-importer", vinledger::SigningKey::generate());
    CHECK(audit_codes().count("UNKNOWN_KEY@8"));
  }
  SECTION("in a registered party's name, without its key") {
    insert_forged("kansai-motors", vinledger::SigningKey::generate());
    // The signature, the tree tile that does not hold the forged entry, and
    // the VIN index, which does not count it either.
    // HASH_MISMATCH@8: the forged entry has no event-index row either.
  CHECK(audit_codes() == std::set<std::string>{"BAD_SIGNATURE@8", "HASH_MISMATCH@-", "HASH_MISMATCH@8", "INDEX_MISMATCH@-"});
  }
}

TEST_CASE_METHOD(TamperFixture, "a hand edit through the sqlite3 shell is caught", "[e2e][audit][sqlite3]") {
  auto sqlite = run_program("/usr/bin/sqlite3",
                            {ledger.db().string(),
                             "DROP TRIGGER entries_no_update; UPDATE entries SET leaf = CAST(replace(CAST(leaf AS TEXT), "
                             "'\"to_port\":\"BDCGP\"', '\"to_port\":\"SGSIN\"') AS BLOB) WHERE seq = 7;"});
  INFO(sqlite.err);
  REQUIRE(sqlite.exit_code == 0);
  auto result = ledger.run({"audit"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("CRITICAL HASH_MISMATCH seq 7") != std::string::npos);
}

TEST_CASE_METHOD(TamperFixture, "the append-only triggers refuse UPDATE and DELETE", "[e2e][audit]") {
  SQLite::Database db(ledger.db(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH(db.exec("UPDATE entries SET actor = 'x' WHERE seq = 4"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM entries WHERE seq = 4"), Catch::Contains("append-only"));
}

TEST_CASE_METHOD(TamperFixture, "an edited, removed or added tree tile is caught", "[e2e][audit][tree]") {
  const char* edits[] = {
      "DROP TRIGGER tiles_only_grow; UPDATE tiles SET hashes = zeroblob(256) WHERE level = 0 AND idx = 0",
      "DROP TRIGGER tiles_no_delete; DELETE FROM tiles WHERE level = 0 AND idx = 0",
      "INSERT INTO tiles VALUES (0, 7, zeroblob(32))",
  };
  const char* expected[] = {"tile 0/0 differs", "tile 0/0 is missing", "tiles at level 0"};
  for (int i = 0; i < 3; ++i) {
    TempDir other;
    std::filesystem::copy_file(ledger.db(), other / "ledger.db");
    {
      SQLite::Database db(other / "ledger.db", SQLite::OPEN_READWRITE);
      db.exec(edits[i]);
    }
    auto result = run_vinledger({"--db", (other / "ledger.db").string(), "--json", "audit"});
    INFO(edits[i] << "\n" << result.out);
    CHECK(result.exit_code == 1);
    CHECK(result.out.find("\"code\":\"HASH_MISMATCH\"") != std::string::npos);
    CHECK(result.out.find(expected[i]) != std::string::npos);
  }
}

namespace {

// RFC 6962 MTH, the textbook recursion, over the entries' own bytes.
vinledger::Hash naive_root(const std::vector<std::string>& leaves, std::size_t begin, std::size_t end) {
  if (end - begin == 1) return vinledger::leaf_hash(leaves[begin]);
  std::size_t split = 1;
  while (split * 2 < end - begin) split *= 2;
  return vinledger::node_hash(naive_root(leaves, begin, begin + split), naive_root(leaves, begin + split, end));
}

std::string root_of_leaves(const std::filesystem::path& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT leaf FROM entries ORDER BY seq");
  std::vector<std::string> leaves;
  while (query.executeStep())
    leaves.emplace_back(static_cast<const char*>(query.getColumn(0).getBlob()),
                        static_cast<std::size_t>(query.getColumn(0).getBytes()));
  return vinledger::to_hex(naive_root(leaves, 0, leaves.size()));
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "audit gives the RFC 6962 root of the entries", "[e2e][audit][tree]") {
  auto report = json::parse(ledger.run({"--json", "audit"}).out);
  CHECK(report["root"] == root_of_leaves(ledger.db()));
  ledger.append_signed(R"({"type":"destroy","vin":"JTJHY7AX0N4000321","time":"2023-08-01T00:00:00Z","actor":"kansai-motors","country":"BD"})");
  auto after = json::parse(ledger.run({"--json", "audit"}).out);
  CHECK(after["size"] == 9);
  CHECK(after["root"] == root_of_leaves(ledger.db()));
}
