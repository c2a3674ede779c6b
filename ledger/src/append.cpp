#include "append.h"

#include "corrections.h"
#include "ordered_pipeline.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/untrusted_text.h"
#include "vinledger/entry.h"
#include "vinledger/tlog_tiles.h"
#include "vinledger/timestamp.h"

namespace vinledger {
namespace {

// Statements per job handed to a worker: large enough that queueing costs
// nothing beside the signature checks, small enough to keep memory flat.
constexpr std::size_t kBatchLines = 256;

std::string short_hex(const Hash& hash) { return to_hex(hash).substr(0, 16) + "..."; }

}  // namespace

PreparedStatement prepare_statement(std::int64_t line, Statement statement, const PartySnapshot& parties) {
  PreparedStatement item;
  item.line = line;
  item.statement_hash = sha256(statement.signed_message);
  auto identity = event_identity(statement.object);
  if (!identity) {
    item.error = identity.error();
    return item;
  }
  item.identity = std::move(*identity);
  item.statement = std::move(statement);
  if (auto party = parties->find(item.statement->actor); party != parties->end())
    item.signature = check_signature(*item.statement, party->second.record.vkey);
  return item;
}

PreparedStatement prepare_statement(std::int64_t line, std::string_view text, const PartySnapshot& parties) {
  auto statement = parse_statement(text);
  if (!statement) {
    PreparedStatement item;
    item.line = line;
    item.error = statement.error();
    return item;
  }
  return prepare_statement(line, std::move(*statement), parties);
}

Appender::Appender(Store& store, PartyRegistry& parties, const LedgerSettings& settings, std::string origin,
                   AppendOptions options)
    : store_(store), parties_(parties), settings_(settings), origin_(std::move(origin)), options_(options) {}

Status Appender::start() {
  auto last = store_.last_entry();
  if (!last) return std::unexpected(last.error());
  if (*last) {
    next_seq_ = (*last)->seq + 1;
    last_hash_ = (*last)->hash;
  }
  first_seq_ = next_seq_;
  if (settings_.maintain_index) {  // off for benchmarks only (LedgerSettings)
    index_ = std::make_unique<IndexUpdater>(store_);
    if (auto ok = index_->start(static_cast<std::uint64_t>(next_seq_)); !ok) return ok;
  }
  if (!settings_.maintain_tree) return {};  // benchmarks only (LedgerSettings)
  auto tree_size = store_.tree_size();
  if (!tree_size) return std::unexpected(tree_size.error());
  if (*tree_size > static_cast<std::uint64_t>(next_seq_))
    return storage_error("the tree has " + std::to_string(*tree_size) + " leaves but the log only " +
                         std::to_string(next_seq_) + " entries; run `vinledger audit`");
  tree_ = std::make_unique<TiledMerkleTree>(store_, *tree_size);
  return catch_up_tree();
}

// A ledger created before it kept a tree (schema version 1) has entries
// the tree lacks: add them, once, in this transaction.
Status Appender::catch_up_tree() {
  if (tree_->size() == static_cast<std::uint64_t>(next_seq_)) return {};
  auto cursor = store_.scan_from(static_cast<std::int64_t>(tree_->size()));
  if (!cursor) return std::unexpected(cursor.error());
  StoredEntry row;
  for (std::int64_t expected = static_cast<std::int64_t>(tree_->size()); expected < next_seq_; ++expected) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more || row.seq != expected)
      return storage_error("entry " + std::to_string(expected) + " is missing; run `vinledger audit`");
    if (auto ok = tree_->append(leaf_hash(row.leaf)); !ok) return ok;
  }
  return {};
}

Status Appender::finish() {
  if (tree_)
    if (auto ok = tree_->flush(); !ok) return ok;
  if (index_) {
    auto root = index_->finish(static_cast<std::uint64_t>(next_seq_));
    if (!root) return std::unexpected(root.error());
    index_root_ = *root;
  }
  return {};
}

Appender::Mark Appender::mark() const {
  return Mark{next_seq_,
              skipped_,
              last_hash_,
              tree_ ? std::optional(tree_->mark()) : std::nullopt,
              index_ ? std::optional(index_->pending()) : std::nullopt,
              parties_};
}

