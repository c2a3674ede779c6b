#include "insider.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <vector>

#include "merkle_tree.h"
#include "vinledger/canonical_json.h"
#include "vinledger/entry.h"
#include "vinledger/hash.h"
#include "vinledger/statement.h"

namespace vinledger::testing {
namespace {

std::string blob(const SQLite::Column& column) {
  return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
}

// The statement's chain, as append names it: its VIN or party/<id>.
std::string chain_of_statement(const nlohmann::json& statement) {
  if (statement["type"] == "party") return "party/" + statement["id"].get<std::string>();
  return statement["vin"].get<std::string>();
}

void rebuild_tiles(SQLite::Database& db) {
  TileBuilder tree;
  std::vector<Tile> tiles;
  SQLite::Statement select(db, "SELECT hash FROM entries ORDER BY seq");
  while (select.executeStep()) {
    Hash hash;
    const std::string bytes = blob(select.getColumn(0));
    std::copy(bytes.begin(), bytes.end(), hash.begin());
    for (const auto& tile : tree.add(hash)) tiles.push_back(tile);
  }
  for (auto& tile : tree.partial_tiles()) tiles.push_back(std::move(tile));
  db.exec("DROP TRIGGER IF EXISTS tiles_no_delete; DELETE FROM tiles;");
  SQLite::Statement insert(db, "INSERT INTO tiles (level, idx, hashes) VALUES (?, ?, ?)");
  for (const auto& tile : tiles) {
    insert.bind(1, tile.id.level);
    insert.bind(2, static_cast<std::int64_t>(tile.id.index));
    insert.bind(3, tile.hashes.data(), static_cast<int>(tile.hashes.size()));
    insert.exec();
    insert.reset();
  }
}

}  // namespace

std::int64_t insider_append(const std::filesystem::path& path, const nlohmann::json& statement,
                            const std::string& recorded) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  SQLite::Transaction transaction(db);
  const std::string chain = chain_of_statement(statement);
  EntryHeader header;
  header.recorded = recorded;
  {
    SQLite::Statement last(db, "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1");
    if (last.executeStep()) {
      header.seq = last.getColumn(0).getInt64() + 1;
      Hash hash;
      const std::string bytes = blob(last.getColumn(1));
      std::copy(bytes.begin(), bytes.end(), hash.begin());
      header.prev_entry = hash;
    }
  }
  std::optional<std::int64_t> chain_prev;
  {
    SQLite::Statement head(db, "SELECT seq, hash FROM entries WHERE chain = ? ORDER BY seq DESC LIMIT 1");
    head.bind(1, chain);
    if (head.executeStep()) {
      chain_prev = head.getColumn(0).getInt64();
      Hash hash;
      const std::string bytes = blob(head.getColumn(1));
      std::copy(bytes.begin(), bytes.end(), hash.begin());
      header.vin_prev = hash;
    }
  }
  auto canonical = canonical_json(statement);
  REQUIRE(canonical);
  nlohmann::json unsigned_statement = statement;
  unsigned_statement.erase("sig");
  auto signed_part = canonical_json(unsigned_statement);
  REQUIRE(signed_part);
  const Hash statement_hash = sha256(std::string(kStatementSignaturePrefix) + *signed_part);
  const std::string leaf = entry_leaf_bytes(header, *canonical);
  const Hash hash = leaf_hash(leaf);

  SQLite::Statement insert(db,
                           "INSERT INTO entries (seq, hash, leaf, chain, type, actor, chain_prev, statement_hash) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, header.seq);
  insert.bind(2, hash.data(), static_cast<int>(hash.size()));
  insert.bind(3, leaf.data(), static_cast<int>(leaf.size()));
  insert.bind(4, chain);
  insert.bind(5, statement["type"].get<std::string>());
  insert.bind(6, statement["actor"].get<std::string>());
  if (chain_prev) insert.bind(7, *chain_prev);
  else insert.bind(7);
  insert.bind(8, statement_hash.data(), static_cast<int>(statement_hash.size()));
  insert.exec();
  rebuild_tiles(db);
  transaction.commit();
  return header.seq;
}

void drop_statement_uniqueness(const std::filesystem::path& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  SQLite::Transaction transaction(db);
  // The table's own SQL, less the one word.
  SQLite::Statement select(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'entries'");
  REQUIRE(select.executeStep());
  std::string sql = select.getColumn(0).getString();
  const std::size_t unique = sql.find(" UNIQUE");
  REQUIRE(unique != std::string::npos);
  sql.erase(unique, 7);
  sql.replace(sql.find("CREATE TABLE entries"), 20, "CREATE TABLE entries_copy");
  select.reset();
  db.exec("DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;");
  db.exec(sql);
  db.exec("INSERT INTO entries_copy SELECT * FROM entries; DROP TABLE entries;"
          "ALTER TABLE entries_copy RENAME TO entries;"
          "CREATE INDEX IF NOT EXISTS entries_by_chain ON entries (chain, seq);");
  transaction.commit();
}

}  // namespace vinledger::testing
