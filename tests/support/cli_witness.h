// A witness driven through the binary (`witness init`, `witness cosign`),
// and the log key a CliLedger publishes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli_ledger.h"
#include "process.h"

namespace vinledger::testing {

// The log's verifier key, as `init` printed it (the operator's key in force).
std::string log_key_of(const CliLedger& ledger);

class CliWitness {
 public:
  // `witness init` in dir/<name-without-slashes>, with a new key beside it.
  CliWitness(const TempDir& dir, const std::string& name, const std::string& log_key);

  const std::filesystem::path& state() const { return state_; }
  const std::string& cosigner_key() const { return cosigner_key_; }

  // vinledger [--db DB] witness cosign CHECKPOINT --state DIR EXTRA...
  RunResult cosign(const std::filesystem::path& checkpoint, const std::vector<std::string>& extra = {},
                   const std::filesystem::path& db = {}) const;
  // Every byte of every file in the state directory.
  std::string digest() const;

 private:
  std::filesystem::path state_;
  std::string cosigner_key_;
};

}  // namespace vinledger::testing