void Appender::rewind(Mark mark) {
  next_seq_ = mark.next_seq;
  skipped_ = mark.skipped;
  last_hash_ = mark.last_hash;
  if (tree_ && mark.tree) tree_->rewind(std::move(*mark.tree));
  if (index_ && mark.index) index_->restore(std::move(*mark.index));
  parties_ = std::move(mark.parties);
}

// Only what is malformed, not authentic or not meant for this log is
// refused (docs/format.md "Appending"); the rest is judged by verification.
Status Appender::check_authentic(PreparedStatement& item, const Statement& statement) {
  const std::int64_t now = settings_.clock();
  if (statement.time.seconds > now + settings_.max_clock_skew_seconds)
    return invalid_input("statement time " + statement.object["time"].get<std::string>() + " is in the future (log time " +
                         format_timestamp(now) + ", allowed skew " + std::to_string(settings_.max_clock_skew_seconds) +
                         " s)");
  // The worker may have checked against an older snapshot of the registry
  // (a rotation earlier in the same batch); the key in force now decides.
  // Not accepted from this signer: forbidden (HTTP 403), not malformed.
  if (auto problem = check_key_in_force(statement, parties_.find(statement.actor), parties_.operator_id(), item.signature))
    return forbidden(problem->message);
  if (statement.type == StatementType::kParty && statement.object["id"] == parties_.operator_id() &&
      statement.object.contains("revoked"))
    return invalid_input("the operator " + quote_party_id(parties_.operator_id()) +
                         " cannot be revoked: it signs every registration");
  return {};
}

// A statement that names a log (`log`) is for that log only: the same signed
// bytes cannot be replayed into another ledger where its actor has the same
// key.
Status Appender::check_bound_to_log(const Statement& statement) const {
  auto log = statement.object.find("log");
  if (log == statement.object.end() || *log == origin_) return {};
  return invalid_input("the statement is for the log " + quote_untrusted(log->get_ref<const std::string&>()) +
                       ", not this one (" + quote_untrusted(origin_) + ")");
}


// A replay or a duplicate would also fail the prev check (its prev is an
// older head); name the real problem first.
Result<std::optional<std::string>> Appender::already_recorded(const PreparedStatement& item,
                                                               const Statement& statement) {
  auto replayed = store_.seq_of_statement(item.statement_hash);
  if (!replayed) return std::unexpected(replayed.error());
  if (*replayed) return "replay of the statement already recorded at seq " + std::to_string(**replayed);
  if (statement.type == StatementType::kParty) {
    // A party's registrations repeat legitimately (a rotation back, a
    // reinstatement): only one identical to the registration in force is
    // the same event again.
    auto head = store_.chain_head(statement.chain());
    if (!head) return std::unexpected(head.error());
    if (!*head) return std::optional<std::string>{};
    auto row = store_.event_at((*head)->seq);
    if (!row) return std::unexpected(row.error());
    if (*row && (*row)->identity == item.identity.digest)
      return "duplicate of seq " + std::to_string((*head)->seq) + ": " + item.identity.sameness +
             " as the registration in force";
    return std::optional<std::string>{};
  }
  auto earlier = store_.live_event(item.identity.digest);
  if (!earlier) return std::unexpected(earlier.error());
  if (*earlier) return "duplicate of seq " + std::to_string(**earlier) + ": " + item.identity.sameness;
  return std::optional<std::string>{};
}

Result<std::int64_t> Appender::void_target(const Statement& statement) {
  const auto target = void_target_of(statement.object);
  if (!target) return internal_error("a void statement without a target");
  // The target is an entry of the void's own VIN: its chain is short.
  auto cursor = store_.scan_chain(statement.vin);
  if (!cursor) return std::unexpected(cursor.error());
  StoredEntry row;
  for (;;) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more)
      return invalid_input("cannot void " + short_hex(*target) + ": no entry of VIN " + statement.vin +
                           " has that hash");
    if (row.hash == *target) break;
  }
  auto withdrawn = store_.withdrawn_by(row.seq);
  if (!withdrawn) return std::unexpected(withdrawn.error());
  const VoidTarget about{row.seq, statement_type_from(row.type).value_or(StatementType::kParty), row.actor, *withdrawn};
  if (auto refusal = void_refusal(statement.actor, about, parties_.operator_id())) return invalid_input("cannot void " + *refusal);
  return row.seq;
}

