#include "entry_audit.h"

#include <algorithm>

#include "corrections.h"
#include "vinledger/untrusted_text.h"
#include "vinledger/event_identity.h"

namespace vinledger {
namespace {

std::string hex_or_null(const std::optional<Hash>& hash) { return hash ? to_hex(*hash) : "null"; }

}  // namespace

Result<KeyHints> KeyHints::load(Store& store) {
  KeyHints hints;
  auto read = for_each_party_record(store, PartyLogReading::kLenient, [&](PartyRecord record, std::int64_t seq) {
    hints.keys_[record.id].emplace_back(seq, std::move(record.vkey));
    return Status{};
  });
  if (!read) return std::unexpected(read.error());
  return hints;
}

// The key `actor` had for an entry at `seq`: set by a registration before it.
const VerifierKey* KeyHints::key_for(const std::string& actor, std::int64_t seq) const {
  auto party = keys_.find(actor);
  if (party == keys_.end()) return nullptr;
  const VerifierKey* key = nullptr;
  for (const auto& [registered_at, registered_key] : party->second) {
    if (registered_at > seq || (registered_at == seq && seq != 0)) break;
    key = &registered_key;
  }
  return key;
}

CheckedRow check_row(StoredEntry& row, const KeyHint& hint) {
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
      if (auto identity = event_identity(statement->object)) checked.identity = identity->digest;
      checked.void_target = void_target_of(statement->object);
      checked.statement = std::move(*statement);
      if (const VerifierKey* key = hint(checked.statement->actor, row.seq))
        checked.signature = check_signature(*checked.statement, *key);
    }
    checked.entry = std::move(*entry);
  }
  checked.row = std::move(row);
  return checked;
}

EntryAuditor::EntryAuditor(std::int64_t size, std::optional<Hash> last_hash, PartyRegistry parties,
                           std::optional<std::string> operator_key_name, HeadLookup heads)
    : parties_(std::move(parties)),
      operator_key_name_(std::move(operator_key_name)),
      expected_seq_(size),
      previous_hash_(last_hash),
      heads_(std::move(heads)) {}

void EntryAuditor::report(const char* code, std::optional<std::int64_t> seq, std::optional<std::string> vin,
                          std::string message, std::vector<std::int64_t> evidence) {
  Finding finding{code, Severity::kCritical, std::move(vin), seq, std::move(message), std::move(evidence)};
  if (seq && std::find(finding.evidence.begin(), finding.evidence.end(), *seq) == finding.evidence.end())
    finding.evidence.push_back(*seq);
  std::sort(finding.evidence.begin(), finding.evidence.end());
  findings_.push_back(std::move(finding));
}

Result<ChainHeadSeen> EntryAuditor::head_of(const std::string& chain) {
  if (auto it = chain_heads_.find(chain); it != chain_heads_.end()) return it->second;
  ChainHeadSeen head;
  if (heads_) {
    auto found = heads_(chain);
    if (!found) return std::unexpected(found.error());
    if (*found) head = **found;
  }
  chain_heads_.emplace(chain, head);
  return head;
}

Status EntryAuditor::check(CheckedRow& checked) {
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
  Status checked_entry;
  if (!checked.entry || !checked.statement)
    report("HASH_MISMATCH", seq, std::nullopt, "stored bytes are not a valid entry: " + checked.problem);
  else
    checked_entry = check_entry(checked);
  previous_hash_ = checked.recomputed_hash;
  return checked_entry;
}

Status EntryAuditor::check_entry(CheckedRow& checked) {
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

  auto seen = head_of(chain);
  if (!seen) return std::unexpected(seen.error());
  const ChainHeadSeen head = *seen;
  const std::optional<Hash> expected_vin_prev = head.seq < 0 ? std::nullopt : std::optional<Hash>(head.hash);
  if (header.vin_prev != expected_vin_prev)
    report("CHAIN_BROKEN", seq, vin,
           "vin_prev is " + hex_or_null(header.vin_prev) + " but the previous entry of " + chain + " has hash " +
               hex_or_null(expected_vin_prev));
  check_signed_prev(statement, expected_vin_prev, seq, vin);
  check_columns(checked, chain, head.seq, vin);
  chain_heads_[chain] = ChainHeadSeen{seq, checked.recomputed_hash};
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) prefix = prefix << 8 | checked.statement_hash[i];
  statement_prefixes_.emplace_back(prefix, seq);
  check_authenticity(checked, vin);
  return {};
}

// The ledger appends a statement only when its signed prev is the chain's
// head, so every signed prev names the entry before it. An insider who
// rewrites an entry and recomputes every hash cannot re-sign the later
// statements that vouch for the old one.
void EntryAuditor::check_signed_prev(const Statement& statement, const std::optional<Hash>& chain_prev, std::int64_t seq,
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

void EntryAuditor::check_columns(const CheckedRow& checked, const std::string& chain, std::int64_t previous_seq,
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

void EntryAuditor::check_authenticity(CheckedRow& checked, const std::optional<std::string>& vin) {
  const Statement& statement = *checked.statement;
  const std::int64_t seq = checked.row.seq;
  const bool self_registration = seq == 0 && statement.type == StatementType::kParty &&
                                 statement.actor == statement.object["id"].get<std::string>();
  if (self_registration) {
    PartyRecord record = party_record_from(statement);
    operator_key_name_ = record.vkey.name();
    parties_.apply(std::move(record), seq);
  }

  // The key-in-force rules (key_in_force.h, shared with append and
  // verify-bundle), then what a registration changes.
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

}  // namespace vinledger
