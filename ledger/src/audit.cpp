#include "audit.h"

#include <algorithm>
#include <unordered_map>

#include "key_in_force.h"
#include "ordered_pipeline.h"
#include "party_registry.h"
#include "checkpoint_audit.h"
#include "tree_audit.h"
#include "vinledger/entry.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

constexpr std::size_t kBatchRows = 256;

// One row after the parallel half of the audit.
struct CheckedRow {
  StoredEntry row;
  Hash recomputed_hash{};
  std::optional<ParsedEntry> entry;
  std::optional<Statement> statement;
  std::string problem;       // why the entry or its statement could not be read
  Hash statement_hash{};
  SignatureCheck signature;  // against the key the hints said was in force
};

// Every key each party ever had, by the seq of the registration that set it,
// read up front so that workers can check signatures before the sequential
// half has rebuilt the registry. Only a hint: the sequential half compares
// with the registry it rebuilt itself and re-checks where they differ, so a
// tampered party entry cannot make a bad signature pass.
class KeyHints {
 public:
  static Result<KeyHints> load(Store& store) {
    KeyHints hints;
    auto read = for_each_party_record(store, PartyLogReading::kLenient, [&](PartyRecord record, std::int64_t seq) {
      hints.keys_[record.id].emplace_back(seq, std::move(record.vkey));
      return Status{};
    });
    if (!read) return std::unexpected(read.error());
    return hints;
  }

  // The key `actor` had for an entry at `seq`: set by a registration before it.
  const VerifierKey* key_for(const std::string& actor, std::int64_t seq) const {
    auto party = keys_.find(actor);
    if (party == keys_.end()) return nullptr;
    const VerifierKey* key = nullptr;
    for (const auto& [registered_at, registered_key] : party->second) {
      if (registered_at > seq || (registered_at == seq && seq != 0)) break;
      key = &registered_key;
    }
    return key;
  }

 private:
  std::unordered_map<std::string, std::vector<std::pair<std::int64_t, VerifierKey>>> keys_;
};

CheckedRow check_row(StoredEntry& row, const KeyHints& hints) {
  CheckedRow checked;
  checked.recomputed_hash = leaf_hash(row.leaf);
  auto entry = parse_entry_leaf(row.leaf);
  if (!entry) {
    checked.problem = entry.error().message;
  } else {
    auto statement = statement_from_json(entry->statement, StatementSource::kRecorded);
    if (!statement) {
      checked.problem = "the statement is not valid: " + statement.error().message;
    } else {
      checked.statement_hash = sha256(statement->signed_message);
      checked.statement = std::move(*statement);
      if (const VerifierKey* key = hints.key_for(checked.statement->actor, row.seq))
        checked.signature = check_signature(*checked.statement, *key);
    }
    checked.entry = std::move(*entry);
  }
  checked.row = std::move(row);
  return checked;
}

std::string hex_or_null(const std::optional<Hash>& hash) { return hash ? to_hex(*hash) : "null"; }

// The sequential half: chains, columns and keys, entry by entry.
class Auditor {
 public:
  void check(CheckedRow& checked) {
    const std::int64_t seq = checked.row.seq;
    if (seq != expected_seq_)
      report("SEQ_GAP", seq, std::nullopt,
             "expected seq " + std::to_string(expected_seq_) + " but the next entry is seq " + std::to_string(seq) +
                 (seq > expected_seq_ ? " (entries missing)" : " (out of order)"));
    expected_seq_ = seq + 1;
    if (checked.recomputed_hash != checked.row.hash) {
      std::optional<std::string> vin;
      if (checked.statement && !checked.statement->vin.empty()) vin = checked.statement->vin;
      report("HASH_MISMATCH", seq, vin,
             "stored hash " + to_hex(checked.row.hash) + " is not the hash of the entry's bytes (" +
                 to_hex(checked.recomputed_hash) + ")");
    }
    if (!checked.entry || !checked.statement) {
      report("HASH_MISMATCH", seq, std::nullopt, "stored bytes are not a valid entry: " + checked.problem);
      previous_hash_ = checked.recomputed_hash;
      return;
    }
    check_entry(checked);
    previous_hash_ = checked.recomputed_hash;
  }