Result<std::optional<ChainHead>> Appender::check_prev(const Statement& statement) {
  auto head = store_.chain_head(statement.chain());
  if (!head) return std::unexpected(head.error());
  const std::string subject = statement.type == StatementType::kParty ? "party " + quote_party_id(statement.object["id"].get<std::string>())
                                                                       : "VIN " + statement.vin;
  const std::string head_text = *head ? to_hex((*head)->hash) : "null";
  switch (statement.prev.kind) {
    case PrevClaim::Kind::kAbsent:
      break;
    case PrevClaim::Kind::kFirst:
      if (*head)
        return conflict("prev conflict on " + subject + ": prev is null but the chain already has entries; head is " +
                        head_text + " (retry with prev = the head)");
      break;
    case PrevClaim::Kind::kHash:
      if (!*head || (*head)->hash != statement.prev.hash)
        return conflict("prev conflict on " + subject + ": prev is " + short_hex(statement.prev.hash) +
                        " but the head is " + head_text + " (retry with prev = the head)");
      break;
  }
  return head;
}

// The rules of the party log that only new registrations must meet:
//  - one key, one party: a key registered to two parties would let either
//    sign as the other (the operator, say, as a dealer); compared by public
//    key, the same key under another name is still the same key;
//  - the log's name is the operator's alone: the operator's key is named by
//    the origin (it signs checkpoints under it), no other party's may be;
//  - the operator moves to a new key only with an endorsement signed by the
//    key in force (key_endorsement.h), which checkpoints then carry.
Status Appender::check_party_statement(const Statement& statement, std::int64_t seq) {
  const auto& id = statement.object["id"].get_ref<const std::string&>();
  const PartyRecord record = party_record_from(statement);
  for (const auto& [other_id, other] : *parties_.snapshot())
    if (other_id != id && other.record.vkey.public_key() == record.vkey.public_key())
      return invalid_input("vkey is already the key of party " + quote_party_id(other_id));
  const bool is_operator = seq == 0 || id == parties_.operator_id();
  if (!is_operator && record.vkey.name() == origin_)
    return invalid_input("vkey is named " + quote_untrusted(origin_) +
                         ", the log's origin: only the log's own key (the operator's) may carry that name");
  if (is_operator && record.vkey.name() != origin_)
    return invalid_input("the operator's vkey must be named after the log's origin " + quote_untrusted(origin_) +
                         ", not " + quote_untrusted(record.vkey.name()) + ": it signs the log's checkpoints");
  const PartyVersion* current = is_operator && seq > 0 ? parties_.find(id) : nullptr;
  const bool new_operator_key = current != nullptr && current->record.vkey.public_key() != record.vkey.public_key();
  if (!new_operator_key) {
    if (record.endorsement)
      return invalid_input("field \"endorsement\" belongs only to a registration that gives the operator a new key");
    return {};
  }
  if (!record.endorsement)
    return invalid_input("a new operator key needs an \"endorsement\": the signature of the key in force (" +
                         current->record.vkey.text() + ") over the key endorsement message (docs/format.md)");
  // The old key as the log knew it: named by the origin, whatever name an
  // older ledger registered it under.
  const KeyEndorsement endorsed{VerifierKey::from_public_key(origin_, current->record.vkey.public_key()), record.vkey,
                                *record.endorsement};
  if (!endorsed.verify(origin_))
    return invalid_input("field \"endorsement\" is not the signature of the operator's key in force (" +
                         current->record.vkey.text() + ") over the endorsement of " + record.vkey.text());
  return {};
}

