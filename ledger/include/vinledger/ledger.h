// The ledger: an append-only, hash-chained log of signed statements in one
// SQLite file. This is the library's front door; the CLI is a thin layer
// over it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/finding.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/statement.h"
#include "vinledger/verification.h"

namespace vinledger {

struct InitOptions {
  std::string origin;                  // the log's name in checkpoints
  std::string operator_id = "operator";
  std::string operator_name;           // defaults to the origin
  std::string operator_country = "ZZ"; // ISO 3166 user-assigned: no single country
};

struct AppendReport {
  std::int64_t first_seq = 0;  // seq of the first entry written
  std::int64_t count = 0;      // entries written
};

// One entry as stored: its hash, its exact hashed bytes, and the parsed entry.
struct LedgerEntry {
  Hash hash{};
  std::string leaf;
  nlohmann::json entry;
};

struct PartyInfo {
  PartyRecord record;
  std::int64_t seq = 0;        // entry of the registration in force
  std::int64_t first_seq = 0;  // entry of the first registration
};

struct AuditReport {
  std::int64_t size = 0;
  std::optional<Hash> root;  // the Merkle root, once the ledger keeps a tree
  std::vector<Finding> findings;
};

// Knobs that tests and benchmarks turn; the defaults are what the CLI uses.
struct LedgerSettings {
  // Seconds since the epoch, for `recorded` and the future-date check.
  std::function<std::int64_t()> clock;
  // Statements dated further ahead of the clock than this are refused.
  std::int64_t max_clock_skew_seconds = 300;
  // Worker threads for signature checks; 0 = one per hardware thread.
  unsigned threads = 0;
};

class Ledger {
 public:
  // Creates a new ledger file (refusing an existing one) whose first entry
  // registers the operator, self-signed with `operator_key`.
  static Result<Ledger> create(const std::filesystem::path& path, const InitOptions& options,
                               const SigningKey& operator_key, LedgerSettings settings = {});
  static Result<Ledger> open(const std::filesystem::path& path, LedgerSettings settings = {});

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  const std::string& origin() const;
  const std::string& operator_id() const;

  // Appends one signed statement per line, all or nothing, in one
  // transaction. An error names the line (as "<source_name>:<line>: ...")
  // and leaves the ledger as it was.
  Result<AppendReport> append(std::istream& lines, std::string_view source_name);

  // Adds `time` (if absent) and `prev` (the chain's current head), signs with
  // `key` and appends, all under the write lock so the head cannot move
  // between reading and writing it.
  Result<AppendReport> record(nlohmann::json unsigned_statement, const SigningKey& key);

  Result<std::vector<PartyInfo>> parties();
  // The VIN's entries in order; empty if the ledger has none.
  Result<std::vector<LedgerEntry>> history(std::string_view vin);
  Result<std::optional<Hash>> head(std::string_view chain);
  Result<LedgerEntry> entry(std::int64_t seq);
  Result<std::int64_t> size();

  // Re-reads every entry and re-checks hashes, both chains, signatures (by
  // the key in force at each entry) and every lookup column.
  Result<AuditReport> audit();
  // The same audit of the ledger at `path`, opened without `open`'s checks
  // (its origin, its party entries), so that a damaged ledger is reported
  // finding by finding instead of refused.
  static Result<AuditReport> audit_file(const std::filesystem::path& path, LedgerSettings settings = {});

  // Every registration of every party (what verification judges parties by).
  Result<PartyHistory> party_history();
  // Custody and destination findings for one VIN (ledger_verify.cpp);
  // not_found if the ledger has no entry for it.
  Result<VehicleReport> verify(std::string_view vin, const ReferenceData& reference, const VerifyOptions& options);
  // verify over every VIN, streamed in VIN order through `each_vehicle`
  // (its first error stops the screen), from one read snapshot.
  Result<ScreenSummary> screen(const ReferenceData& reference, const VerifyOptions& options,
                               const std::function<Status(const VehicleReport&)>& each_vehicle);

 private:
  struct Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinledger
