#include "tamper_generator.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace vinledger::testing {
namespace {

// One stored value, whatever its type.
struct Value {
  int type = SQLite::Null;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;  // text or blob
};

using Row = std::map<std::string, Value>;

Value value_of(const SQLite::Column& column) {
  Value value;
  value.type = column.getType();
  if (value.type == SQLite::INTEGER) value.integer = column.getInt64();
  else if (value.type == SQLite::FLOAT) value.real = column.getDouble();
  else if (value.type != SQLite::Null)
    value.bytes.assign(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
  return value;
}

void bind(SQLite::Statement& query, int index, const Value& value) {
  // SQLiteCpp's type constants are not constant expressions: no switch.
  if (value.type == SQLite::INTEGER) query.bind(index, value.integer);
  else if (value.type == SQLite::FLOAT) query.bind(index, value.real);
  else if (value.type == SQLite::TEXT) query.bind(index, value.bytes);
  else if (value.type == SQLite::BLOB) query.bind(index, value.bytes.data(), static_cast<int>(value.bytes.size()));
  else query.bind(index);
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::string> key;     // primary key columns (rowid if none)
  std::set<std::string> unique;     // columns a copy must change to be insertable
};

Table describe(SQLite::Database& db, const std::string& name) {
  Table table{name, {}, {}, {}};
  std::vector<std::pair<int, std::string>> key;
  SQLite::Statement info(db, "PRAGMA table_info(" + quoted(name) + ")");
  while (info.executeStep()) {
    table.columns.push_back(info.getColumn(1).getString());
    if (const int position = info.getColumn(5).getInt(); position > 0) key.emplace_back(position, table.columns.back());
  }
  std::sort(key.begin(), key.end());
  for (const auto& [position, column] : key) table.key.push_back(column);
  if (table.key.empty()) table.key.push_back("rowid");
  // A copy keeps the leading key columns and takes a fresh last one.
  table.unique.insert(table.key.back());
  SQLite::Statement indexes(db, "PRAGMA index_list(" + quoted(name) + ")");
  while (indexes.executeStep()) {
    if (indexes.getColumn(2).getInt() == 0 || indexes.getColumn(3).getString() == "pk") continue;
    SQLite::Statement columns(db, "PRAGMA index_info(" + quoted(indexes.getColumn(1).getString()) + ")");
    while (columns.executeStep()) table.unique.insert(columns.getColumn(2).getString());
  }
  return table;
}

std::string where_key(const Table& table) {
  std::string where;
  for (const auto& column : table.key) where += (where.empty() ? "" : " AND ") + quoted(column) + " = ?";
  return " WHERE " + where;
}

void bind_key(SQLite::Statement& query, const Table& table, const Row& row, int first = 1) {
  for (const auto& column : table.key) bind(query, first++, row.at(column));
}

std::string column_list(const Table& table) {
  std::string list;
  for (const auto& column : table.columns) list += (list.empty() ? "" : ", ") + quoted(column);
  return list;
}

// Every row of the table in key order (tables are small in these tests).
std::vector<Row> all_rows(SQLite::Database& db, const Table& table) {
  std::string order;
  for (const auto& column : table.key) order += (order.empty() ? "" : ", ") + quoted(column);
  SQLite::Statement query(db, "SELECT " + column_list(table) + " FROM " + quoted(table.name) + " ORDER BY " + order);
  std::vector<Row> rows;
  while (query.executeStep()) {
    Row row;
    for (int i = 0; i < query.getColumnCount(); ++i) row[table.columns[static_cast<std::size_t>(i)]] = value_of(query.getColumn(i));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string describe_key(const Table& table, const Row& row) {
  std::string text;
  for (const auto& column : table.key) {
    const Value& value = row.at(column);
    text += (text.empty() ? "" : ",") + column + "=" +
            (value.type == SQLite::INTEGER ? std::to_string(value.integer) : value.bytes);
  }
  return table.name + "[" + text + "]";
}

// Values to try in place of `old`, first to last, until the database's own
// constraints (types, CHECKs, uniqueness) accept one.
std::vector<Value> replacements(const Value& old) {
  if (old.type == SQLite::INTEGER) {
    Value up = old, down = old, far = old;
    up.integer += 1;
    down.integer -= 1;
    far.integer += 1000003;
    return {up, down, far};
  }
  if (old.type == SQLite::FLOAT) {
    Value other = old;
    other.real += 1.5;
    return {other};
  }
  if (old.type == SQLite::TEXT) {
    Value longer = old;
    longer.bytes += "x";
    return {longer};
  }
  if (old.type == SQLite::BLOB) {
    Value flipped = old;
    if (flipped.bytes.empty()) flipped.bytes = "x";
    else flipped.bytes[flipped.bytes.size() / 2] ^= 1;  // same length: length CHECKs still pass
    return {flipped};
  }
  Value zero, text;  // NULL: a number, or else some text
  zero.type = SQLite::INTEGER;
  text.type = SQLite::TEXT;
  text.bytes = "x";
  return {zero, text};
}

// A value no other row has in `column`, for a copy of a row to be insertable.
Value fresh(SQLite::Database& db, const Table& table, const std::string& column, const Value& old) {
  if (old.type == SQLite::INTEGER) {
    Value next = old;
    next.integer = db.execAndGet("SELECT max(" + quoted(column) + ") FROM " + quoted(table.name)).getInt64() + 1;
    return next;
  }
  return replacements(old).front();
}

void delete_row(SQLite::Database& db, const Table& table, const Row& row) {
  SQLite::Statement query(db, "DELETE FROM " + quoted(table.name) + where_key(table));
  bind_key(query, table, row);
  if (query.exec() != 1) throw std::runtime_error("no row deleted from " + table.name);
}

void insert_row(SQLite::Database& db, const Table& table, const Row& row) {
  std::string marks;
  for (std::size_t i = 0; i < table.columns.size(); ++i) marks += i ? ", ?" : "?";
  SQLite::Statement query(db, "INSERT INTO " + quoted(table.name) + " (" + column_list(table) + ") VALUES (" + marks + ")");
  int index = 1;
  for (const auto& column : table.columns) bind(query, index++, row.at(column));
  query.exec();
}

// What audit must report for each kind of edit of one table.
struct Oracle {
  std::function<ExpectedFinding(const Row& row, const std::string& column, const Value& now)> edited;
  std::function<ExpectedFinding(const Row& row, bool last)> deleted;
  std::function<ExpectedFinding(const Row& first, const Row& second)> swapped;
  std::function<ExpectedFinding(const Row& copy)> duplicated;
  std::string extra_sample;  // SQL giving the key of a row worth sampling too, or empty
};

std::int64_t seq_of(const Row& row) { return row.at("seq").integer; }

std::map<std::string, Oracle> oracles() {
  std::map<std::string, Oracle> all;
  // Entries: the stored hash, the hashed bytes and every lookup column are
  // checked row by row, so each edit is named at the row's seq.
  all["entries"] = Oracle{
      [](const Row& row, const std::string& column, const Value& now) {
        return ExpectedFinding{"HASH_MISMATCH", column == "seq" ? now.integer : seq_of(row)};
      },
      [](const Row& row, bool last) {
        // A gap is seen at the next entry; a cut end only by the stored tree.
        return last ? ExpectedFinding{"TRUNCATED", seq_of(row)} : ExpectedFinding{"SEQ_GAP", seq_of(row) + 1};
      },
      [](const Row& first, const Row&) { return ExpectedFinding{"HASH_MISMATCH", seq_of(first)}; },
      [](const Row& copy) { return ExpectedFinding{"HASH_MISMATCH", seq_of(copy)}; },
      // The latest party registration (a key rotation in a realistic ledger).
      "SELECT seq FROM entries WHERE type = 'party' AND seq > 0 ORDER BY seq DESC LIMIT 1",
  };
  // The event index: every row is re-derived from its entry's hashed bytes
  // (an identity that differs, a withdraws that does not name the entry the
  // void names) and matched with the entries by seq (a row with no entry, an
  // entry with no row), each at the row's seq.
  all["event_index"] = Oracle{
      [](const Row& row, const std::string& column, const Value& now) {
        // A moved row leaves its entry without one, and sits where no entry is.
        return ExpectedFinding{"HASH_MISMATCH", column == "seq" ? now.integer : seq_of(row)};
      },
      [](const Row& row, bool) { return ExpectedFinding{"HASH_MISMATCH", seq_of(row)}; },
      [](const Row& first, const Row&) { return ExpectedFinding{"HASH_MISMATCH", seq_of(first)}; },
      [](const Row& copy) { return ExpectedFinding{"HASH_MISMATCH", seq_of(copy)}; },
      // A void's row, so that its withdraws column is edited too.
      "SELECT seq FROM event_index WHERE withdraws IS NOT NULL ORDER BY seq DESC LIMIT 1",
  };
  // Settings: the origin is named by the operator's key in entry 0.
  const ExpectedFinding origin{"HASH_MISMATCH", 0};
  all["meta"] = Oracle{
      [origin](const Row&, const std::string&, const Value&) { return origin; },
      [origin](const Row&, bool) { return origin; },
      [origin](const Row&, const Row&) { return origin; },
      [](const Row&) { return ExpectedFinding{"HASH_MISMATCH", std::nullopt}; },  // an unknown setting
      "",
  };
  // Tiles: rebuilt from the entries and compared; a tile is no one entry.
  const ExpectedFinding tree{"HASH_MISMATCH", std::nullopt};
  all["tiles"] = Oracle{
      [tree](const Row&, const std::string&, const Value&) { return tree; },
      [tree](const Row&, bool) { return tree; },
      [tree](const Row&, const Row&) { return tree; },
      [tree](const Row&) { return tree; },
      "",
  };
  // The VIN index's tiles: rebuilt from the entries and compared, version
  // by version; like a tree tile, an index tile is no one entry.
  const ExpectedFinding index{"INDEX_MISMATCH", std::nullopt};
  all["index_tiles"] = Oracle{
      [index](const Row&, const std::string&, const Value&) { return index; },
      [index](const Row&, bool) { return index; },
      [index](const Row&, const Row&) { return index; },
      [index](const Row&) { return index; },
      "",
  };
  // Checkpoints the operator issued: an edited one no longer matches the
  // tree at its size. Not issued on this branch yet: the table is empty and
  // reported as not covered; once rows exist these probes run and the audit
  // must check them.
  const ExpectedFinding checkpoint{"CHECKPOINT_MISMATCH", std::nullopt, true};
  all["checkpoints"] = Oracle{
      [checkpoint](const Row&, const std::string&, const Value&) { return checkpoint; },
      [checkpoint](const Row&, bool) { return checkpoint; },
      [checkpoint](const Row&, const Row&) { return checkpoint; },
      [checkpoint](const Row&) { return checkpoint; },
      "",
  };
  // Witnesses' cosignatures: each is verified again, by the key stored
  // beside it, against the checkpoint it is stored for; any edit of the
  // line, the key or the checkpoint it points at makes it fail.
  all["cosignatures"] = Oracle{
      [checkpoint](const Row&, const std::string&, const Value&) { return checkpoint; },
      [checkpoint](const Row&, bool) { return checkpoint; },
      [checkpoint](const Row&, const Row&) { return checkpoint; },
      [checkpoint](const Row&) { return checkpoint; },
      "",
  };
  return all;
}

// First, middle and last rows, and the oracle's extra one, without repeats.
std::vector<std::size_t> sample(SQLite::Database& db, const Table& table, const std::vector<Row>& rows,
                                const Oracle& oracle) {
  std::vector<std::size_t> picked = {0, rows.size() / 2, rows.size() - 1};
  if (!oracle.extra_sample.empty()) {
    SQLite::Statement extra(db, oracle.extra_sample);
    if (extra.executeStep()) {
      const Value key = value_of(extra.getColumn(0));
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].at(table.key.front()).integer == key.integer) picked.push_back(i);
    }
  }
  std::sort(picked.begin(), picked.end());
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  return picked;
}

void add_table_probes(SQLite::Database& db, const Table& table, const Oracle& oracle, ProbeSet& set) {
  const std::vector<Row> rows = all_rows(db, table);
  if (rows.empty()) {
    set.not_covered.push_back(table.name + ": no rows yet, so no edit of it is probed");
    return;
  }
  // A checkpoint record's id and issue time are bookkeeping outside the
  // signed note, and a deleted record loses no evidence (the checkpoint was
  // handed out; whoever holds it can `audit --checkpoint`): not probed, and
  // said so in docs/reliability.md.
  // A cosignature's time of receipt is bookkeeping too, and a deleted one
  // loses nothing the witness cannot give again.
  const bool checkpoints = table.name == "checkpoints";
  const bool cosignatures = table.name == "cosignatures";
  if (checkpoints) set.not_covered.push_back("checkpoints: id and issued (unsigned bookkeeping), row deletion");
  if (cosignatures) set.not_covered.push_back("cosignatures: received (unsigned bookkeeping), row deletion");
  for (std::size_t index : sample(db, table, rows, oracle)) {
    const Row row = rows[index];
    for (const auto& column : table.columns) {
      if (checkpoints && (column == "id" || column == "issued")) continue;
      if (cosignatures && column == "received") continue;
      set.probes.push_back({describe_key(table, row) + "." + column + " changed",
                            [table, row, column, oracle](SQLite::Database& copy) {
                              drop_triggers(copy);
                              SQLite::Statement update(copy, "UPDATE " + quoted(table.name) + " SET " + quoted(column) +
                                                                 " = ?" + where_key(table));
                              for (const Value& now : replacements(row.at(column))) {
                                update.tryReset();  // reset() would rethrow the last refusal
                                update.clearBindings();
                                bind(update, 1, now);
                                bind_key(update, table, row, 2);
                                try {
                                  if (update.exec() == 1) return std::vector<ExpectedFinding>{oracle.edited(row, column, now)};
                                } catch (const SQLite::Exception&) {
                                  // refused by a constraint: try the next value
                                }
                              }
                              throw std::runtime_error("no replacement value accepted for " + table.name + "." + column);
                            }});
    }
  }
  const std::size_t middle = rows.size() / 2;
  for (std::size_t index : std::set<std::size_t>{middle, rows.size() - 1}) {
    if (checkpoints || cosignatures) break;
    const bool last = index == rows.size() - 1;
    set.probes.push_back({describe_key(table, rows[index]) + " deleted",
                          [table, row = rows[index], last, oracle](SQLite::Database& copy) {
                            drop_triggers(copy);
                            delete_row(copy, table, row);
                            return std::vector<ExpectedFinding>{oracle.deleted(row, last)};
                          }});
  }
  if (rows.size() >= 2) {
    const std::size_t first = std::min(middle, rows.size() - 2);
    set.probes.push_back({describe_key(table, rows[first]) + " swapped with the next row",
                          [table, a = rows[first], b = rows[first + 1], oracle](SQLite::Database& copy) {
                            drop_triggers(copy);
                            Row swapped_a = b, swapped_b = a;  // each key keeps its place, the contents trade
                            for (const auto& column : table.key) {
                              swapped_a[column] = a.at(column);
                              swapped_b[column] = b.at(column);
                            }
                            delete_row(copy, table, a);
                            delete_row(copy, table, b);
                            insert_row(copy, table, swapped_a);
                            insert_row(copy, table, swapped_b);
                            return std::vector<ExpectedFinding>{oracle.swapped(a, b)};
                          }});
  }
  set.probes.push_back({describe_key(table, rows[middle]) + " duplicated",
                        [table, row = rows[middle], oracle](SQLite::Database& copy) {
                          drop_triggers(copy);
                          Row duplicate = row;
                          for (const auto& column : table.unique)
                            if (column != "rowid") duplicate[column] = fresh(copy, table, column, row.at(column));
                          insert_row(copy, table, duplicate);
                          return std::vector<ExpectedFinding>{oracle.duplicated(duplicate)};
                        }});
}

}  // namespace

void drop_triggers(SQLite::Database& db) {
  std::vector<std::string> names;
  SQLite::Statement triggers(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'");
  while (triggers.executeStep()) names.push_back(triggers.getColumn(0).getString());
  for (const auto& name : names) db.exec("DROP TRIGGER " + quoted(name));
}

ProbeSet generate_tamper_probes(const std::filesystem::path& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  const auto known = oracles();
  ProbeSet set;
  SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  while (tables.executeStep()) {
    const std::string name = tables.getColumn(0).getString();
    auto oracle = known.find(name);
    if (oracle == known.end()) {
      set.unknown_tables.push_back(name);
      continue;
    }
    add_table_probes(db, describe(db, name), oracle->second, set);
  }
  return set;
}

}  // namespace vinledger::testing