Result<bool> Appender::add(PreparedStatement& item) {
  if (!item.statement) return std::unexpected(item.error);
  const Statement& statement = *item.statement;
  if (next_seq_ == 0) {
    // The first entry is the operator registering itself: nobody else exists yet.
    if (statement.type != StatementType::kParty || statement.actor != statement.object["id"].get<std::string>())
      return invalid_input("the first entry must be the operator's self-registration");
    if (auto ok = check_party_statement(statement, 0); !ok) return std::unexpected(ok.error());
    parties_.apply(party_record_from(statement), 0);
  }
  if (auto ok = check_authentic(item, statement); !ok) return std::unexpected(ok.error());
  if (auto ok = check_new_statement(statement); !ok) return std::unexpected(ok.error());
  if (auto ok = check_bound_to_log(statement); !ok) return std::unexpected(ok.error());
  if (statement.type == StatementType::kParty && next_seq_ > 0)
    if (auto ok = check_party_statement(statement, next_seq_); !ok) return std::unexpected(ok.error());
  auto recorded = already_recorded(item, statement);
  if (!recorded) return std::unexpected(recorded.error());
  if (*recorded) {
    if (!options_.skip_recorded) return conflict(**recorded);
    ++skipped_;
    return false;
  }
  std::optional<std::int64_t> withdraws;
  if (statement.type == StatementType::kVoid) {
    auto target = void_target(statement);
    if (!target) return std::unexpected(target.error());
    withdraws = *target;
  }
  auto head = check_prev(statement);
  if (!head) return std::unexpected(head.error());

  EntryHeader header{next_seq_, format_timestamp(settings_.clock()), last_hash_,
                     *head ? std::optional<Hash>((*head)->hash) : std::nullopt};
  StoredEntry row;
  row.seq = next_seq_;
  row.leaf = entry_leaf_bytes(header, statement.canonical);
  // Statements are at most 16 KiB, so this never fires for what append
  // reads; it keeps every entry servable in a tlog-tiles entry bundle,
  // whatever path built the statement.
  if (row.leaf.size() > kMaxBundledEntryBytes)
    return invalid_input("the entry would be " + std::to_string(row.leaf.size()) +
                         " bytes; entries are at most 65,535 bytes (the tlog-tiles entry bundle limit)");
  row.hash = leaf_hash(row.leaf);
  row.chain = statement.chain();
  row.type = std::string(to_string(statement.type));
  row.actor = statement.actor;
  if (*head) row.chain_prev = (*head)->seq;
  row.statement_hash = item.statement_hash;
  auto written = write(row, statement, StoredEvent{row.seq, item.identity.digest, withdraws});
  if (!written) return std::unexpected(written.error());
  return true;
}

Status Appender::add_verified(const StoredEntry& row, const Statement& statement) {
  if (row.seq != next_seq_)
    return internal_error("entry " + std::to_string(row.seq) + " given where entry " + std::to_string(next_seq_) +
                          " comes next");
  // The copy keeps the event index its source keeps: the identity of each
  // entry, and for a void the entry it withdraws (resolved as append does).
  auto identity = event_identity(statement.object);
  if (!identity) return std::unexpected(identity.error());
  std::optional<std::int64_t> withdraws;
  if (statement.type == StatementType::kVoid) {
    auto target = void_target(statement);
    if (!target) return std::unexpected(target.error());
    withdraws = *target;
  }
  return write(row, statement, StoredEvent{row.seq, identity->digest, withdraws});
}

Status Appender::write(const StoredEntry& row, const Statement& statement, const StoredEvent& event) {
  if (auto ok = store_.insert(row); !ok) return ok;
  if (auto ok = store_.insert_event(event); !ok) return ok;
  if (tree_)
    if (auto ok = tree_->append(row.hash); !ok) return ok;
  if (index_) index_->add(row.chain, static_cast<std::uint64_t>(row.seq), row.hash);
  if (statement.type == StatementType::kParty) parties_.apply(party_record_from(statement), next_seq_);
  last_hash_ = row.hash;
  last_leaf_ = row.leaf;
  ++next_seq_;
  return {};
}

Result<AppendReport> append_lines(Appender& appender, PartyRegistry& parties, LineReader& reader, ThreadPool& pool,
                                  std::string_view source_name) {
  auto located = [&](std::int64_t line, Error error) {
    return with_context(std::move(error), std::string(source_name) + ":" + std::to_string(line));
  };
  auto produce = [&](InputLine& line) -> Result<bool> {
    for (;;) {
      auto got = reader.next(line);
      if (!got) return std::unexpected(located(reader.line_number(), got.error()));
      if (!*got) return false;
      if (line.text.find_first_not_of(" \t") != std::string::npos) return true;  // blank lines carry nothing
    }
  };
  auto make_work = [&] {
    return [snapshot = parties.snapshot()](InputLine& line) {
      return prepare_statement(line.number, line.text, snapshot);
    };
  };
  auto consume = [&](PreparedStatement& item) -> Status {
    if (auto ok = appender.add(item); !ok) return std::unexpected(located(item.line, ok.error()));
    return {};
  };
  if (auto ok = run_ordered_pipeline<InputLine>(pool, kBatchLines, produce, make_work, consume); !ok)
    return std::unexpected(ok.error());
  return appender.report();
}

}  // namespace vinledger
