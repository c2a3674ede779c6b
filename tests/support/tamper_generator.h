// Tampered ledgers, generated from the schema itself: every column of every
// table changed in turn in a sample of rows, rows deleted, swapped and
// duplicated, each edit made the way an administrator would (triggers
// dropped first, then plain SQL). Columns are read with PRAGMA table_info and
// tables from sqlite_master, so a new column or table is probed without
// touching this file; a new table needs an oracle (what audit must report).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vinledger::testing {

// A finding audit must report: code, and the seq it names (nullopt: none).
struct ExpectedFinding {
  std::string code;
  std::optional<std::int64_t> seq;
  bool any_seq = false;  // for oracles of features that do not exist yet
};

struct TamperProbe {
  std::string name;
  // Makes the edit on a writable copy of the ledger and returns what audit
  // must report: any one of these, with the right code and seq, catches it.
  std::function<std::vector<ExpectedFinding>(SQLite::Database&)> apply;
};

struct ProbeSet {
  std::vector<TamperProbe> probes;
  std::vector<std::string> not_covered;     // tables with no rows to edit yet
  std::vector<std::string> unknown_tables;  // tables with no oracle: write one
};

// The probes for the ledger at `db` (read only here; each probe applies
// itself to the copy it is given).
ProbeSet generate_tamper_probes(const std::filesystem::path& db);

// Drops every trigger: the append-only guards an attacker removes first.
void drop_triggers(SQLite::Database& db);

}  // namespace vinledger::testing