  // The seq the next entry would have: one past the last entry read.
  std::int64_t next_seq() const { return expected_seq_; }
  // The name of the operator's key in entry 0, if entry 0 is a sound self-registration.
  const std::optional<std::string>& operator_key_name() const { return operator_key_name_; }

  AuditReport finish(std::int64_t size, std::optional<Hash> root) {
    return AuditReport{size, root, std::move(findings_)};
  }

  void report(const char* code, std::optional<std::int64_t> seq, std::optional<std::string> vin, std::string message,
              std::vector<std::int64_t> evidence = {}) {
    Finding finding{code, Severity::kCritical, std::move(vin), seq, std::move(message), std::move(evidence)};
    if (seq && std::find(finding.evidence.begin(), finding.evidence.end(), *seq) == finding.evidence.end())
      finding.evidence.push_back(*seq);
    std::sort(finding.evidence.begin(), finding.evidence.end());
    findings_.push_back(std::move(finding));
  }

  // Each readable statement's hash, by the first 8 bytes: 16 bytes an
  // entry, enough to find every repeat without trusting the database's
  // UNIQUE index (check_duplicate_statements).
  std::vector<std::pair<std::uint64_t, std::int64_t>>& statement_prefixes() { return statement_prefixes_; }

 private:
  struct ChainHeadSeen {
    std::int64_t seq = -1;
    Hash hash{};
  };

  void check_entry(CheckedRow& checked) {
    const EntryHeader& header = checked.entry->header;
    const Statement& statement = *checked.statement;
    const std::int64_t seq = checked.row.seq;
    const std::optional<std::string> vin =
        statement.vin.empty() ? std::nullopt : std::optional<std::string>(statement.vin);
    const std::string chain = statement.chain();

    if (header.seq != seq)
      report("HASH_MISMATCH", seq, vin, "column seq disagrees with the hashed entry (seq " + std::to_string(header.seq) + ")");
    if (header.prev_entry != previous_hash_)
      report("CHAIN_BROKEN", seq, vin,
             "prev_entry is " + hex_or_null(header.prev_entry) + " but the previous entry's hash is " +
                 hex_or_null(previous_hash_));

    ChainHeadSeen& head = chain_heads_[chain];  // seq -1: the chain starts here
    const std::optional<Hash> expected_vin_prev = head.seq < 0 ? std::nullopt : std::optional<Hash>(head.hash);
    if (header.vin_prev != expected_vin_prev)
      report("CHAIN_BROKEN", seq, vin,
             "vin_prev is " + hex_or_null(header.vin_prev) + " but the previous entry of " + chain + " has hash " +
                 hex_or_null(expected_vin_prev));
    check_signed_prev(statement, expected_vin_prev, seq, vin);
    check_columns(checked, chain, head.seq, vin);
    head = ChainHeadSeen{seq, checked.recomputed_hash};
    std::uint64_t prefix = 0;
    for (std::size_t i = 0; i < 8; ++i) prefix = prefix << 8 | checked.statement_hash[i];
    statement_prefixes_.emplace_back(prefix, seq);
    check_authenticity(checked, vin);
  }

  // The ledger appends a statement only when its signed prev is the chain's
  // head, so every signed prev names the entry before it. An insider who
  // rewrites an entry and recomputes every hash cannot re-sign the later
  // statements that vouch for the old one.
  void check_signed_prev(const Statement& statement, const std::optional<Hash>& chain_prev, std::int64_t seq,
                         const std::optional<std::string>& vin) {
    if (statement.prev.kind == PrevClaim::Kind::kAbsent) return;
    const std::optional<Hash> signed_prev =
        statement.prev.kind == PrevClaim::Kind::kHash ? std::optional<Hash>(statement.prev.hash) : std::nullopt;
    if (signed_prev != chain_prev)
      report("CHAIN_BROKEN", seq, vin,
             "the statement's signed prev is " + hex_or_null(signed_prev) + " but the entry before it in " +
                 statement.chain() + " has hash " + hex_or_null(chain_prev) +
                 ": an earlier entry was rewritten after this party vouched for it");
  }

