// The audit's checks of entries, one by one, in seq order: the bytes, both
// chains, the lookup columns, and who signed (by the key in force at each
// entry). Used by the audit of a whole ledger, by `audit --since` (resumed
// at a checkpoint an earlier audit verified) and by `mirror` (which accepts
// from a log exactly the entries an audit would find nothing wrong with).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "key_in_force.h"
#include "party_registry.h"
#include "store.h"
#include "vinledger/entry.h"
#include "vinledger/finding.h"
#include "vinledger/statement.h"

namespace vinledger {

// One row after the parallel half: parsed, hashed, and its signature checked
// against a hint of its actor's key.
struct CheckedRow {
  StoredEntry row;
  Hash recomputed_hash{};
  std::optional<ParsedEntry> entry;
  std::optional<Statement> statement;
  std::string problem;      // why the entry or its statement could not be read
  Hash statement_hash{};
  SignatureCheck signature;  // against the key the hints said was in force
  std::optional<Hash> identity;     // of the business event (event index)
  std::optional<Hash> void_target;  // the entry a void withdraws
};

// The key `actor` probably had at `seq`, for checking signatures before the
// sequential half knows for sure (it re-checks where the hint was wrong).
using KeyHint = std::function<const VerifierKey*(const std::string& actor, std::int64_t seq)>;

// The parallel half: safe to run on any thread.
CheckedRow check_row(StoredEntry& row, const KeyHint& hint);

// Every key each party ever had, by the seq of the registration that set it,
// read up front so that workers can check signatures before the sequential
// half has rebuilt the registry. Only a hint: a tampered party entry cannot
// make a bad signature pass.
class KeyHints {
 public:
  static Result<KeyHints> load(Store& store);
  const VerifierKey* key_for(const std::string& actor, std::int64_t seq) const;

 private:
  std::unordered_map<std::string, std::vector<std::pair<std::int64_t, VerifierKey>>> keys_;
};

struct ChainHeadSeen {
  std::int64_t seq = -1;  // -1: the chain has no entry yet
  Hash hash{};
};

// The sequential half: chains, columns and keys, entry by entry.
class EntryAuditor {
 public:
  // The chain's last entry before the point the audit resumed at; nullopt
  // if it has none. Only asked once per chain, the first time it is seen.
  using HeadLookup = std::function<Result<std::optional<ChainHeadSeen>>(const std::string& chain)>;

  // An audit from the log's first entry.
  EntryAuditor() = default;
  // An audit that trusts the first `size` entries: `last_hash` is entry
  // size-1's hash, `parties` the registry as of there, `heads` looks up the
  // chains' heads among those entries.
  EntryAuditor(std::int64_t size, std::optional<Hash> last_hash, PartyRegistry parties,
               std::optional<std::string> operator_key_name, HeadLookup heads);

  // Reports what is wrong with the next row; an error only when a chain's
  // head could not be looked up.
  [[nodiscard]] Status check(CheckedRow& checked);

  // The head of `chain` as the entries checked so far leave it.
  [[nodiscard]] Result<ChainHeadSeen> head_of(const std::string& chain);

  // The seq the next entry would have: one past the last entry read.
  std::int64_t next_seq() const { return expected_seq_; }
  // The name of the operator's key in entry 0, if entry 0 is a sound self-registration.
  const std::optional<std::string>& operator_key_name() const { return operator_key_name_; }
  const PartyRegistry& parties() const { return parties_; }

  void report(const char* code, std::optional<std::int64_t> seq, std::optional<std::string> vin, std::string message,
              std::vector<std::int64_t> evidence = {});
  // Each readable statement's hash, by its first 8 bytes, with its seq: 16
  // bytes an entry, enough to find every repeat without trusting the
  // database's UNIQUE index (audit.cpp, check_duplicate_statements).
  std::vector<std::pair<std::uint64_t, std::int64_t>>& statement_prefixes() { return statement_prefixes_; }
  const std::vector<Finding>& findings() const { return findings_; }
  std::vector<Finding> take_findings() { return std::move(findings_); }

 private:
  Status check_entry(CheckedRow& checked);
  void check_signed_prev(const Statement& statement, const std::optional<Hash>& chain_prev, std::int64_t seq,
                         const std::optional<std::string>& vin);
  void check_columns(const CheckedRow& checked, const std::string& chain, std::int64_t previous_seq,
                     const std::optional<std::string>& vin);
  void check_authenticity(CheckedRow& checked, const std::optional<std::string>& vin);

  PartyRegistry parties_;
  std::optional<std::string> operator_key_name_;
  std::int64_t expected_seq_ = 0;
  std::optional<Hash> previous_hash_;
  std::unordered_map<std::string, ChainHeadSeen> chain_heads_;
  HeadLookup heads_;  // empty: every chain starts after the resume point
  std::vector<std::pair<std::uint64_t, std::int64_t>> statement_prefixes_;
  std::vector<Finding> findings_;
};

}  // namespace vinledger
