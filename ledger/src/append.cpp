#include "append.h"

#include "ordered_pipeline.h"
#include "vinledger/entry.h"
#include "vinledger/timestamp.h"

namespace vinledger {
namespace {

// Statements per job handed to a worker: large enough that queueing costs
// nothing beside the signature checks, small enough to keep memory flat.
constexpr std::size_t kBatchLines = 256;

std::string short_hex(const Hash& hash) { return to_hex(hash).substr(0, 16) + "..."; }

void check_signature(PreparedStatement& item, const RegisteredParty& party) {
  const Statement& statement = *item.statement;
  item.checked_key = party.record.vkey.text();
  item.signature_ok = party.record.vkey.verify(statement.signed_message, statement.sig);
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace

PreparedStatement prepare_statement(std::int64_t line, Statement statement, const PartySnapshot& parties) {
  PreparedStatement item;
  item.line = line;
  item.statement_hash = sha256(statement.signed_message);
  item.statement = std::move(statement);
  if (auto party = parties->find(item.statement->actor); party != parties->end()) check_signature(item, party->second);
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

Appender::Appender(Store& store, PartyRegistry& parties, const LedgerSettings& settings)
    : store_(store), parties_(parties), settings_(settings) {}

Status Appender::start() {
  auto last = store_.last_entry();
  if (!last) return std::unexpected(last.error());
  if (*last) {
    next_seq_ = (*last)->seq + 1;
    last_hash_ = (*last)->hash;
  }
  first_seq_ = next_seq_;
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

Status Appender::finish() { return tree_ ? tree_->flush() : Status{}; }

Appender::Mark Appender::mark() const {
  return Mark{next_seq_, last_hash_, tree_ ? std::optional(tree_->mark()) : std::nullopt, parties_};
}

void Appender::rewind(Mark mark) {
  next_seq_ = mark.next_seq;
  last_hash_ = mark.last_hash;
  if (tree_ && mark.tree) tree_->rewind(std::move(*mark.tree));
  parties_ = std::move(mark.parties);
}

// Brief section 6: only what is malformed or not authentic is refused.
Status Appender::check_authentic(PreparedStatement& item, const Statement& statement) {
  const std::int64_t now = settings_.clock();
  if (statement.time.seconds > now + settings_.max_clock_skew_seconds)
    return invalid_input("statement time " + statement.object["time"].get<std::string>() + " is in the future (log time " +
                         format_timestamp(now) + ", allowed skew " + std::to_string(settings_.max_clock_skew_seconds) +
                         " s)");
  const RegisteredParty* party = parties_.find(statement.actor);
  if (!party) return forbidden("unknown actor " + in_quotes(statement.actor) + " (not a registered party)");
  if (party->record.revoked)
    return forbidden("actor " + in_quotes(statement.actor) + " was revoked at seq " + std::to_string(party->seq) +
                     "; its statements are no longer accepted");
  if (statement.type == StatementType::kParty) {
    if (statement.actor != parties_.operator_id())
      return forbidden("a party statement must be signed by the operator " + in_quotes(parties_.operator_id()) +
                       ", not " + in_quotes(statement.actor));
    if (statement.object["id"] == parties_.operator_id() && statement.object.contains("revoked"))
      return invalid_input("the operator " + in_quotes(parties_.operator_id()) +
                           " cannot be revoked: it signs every registration");
  }
  // The worker may have checked against an older snapshot of the registry
  // (a rotation earlier in the same batch); the key in force now decides.
  if (item.checked_key != party->record.vkey.text()) check_signature(item, *party);
  if (!item.signature_ok)
    return forbidden("signature does not verify against the key of " + in_quotes(statement.actor) + " in force (" +
                     party->record.vkey.text() + ")");
  return {};
}

Result<std::optional<ChainHead>> Appender::check_prev(const PreparedStatement& item, const Statement& statement) {
  auto head = store_.chain_head(statement.chain());
  if (!head) return std::unexpected(head.error());
  // A replay would also fail the prev check; name the real problem first.
  auto replayed = store_.seq_of_statement(item.statement_hash);
  if (!replayed) return std::unexpected(replayed.error());
  if (*replayed) return conflict("replay of the statement already recorded at seq " + std::to_string(**replayed));

  const std::string subject = statement.type == StatementType::kParty ? "party " + in_quotes(statement.object["id"].get<std::string>())
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

// One key, one party: a key registered to two parties would let either sign
// as the other (the operator, say, as a dealer). Compared by public key: the
// same key under another name is still the same key.
Status Appender::check_new_party_key(const Statement& statement) {
  const auto& id = statement.object["id"].get_ref<const std::string&>();
  const PartyRecord record = party_record_from(statement);
  for (const auto& [other_id, other] : *parties_.snapshot())
    if (other_id != id && other.record.vkey.public_key() == record.vkey.public_key())
      return invalid_input("vkey is already the key of party " + in_quotes(other_id));
  return {};
}

Status Appender::add(PreparedStatement& item) {
  if (!item.statement) return std::unexpected(item.error);
  const Statement& statement = *item.statement;
  if (next_seq_ == 0) {
    // The first entry is the operator registering itself: nobody else exists yet.
    if (statement.type != StatementType::kParty || statement.actor != statement.object["id"].get<std::string>())
      return invalid_input("the first entry must be the operator's self-registration");
    parties_.apply(party_record_from(statement), 0);
  }
  if (auto ok = check_authentic(item, statement); !ok) return ok;
  if (statement.type == StatementType::kParty)
    if (auto ok = check_new_party_key(statement); !ok) return ok;
  auto head = check_prev(item, statement);
  if (!head) return std::unexpected(head.error());

  EntryHeader header{next_seq_, format_timestamp(settings_.clock()), last_hash_,
                     *head ? std::optional<Hash>((*head)->hash) : std::nullopt};
  StoredEntry row;
  row.seq = next_seq_;
  row.leaf = entry_leaf_bytes(header, statement.canonical);
  row.hash = leaf_hash(row.leaf);
  row.chain = statement.chain();
  row.type = std::string(to_string(statement.type));
  row.actor = statement.actor;
  if (*head) row.chain_prev = (*head)->seq;
  row.statement_hash = item.statement_hash;
  if (auto ok = store_.insert(row); !ok) return ok;
  if (tree_)
    if (auto ok = tree_->append(row.hash); !ok) return ok;

  if (statement.type == StatementType::kParty) parties_.apply(party_record_from(statement), next_seq_);
  last_hash_ = row.hash;
  last_leaf_ = std::move(row.leaf);
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
