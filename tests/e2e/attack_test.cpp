// Attacks by the operator itself, who holds the database and the log key:
// rewriting history consistently, truncating the log, forking it, replaying
// an old checkpoint. Each is done with sqlite3-level edits (SQLiteCpp) and
// must be caught by whoever kept an earlier checkpoint or runs a witness.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>

#include "cli_ledger.h"
#include "cli_witness.h"
#include "merkle_tree.h"
#include "vinledger/canonical_json.h"
#include "vinledger/entry.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kRegister =
    R"({"type":"register","vin":"JTJHY7AX0N4000321","time":"2023-08-01T00:00:00Z","actor":"operator","country":"BD","owner":"o)";

void grow(const CliLedger& ledger, int n) { ledger.append_signed(std::string(kRegister) + std::to_string(n) + "\"}"); }

std::filesystem::path save_checkpoint(const CliLedger& ledger, const std::filesystem::path& file) {
  auto printed = ledger.run({"checkpoint"});
  INFO(printed.err);
  REQUIRE(printed.exit_code == 0);
  write_file(file, printed.out);
  return file;
}

std::int64_t size_of(const CliLedger& ledger) { return json::parse(ledger.run({"--json", "audit"}).out)["size"]; }

json audit(const CliLedger& ledger, const std::vector<std::string>& extra, int expected_exit) {
  std::vector<std::string> args{"--json", "audit"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto result = ledger.run(args);
  INFO(result.err << result.out);
  CHECK(result.exit_code == expected_exit);
  return json::parse(result.out);
}

bool has_finding(const json& report, const std::string& code, std::int64_t seq) {
  for (const auto& finding : report["findings"])
    if (finding["code"] == code && finding["seq"] == seq) return true;
  return false;
}

// What an operator with write access does to hide an edit: every entry from
// `first_edit` on is re-derived (its prev_entry and vin_prev links, its hash),
// the whole tree is rebuilt into fresh tiles, entries at and beyond `keep`
// are dropped, and the checkpoints it issued and the VIN index (which would
// betray it) are deleted. The result is a ledger that is consistent in itself.
void rewrite_log(const std::filesystem::path& db_path, std::int64_t keep,
                 const std::function<void(std::int64_t seq, vinledger::ParsedEntry&)>& edit) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
  db.exec("DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete; DROP TRIGGER tiles_no_delete;"
          "DROP TRIGGER checkpoints_no_delete; DROP TRIGGER index_tiles_no_delete; DROP TRIGGER event_index_no_delete;");
  SQLite::Transaction transaction(db);
  db.exec("DELETE FROM entries WHERE seq >= " + std::to_string(keep));
  db.exec("DELETE FROM event_index WHERE seq >= " + std::to_string(keep));
  struct Row {
    std::int64_t seq;
    std::string leaf, chain;
  };
  std::vector<Row> rows;
  SQLite::Statement select(db, "SELECT seq, leaf, chain FROM entries ORDER BY seq");
  while (select.executeStep())
    rows.push_back({select.getColumn(0).getInt64(),
                    std::string(static_cast<const char*>(select.getColumn(1).getBlob()),
                                static_cast<std::size_t>(select.getColumn(1).getBytes())),
                    select.getColumn(2).getString()});

  std::optional<vinledger::Hash> previous;
  std::map<std::string, vinledger::Hash> heads;
  vinledger::TileBuilder tree;
  std::vector<vinledger::Tile> tiles;
  SQLite::Statement update(db, "UPDATE entries SET leaf = ?, hash = ? WHERE seq = ?");
  for (const Row& row : rows) {
    auto entry = vinledger::parse_entry_leaf(row.leaf);
    REQUIRE(entry);
    edit(row.seq, *entry);
    entry->header.prev_entry = previous;
    auto head = heads.find(row.chain);
    entry->header.vin_prev = head == heads.end() ? std::nullopt : std::optional(head->second);
    const std::string leaf = vinledger::entry_leaf_bytes(entry->header, *vinledger::canonical_json(entry->statement));
    const vinledger::Hash hash = vinledger::leaf_hash(leaf);
    update.bind(1, leaf.data(), static_cast<int>(leaf.size()));
    update.bind(2, hash.data(), static_cast<int>(hash.size()));
    update.bind(3, row.seq);
    update.exec();
    update.reset();
    previous = hash;
    heads[row.chain] = hash;
    for (const auto& tile : tree.add(hash)) tiles.push_back(tile);
  }
  for (auto& tile : tree.partial_tiles()) tiles.push_back(std::move(tile));
  // The VIN index goes too: vinledger rebuilds it from the entries at the
  // next write, as for a ledger from before the index.
  db.exec("DELETE FROM tiles; DELETE FROM checkpoints; DELETE FROM index_tiles;");
  SQLite::Statement insert(db, "INSERT INTO tiles (level, idx, hashes) VALUES (?, ?, ?)");
  for (const auto& tile : tiles) {
    insert.bind(1, tile.id.level);
    insert.bind(2, static_cast<std::int64_t>(tile.id.index));
    insert.bind(3, tile.hashes.data(), static_cast<int>(tile.hashes.size()));
    insert.exec();
    insert.reset();
  }
  transaction.commit();
}