  void check_columns(const CheckedRow& checked, const std::string& chain, std::int64_t previous_seq,
                     const std::optional<std::string>& vin) {
    const StoredEntry& row = checked.row;
    const Statement& statement = *checked.statement;
    auto mismatch = [&](const char* column) {
      report("HASH_MISMATCH", row.seq, vin, std::string("column ") + column + " disagrees with the hashed entry");
    };
    if (row.chain != chain) mismatch("chain");
    if (row.type != to_string(statement.type)) mismatch("type");
    if (row.actor != statement.actor) mismatch("actor");
    if (row.chain_prev != (previous_seq < 0 ? std::nullopt : std::optional<std::int64_t>(previous_seq)))
      mismatch("chain_prev");
    if (row.statement_hash != checked.statement_hash) mismatch("statement_hash");
  }

  // The key-in-force rules (key_in_force.h, shared with append and
  // verify-bundle), then what a registration changes.
  void check_authenticity(CheckedRow& checked, const std::optional<std::string>& vin) {
    const Statement& statement = *checked.statement;
    const std::int64_t seq = checked.row.seq;
    const bool self_registration = seq == 0 && statement.type == StatementType::kParty &&
                                   statement.actor == statement.object["id"].get<std::string>();
    if (self_registration) {
      PartyRecord record = party_record_from(statement);
      operator_key_name_ = record.vkey.name();
      parties_.apply(std::move(record), seq);
    }
    const PartyVersion* in_force = parties_.find(statement.actor);
    if (auto problem = check_key_in_force(statement, in_force, parties_.operator_id(), checked.signature)) {
      using Kind = KeyInForceProblem::Kind;
      switch (problem->kind) {
        case Kind::kUnknownActor:
        case Kind::kRevoked: report("UNKNOWN_KEY", seq, vin, problem->message); break;
        case Kind::kWeakKey: report("WEAK_KEY", seq, vin, problem->message, {in_force->seq}); break;
        case Kind::kNotOperator:
        case Kind::kBadSignature: report("BAD_SIGNATURE", seq, vin, problem->message); break;
      }
      if (!self_registration || problem->kind != Kind::kWeakKey) return;
    }
    if (statement.type != StatementType::kParty) return;
    // Only an authentic registration changes whose key is in force.
    PartyRecord record = party_record_from(statement);
    if (record.vkey.weakness() && !self_registration)
      report("WEAK_KEY", seq, std::nullopt,
             "party '" + record.id + "' is registered with a weak key (" + escape_untrusted(record.vkey.text()) +
                 "): " + *record.vkey.weakness() + "; whatever it signs from here on proves nothing");
    if (!self_registration) parties_.apply(std::move(record), seq);
  }

  PartyRegistry parties_;
  std::optional<std::string> operator_key_name_;
  std::int64_t expected_seq_ = 0;
  std::optional<Hash> previous_hash_;
  std::unordered_map<std::string, ChainHeadSeen> chain_heads_;
  std::vector<std::pair<std::uint64_t, std::int64_t>> statement_prefixes_;
  std::vector<Finding> findings_;
};

// SQLite's own structural check catches an index that disagrees with the
// table it indexes (a lookup column edited behind the index's back).
Status check_database_structure(Store& store, Auditor& auditor) {
  auto problems = store.integrity_problems();
  if (!problems) return std::unexpected(problems.error());
  for (const auto& problem : *problems)
    auditor.report("HASH_MISMATCH", std::nullopt, std::nullopt, "database structure: " + problem);
  return {};
}

