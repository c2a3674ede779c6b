// A ledger built and driven through the real binary, the way its users
// drive it: `init`, `keygen`, `party add`, `sign`, `append`.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "process.h"

namespace vinledger::testing {

class CliLedger {
 public:
  // Runs `vinledger init` in `dir` (ledger.db, operator key beside it).
  explicit CliLedger(const TempDir& dir, const std::string& origin = "test.vinledger.example");

  const std::filesystem::path& db() const { return db_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path operator_key() const;
  std::filesystem::path key_of(const std::string& party) const;

  // vinledger --db <db> ARGS
  RunResult run(std::vector<std::string> args, const std::string& input = "") const;

  // Generates a key for the party and registers it; `extra` is e.g. {"--wmi", "JTJ"}.
  // `name` defaults to "<id> (test party)".
  void add_party(const std::string& id, const std::string& country, const std::string& roles,
                 const std::vector<std::string>& extra = {}, const std::string& name = "");

  // Signs one unsigned statement (a JSON object on one line) with its
  // actor's key (`sign --link` unless link is false) and returns the line.
  // `unregistered`: party ids it names need not be registered (scenarios
  // record what parties asserted, registered or not).
  std::string sign(const std::string& unsigned_statement, bool link = true, bool unregistered = false) const;
  // sign, then append; requires both to succeed.
  void append_signed(const std::string& unsigned_statement, bool unregistered = false) const;

  // Loads fixtures/scenarios/<name>: its parties (keys made on the spot,
  // skipping ones already registered) and its statements, in order, each
  // signed with `sign --link` and appended on its own (so every statement
  // vouches for the head it saw). `batched`: one `sign` per signer (without
  // --link: `prev` is optional) and one `append` for all, a handful of
  // processes per scenario for tests that load many and read no `prev`.
  void load_scenario(const std::string& name, bool batched = false);

  // A digest of every row of every table and the schema: equal digests
  // mean the ledger was left exactly as it was.
  std::string content_digest() const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path db_;
};

// The project's fixtures directory.
std::filesystem::path fixtures_dir();

}  // namespace vinledger::testing