void no_edit(std::int64_t, vinledger::ParsedEntry&) {}

// A second ledger that starts as a copy of `source` (same operator key, same
// party keys), to grow apart from it.
void copy_ledger(const CliLedger& source, const CliLedger& copy) {
  using std::filesystem::copy_options;
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(copy.db().string() + suffix);
  std::filesystem::copy_file(source.db(), copy.db(), copy_options::overwrite_existing);
  if (std::filesystem::exists(source.db().string() + "-wal"))
    std::filesystem::copy_file(source.db().string() + "-wal", copy.db().string() + "-wal");
  std::filesystem::copy(source.dir() / "keys", copy.dir() / "keys", copy_options::overwrite_existing);
  std::filesystem::copy_file(source.operator_key(), copy.operator_key(), copy_options::overwrite_existing);
}

}  // namespace

TEST_CASE("attack: an old entry edited and every hash and the whole tree recomputed", "[attack]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const auto kept = save_checkpoint(ledger, dir / "kept.cp");
  CliWitness witness(dir, "customs.example/w", log_key_of(ledger));
  REQUIRE(witness.cosign(kept).exit_code == 0);
  const std::int64_t size = size_of(ledger);

  // The operator backdates when it recorded the Lexus's last event, the ship
  // leg (seq 7): its log time is signed by nobody but the hash chain, and no
  // later statement vouches for it, so nothing in the ledger betrays it.
  rewrite_log(ledger.db(), size, [](std::int64_t seq, vinledger::ParsedEntry& entry) {
    if (seq == 7) entry.header.recorded = "2020-01-01T00:00:00Z";
  });
  // The ledger is consistent in itself: a plain audit sees nothing wrong.
  audit(ledger, {}, 0);

  // Whoever kept the earlier checkpoint sees the rewrite.
  const json report = audit(ledger, {"--checkpoint", kept.string()}, 1);
  CHECK(has_finding(report, "CHECKPOINT_MISMATCH", size - 1));
  auto consistency = ledger.run({"consistency", "--from", kept.string()});
  CHECK(consistency.exit_code == 1);
  CHECK(consistency.err.find("CHECKPOINT_MISMATCH") != std::string::npos);
  CHECK(consistency.out.empty());

  // A witness that cosigned the original refuses the rewritten tree, at the
  // same size and after the log grew further.
  const std::string before = witness.digest();
  const auto rewritten = save_checkpoint(ledger, dir / "rewritten.cp");
  auto same_size = witness.cosign(rewritten, {}, ledger.db());
  CHECK(same_size.exit_code == 1);
  CHECK(same_size.err.find("forked") != std::string::npos);
  grow(ledger, 1);
  const auto grown = save_checkpoint(ledger, dir / "grown.cp");
  auto larger = witness.cosign(grown, {}, ledger.db());
  CHECK(larger.exit_code == 1);
  CHECK(larger.err.find("not shown to extend") != std::string::npos);
  CHECK(larger.out.empty());
  CHECK(witness.digest() == before);
}

TEST_CASE("attack: a rewritten entry that a later statement vouched for is caught by a plain audit", "[attack]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::int64_t size = size_of(ledger);
  // The export (seq 6) is followed by the carrier's ship leg (seq 7), whose
  // signed prev names the export as it was: the carrier cannot be made to
  // vouch for the rewritten one.
  rewrite_log(ledger.db(), size, [](std::int64_t seq, vinledger::ParsedEntry& entry) {
    if (seq == 6) entry.header.recorded = "2020-01-01T00:00:00Z";
  });
  const json report = audit(ledger, {}, 1);
  CHECK(has_finding(report, "CHAIN_BROKEN", 7));
}