// The checkpoints the ledger issued must be signed by its operator, agree
// with the columns stored beside them, and (later) match the rebuilt tree.
Result<std::vector<ExpectedRoot>> issued_roots(Store& store, const std::string& origin,
                                               const std::vector<PartyVersion>& operator_keys, Auditor& auditor) {
  auto issued = store.checkpoints();
  if (!issued) return std::unexpected(issued.error());
  std::vector<ExpectedRoot> roots;
  std::int64_t previous_size = -1;
  for (const auto& row : *issued) {
    const std::string label = "checkpoint #" + std::to_string(row.id) + " (issued " + row.issued + ")";
    // The ledger records a checkpoint only for a longer log than the last
    // one: rows out of that order were moved or copied.
    if (row.size <= previous_size)
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     label + " covers " + std::to_string(row.size) + " entries, no more than the checkpoint recorded "
                     "before it (" + std::to_string(previous_size) + "): checkpoint records were reordered or copied");
    previous_size = row.size;
    auto opened = open_with_operator_keys(row.note, origin, operator_keys);
    if (!opened) {
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     label + " is not a checkpoint signed by the operator: " + opened.error().message);
      continue;
    }
    const Checkpoint& signed_tree = opened->checkpoint;
    if (static_cast<std::int64_t>(signed_tree.size) != row.size || signed_tree.root != row.root)
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     label + ": the size or root stored beside it differs from its signed note");
    roots.push_back(ExpectedRoot{label, signed_tree.size, signed_tree.root});
  }
  return roots;
}

// The tree is written in the same transaction as the entries, so a stored
// tree with leaves beyond the last entry means entries were cut off the end:
// the one edit that leaves every remaining entry and chain intact.
Status check_truncation(Store& store, Auditor& auditor) {
  auto tree_size = store.tree_size();
  if (!tree_size) return std::unexpected(tree_size.error());
  const auto stored = static_cast<std::int64_t>(*tree_size);
  if (stored > auditor.next_seq())
    auditor.report("TRUNCATED", auditor.next_seq(), std::nullopt,
                   "the stored tree holds " + std::to_string(stored) + " leaves but the log ends before seq " +
                       std::to_string(auditor.next_seq()) + ": entries " + std::to_string(auditor.next_seq()) +
                       " to " + std::to_string(stored - 1) + " are missing");
  return {};
}

// What the actor signed, re-read from an entry (the rare second look when
// two statements share their first 8 bytes): its hash, and its VIN if any.
struct SignedStatement {
  Hash hash{};
  std::int64_t seq = 0;
  std::optional<std::string> vin;
};

Result<std::optional<SignedStatement>> signed_statement_at(Store& store, std::int64_t seq) {
  auto row = store.entry_at(seq);
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<SignedStatement>{};
  auto entry = parse_entry_leaf((*row)->leaf);
  if (!entry) return std::optional<SignedStatement>{};
  auto statement = statement_from_json(std::move(entry->statement), StatementSource::kRecorded);
  if (!statement) return std::optional<SignedStatement>{};
  return std::optional<SignedStatement>(SignedStatement{
      sha256(statement->signed_message), seq,
      statement->vin.empty() ? std::nullopt : std::optional<std::string>(statement->vin)});
}

// A signed statement counts once: append refuses a replay by its hash, and
// the schema's UNIQUE index backs that up. An insider who drops the index
// and appends a consistently chained copy of an earlier statement (one that
// vouches for no prev, say) still leaves two entries with the same signed
// bytes, and this finds them from the entries alone.
Status check_duplicate_statements(Store& store, Auditor& auditor) {
  auto& prefixes = auditor.statement_prefixes();
  std::sort(prefixes.begin(), prefixes.end());
  for (std::size_t i = 0; i < prefixes.size();) {
    std::size_t end = i + 1;
    while (end < prefixes.size() && prefixes[end].first == prefixes[i].first) ++end;
    if (end - i > 1) {
      std::vector<SignedStatement> group;
      for (std::size_t k = i; k < end; ++k) {
        auto statement = signed_statement_at(store, prefixes[k].second);
        if (!statement) return std::unexpected(statement.error());
        if (*statement) group.push_back(std::move(**statement));
      }
      // By hash, then seq: each run of one hash starts with its first entry.
      std::sort(group.begin(), group.end(), [](const SignedStatement& a, const SignedStatement& b) {
        return a.hash != b.hash ? a.hash < b.hash : a.seq < b.seq;
      });
      for (std::size_t k = 1, first = 0; k < group.size(); ++k) {
        if (group[k].hash != group[first].hash) {
          first = k;
          continue;
        }
        auditor.report("DUPLICATE_STATEMENT", group[k].seq, group[k].vin,
                       "the statement recorded at seq " + std::to_string(group[first].seq) +
                           " is recorded again at seq " + std::to_string(group[k].seq) +
                           ": a signed statement counts once, so this copy is a replay",
                       {group[first].seq});
      }
    }
    i = end;
  }
  prefixes.clear();
  prefixes.shrink_to_fit();
  return {};
}