TEST_CASE("attack: the last entries deleted and the tree rebuilt", "[attack]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const auto kept = save_checkpoint(ledger, dir / "kept.cp");
  CliWitness witness(dir, "customs.example/w", log_key_of(ledger));
  REQUIRE(witness.cosign(kept).exit_code == 0);
  const std::int64_t size = size_of(ledger);

  rewrite_log(ledger.db(), size - 2, no_edit);
  audit(ledger, {}, 0);
  CHECK(has_finding(audit(ledger, {"--checkpoint", kept.string()}, 1), "TRUNCATED", size - 2));
  auto consistency = ledger.run({"consistency", "--from", kept.string()});
  CHECK(consistency.exit_code == 1);
  CHECK(consistency.err.find("TRUNCATED") != std::string::npos);

  const std::string before = witness.digest();
  const auto shorter = save_checkpoint(ledger, dir / "shorter.cp");
  auto refused = witness.cosign(shorter, {}, ledger.db());
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("older") != std::string::npos);
  CHECK(witness.digest() == before);
}

TEST_CASE("attack: two ledgers grown from one prefix with the same operator key", "[attack][once]") {
  TempDir dir_a, dir_b;
  CliLedger a(dir_a);
  a.load_scenario("real-case");
  const auto prefix = save_checkpoint(a, dir_a / "prefix.cp");
  CliLedger b(dir_b);
  copy_ledger(a, b);
  REQUIRE(log_key_of(a) == log_key_of(b));
  // The two views grow apart by one entry each: same size, other roots.
  grow(a, 100);
  grow(b, 200);
  const auto view_a = save_checkpoint(a, dir_a / "a.cp");
  const auto view_b = save_checkpoint(b, dir_b / "b.cp");
  REQUIRE(size_of(a) == size_of(b));
  REQUIRE(read_file(view_a) != read_file(view_b));

  TempDir witnesses;
  CliWitness customs(witnesses, "customs.example/w", log_key_of(a));
  CliWitness auditor(witnesses, "auditor.example/w", log_key_of(a));
  for (const CliWitness* w : {&customs, &auditor}) REQUIRE(w->cosign(prefix).exit_code == 0);

  // Each view is, alone, a valid extension of the prefix...
  REQUIRE(customs.cosign(view_a, {}, a.db()).exit_code == 0);
  REQUIRE(auditor.cosign(view_b, {}, b.db()).exit_code == 0);
  // ...but a witness that cosigned one refuses the other.
  const std::string before = customs.digest();
  auto forked = customs.cosign(view_b, {}, b.db());
  CHECK(forked.exit_code == 1);
  CHECK(forked.err.find("forked") != std::string::npos);
  CHECK(forked.out.empty());
  CHECK(auditor.cosign(view_a, {}, a.db()).exit_code == 1);
  // The fork grows on: still refused, the proof from A's tree cannot verify.
  grow(b, 201);
  const auto later_b = save_checkpoint(b, dir_b / "b2.cp");
  auto later = customs.cosign(later_b, {}, b.db());
  CHECK(later.exit_code == 1);
  CHECK(later.err.find("not shown to extend") != std::string::npos);
  CHECK(customs.digest() == before);

  // Each ledger, audited against the other's checkpoint, is caught.
  const std::int64_t size = size_of(a);  // the size of both views
  CHECK(has_finding(audit(b, {"--checkpoint", view_a.string()}, 1), "CHECKPOINT_MISMATCH", size - 1));
  CHECK(has_finding(audit(a, {"--checkpoint", view_b.string()}, 1), "CHECKPOINT_MISMATCH", size - 1));
  CHECK(b.run({"consistency", "--from", view_a.string()}).exit_code == 1);
}

TEST_CASE("attack: an old checkpoint replayed to a witness", "[attack]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  CliWitness witness(dir, "customs.example/w", log_key_of(ledger));
  const auto old_cp = save_checkpoint(ledger, dir / "old.cp");
  REQUIRE(witness.cosign(old_cp).exit_code == 0);
  grow(ledger, 1);
  const auto new_cp = save_checkpoint(ledger, dir / "new.cp");
  REQUIRE(witness.cosign(new_cp, {}, ledger.db()).exit_code == 0);

  const std::string before = witness.digest();
  for (const auto& extra : {std::vector<std::string>{}, std::vector<std::string>{"--db", ledger.db().string()}}) {
    auto replayed = witness.cosign(old_cp, extra);
    CHECK(replayed.exit_code == 1);
    CHECK(replayed.err.find("older") != std::string::npos);
    CHECK(replayed.out.empty());
  }
  CHECK(witness.digest() == before);
  // The witness still cosigns what it last saw.
  CHECK(witness.cosign(new_cp).exit_code == 0);
}