// Settings are not hashed, but the origin is named inside entry 0: the
// operator's key carries it (checkpoints are signed under that name). Any
// other setting is one vinledger never wrote.
Status check_settings(Store& store, Auditor& auditor) {
  auto settings = store.all_meta();
  if (!settings) return std::unexpected(settings.error());
  const std::optional<std::string>& named = auditor.operator_key_name();
  bool has_origin = false;
  for (const auto& [key, value] : *settings) {
    if (key != kOriginKey) {
      auditor.report("HASH_MISMATCH", std::nullopt, std::nullopt, "unknown setting '" + key + "' in meta");
      continue;
    }
    has_origin = true;
    if (named && value != *named)
      auditor.report("HASH_MISMATCH", 0, std::nullopt,
                     "the origin setting '" + value + "' is not the name of the operator's key in entry 0 ('" +
                         *named + "')");
  }
  if (!has_origin)
    auditor.report("HASH_MISMATCH", 0, std::nullopt,
                   "the origin setting is missing" + (named ? " (entry 0 names the log '" + *named + "')" : std::string()));
  return {};
}

}  // namespace

Result<AuditReport> audit_ledger(Store& store, ThreadPool& pool, const std::string& origin,
                                 const std::vector<ExternalCheckpoint>& external) {
  auto cursor = store.scan_all();
  if (!cursor) return std::unexpected(cursor.error());
  auto hints = KeyHints::load(store);
  if (!hints) return std::unexpected(hints.error());
  auto operator_keys = operator_registrations(store);
  if (!operator_keys) return std::unexpected(operator_keys.error());
  Auditor auditor;
  auto expected = issued_roots(store, origin, *operator_keys, auditor);
  if (!expected) return std::unexpected(expected.error());
  for (const auto& kept : external) {
    auto opened = open_with_operator_keys(kept.note, origin, *operator_keys);
    if (!opened)
      return invalid_input("checkpoint " + kept.source + " is not a checkpoint of this log: " + opened.error().message);
    expected->push_back(ExpectedRoot{"checkpoint " + kept.source, opened->checkpoint.size, opened->checkpoint.root});
  }
  CheckpointAuditor checkpoints(std::move(*expected), [&](const char* code, std::optional<std::int64_t> seq,
                                                          std::string message) {
    auditor.report(code, seq, std::nullopt, std::move(message));
  });
  std::int64_t count = 0;
  auto produce = [&](StoredEntry& row) { return cursor->next(row); };
  auto make_work = [&] {
    return [&hints = *hints](StoredEntry& row) { return check_row(row, hints); };
  };
  TreeAuditor tree(store, [&](std::string problem) {
    auditor.report("HASH_MISMATCH", std::nullopt, std::nullopt, "Merkle tree: " + problem);
  });
  auto consume = [&](CheckedRow& checked) -> Status {
    auditor.check(checked);
    ++count;
    if (auto ok = tree.add(checked.recomputed_hash); !ok) return ok;
    checkpoints.observe(tree.tree());
    return Status{};
  };
  if (auto ok = run_ordered_pipeline<StoredEntry>(pool, kBatchRows, produce, make_work, consume); !ok)
    return std::unexpected(ok.error());
  if (auto ok = tree.finish(); !ok) return std::unexpected(ok.error());
  checkpoints.finish(tree.tree());
  if (auto ok = check_truncation(store, auditor); !ok) return std::unexpected(ok.error());
  if (auto ok = check_duplicate_statements(store, auditor); !ok) return std::unexpected(ok.error());
  if (auto ok = check_settings(store, auditor); !ok) return std::unexpected(ok.error());
  if (auto ok = check_database_structure(store, auditor); !ok) return std::unexpected(ok.error());
  return auditor.finish(count, tree.root());
}

}  // namespace vinledger
