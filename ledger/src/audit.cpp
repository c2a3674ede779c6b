#include "audit.h"

#include <algorithm>
#include <map>

#include "checkpoint_audit.h"
#include "key_in_force.h"
#include "entry_audit.h"
#include "event_index.h"
#include "index_audit.h"
#include "ordered_pipeline.h"
#include "party_registry.h"
#include "tree_audit.h"
#include "vinledger/entry.h"
#include "vinledger/merkle.h"
#include "vinledger/vin_index.h"

namespace vinledger {
namespace {

constexpr std::size_t kBatchRows = 256;

// SQLite's own structural check catches an index that disagrees with the
// table it indexes (a lookup column edited behind the index's back).
Status check_database_structure(Store& store, EntryAuditor& auditor) {
  auto problems = store.integrity_problems();
  if (!problems) return std::unexpected(problems.error());
  for (const auto& problem : *problems)
    auditor.report("HASH_MISMATCH", std::nullopt, std::nullopt, "database structure: " + problem);
  return {};
}

// The VIN index root a checkpoint commits to; a malformed index line is a
// finding, and the checkpoint is then compared on its tree root only.
std::optional<Hash> index_root_of(const Checkpoint& checkpoint, const std::string& label, EntryAuditor& auditor) {
  auto root = checkpoint_index_root(checkpoint);
  if (root) return *root;
  auditor.report("INDEX_MISMATCH", std::nullopt, std::nullopt, label + ": " + root.error().message);
  return std::nullopt;
}

// A stored cosignature must be a valid cosignature, by the witness key
// stored beside it, of the checkpoint it is stored for: an edited line, key
// or checkpoint reference no longer verifies. (Whether that witness is one
// to trust is the reader's question: verify-bundle --witness.)
Status check_cosignatures(Store& store, const std::vector<StoredCheckpoint>& issued, bool since,
                          EntryAuditor& auditor) {
  auto rows = store.cosignatures(0);
  if (!rows) return std::unexpected(rows.error());
  std::map<std::int64_t, const StoredCheckpoint*> by_id;
  for (const auto& checkpoint : issued) by_id.emplace(checkpoint.id, &checkpoint);
  for (const auto& row : *rows) {
    auto checkpoint = by_id.find(row.checkpoint_id);
    if (checkpoint == by_id.end()) {
      // Cosignatures of checkpoints before an audit's --since were checked then.
      if (since) continue;
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     "a cosignature is stored for checkpoint #" + std::to_string(row.checkpoint_id) +
                         ", which the ledger did not issue");
      continue;
    }
    const std::string label = "the cosignature of checkpoint #" + std::to_string(row.checkpoint_id) + " by " + row.witness;
    auto witness = CosignerKey::parse(row.witness);
    auto note = parse_signed_note(checkpoint->second->note);
    auto line = parse_signed_note("-\n\n" + row.line);
    bool valid = witness && note && line && line->signatures.size() == 1;
    if (valid) {
      const NoteSignature& signature = line->signatures.front();
      const auto& bytes = signature.signature;
      valid = signature.name == witness->name() && signature.key_id == witness->key_id() && bytes.size() == 72;
      if (valid) {
        std::uint64_t timestamp = 0;
        for (int i = 0; i < 8; ++i) timestamp = (timestamp << 8) | bytes[static_cast<std::size_t>(i)];
        valid = witness->verify(note->text, timestamp, std::span(bytes).subspan(8));
      }
    }
    if (!valid)
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     label + " is not a valid cosignature of that checkpoint by that key");
  }
  return {};
}

// The checkpoints the ledger issued must be signed by its operator, agree
// with the columns stored beside them, and (later) match the rebuilt tree.
// With `since`, only those beyond it: the others were checked by the audit
// that verified `since`.
// Also checks the witnesses' cosignatures stored for them.
Result<std::vector<ExpectedRoot>> issued_roots(Store& store, const std::string& origin,
                                               const std::vector<PartyVersion>& operator_keys, EntryAuditor& auditor,
                                               std::optional<std::uint64_t> since) {
  auto issued = since ? store.checkpoints_after(static_cast<std::int64_t>(*since)) : store.checkpoints();
  if (!issued) return std::unexpected(issued.error());
  if (auto ok = check_cosignatures(store, *issued, since.has_value(), auditor); !ok) return std::unexpected(ok.error());
  std::vector<ExpectedRoot> roots;
  std::int64_t previous_size = since ? static_cast<std::int64_t>(*since) : -1;
  bool previous_indexed = true;
  for (const auto& row : *issued) {
    const std::string label = "checkpoint #" + std::to_string(row.id) + " (issued " + row.issued + ")";
    // The ledger records a checkpoint only for a longer log than the last
    // one (or, once, for the same size when the last one predates the VIN
    // index): rows out of that order were moved or copied.
    const bool indexed = row.note.find(std::string("\n") + std::string(kIndexLineTag) + " ") != std::string::npos;
    const bool reissued = row.size == previous_size && !previous_indexed && indexed;
    previous_indexed = indexed;
    if (row.size <= previous_size && !reissued)
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     label + " covers " + std::to_string(row.size) + " entries, no more than the checkpoint recorded "
                     "before it (" + std::to_string(previous_size) + "): checkpoint records were reordered or copied");
    previous_size = row.size;
    auto verified = open_with_operator_keys(row.note, origin, operator_keys);
    if (!verified) {
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     label + " is not a checkpoint signed by the operator: " + verified.error().message);
      continue;
    }
    const Checkpoint* opened = &verified->checkpoint;
    if (static_cast<std::int64_t>(opened->size) != row.size || opened->root != row.root)
      auditor.report("CHECKPOINT_MISMATCH", std::nullopt, std::nullopt,
                     label + ": the size or root stored beside it differs from its signed note");
    roots.push_back(ExpectedRoot{label, opened->size, opened->root, index_root_of(*opened, label, auditor)});
  }
  return roots;
}

// The tree is written in the same transaction as the entries, so a stored
// tree with leaves beyond the last entry means entries were cut off the end:
// the one edit that leaves every remaining entry and chain intact.
Status check_truncation(Store& store, EntryAuditor& auditor) {
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
Status check_duplicate_statements(Store& store, EntryAuditor& auditor) {
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
Status check_settings(Store& store, EntryAuditor& auditor) {
  auto settings = store.all_meta();
  if (!settings) return std::unexpected(settings.error());
  const std::optional<std::string>& named = auditor.operator_key_name();
  bool has_origin = false;
  for (const auto& [key, value] : *settings) {
    if (key == kMirrorOfKey) continue;  // where a mirror copies from: for people, vouches for nothing
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

// Where the audit starts: entry 0, or the end of a checkpoint an earlier
// clean audit verified. The entries before it are trusted only as far as
// that checkpoint vouches for them: each one read (the last entry, the
// party registrations, each chain's head) is proved included in its tree.
class StartingPoint {
 public:
  explicit StartingPoint(Store& store) : store_(store) {}

  // False if the log no longer holds the checkpoint's tree (reported).
  Result<bool> resume_at(const Checkpoint& since, const std::string& label) {
    since_ = since;
    label_ = label;
    auto tree_size = store_.tree_size();
    if (!tree_size) return std::unexpected(tree_size.error());
    if (*tree_size < since.size) {
      findings_.report("TRUNCATED", static_cast<std::int64_t>(*tree_size), std::nullopt,
                       label + " covers " + std::to_string(since.size) + " entries but the log now has only " +
                           std::to_string(*tree_size));
      return false;
    }
    tree_size_ = *tree_size;
    auto builder = TreeAuditor::stored_tree_at(store_, since.size);
    if (!builder) return std::unexpected(builder.error());
    if (builder->root() != since.root) {
      findings_.report("CHECKPOINT_MISMATCH", static_cast<std::int64_t>(since.size) - 1, std::nullopt,
                       label + " says the tree of " + std::to_string(since.size) + " entries has root " +
                           to_hex(since.root) + ", but the stored tree gives " + to_hex(builder->root()) +
                           ": history was rewritten or the tree damaged (run a full audit)");
      return false;
    }
    builder_ = std::move(*builder);
    return true;
  }

  // The hash of old entry `seq`, recomputed from its bytes and proved to be
  // in the checkpoint's tree; nullopt (reported) if it is not.
  Result<std::optional<std::pair<Hash, StoredEntry>>> proved_entry(std::int64_t seq) {
    auto row = store_.entry_at(seq);
    if (!row) return std::unexpected(row.error());
    if (!*row) {
      findings_.report("SEQ_GAP", seq, std::nullopt, "entry " + std::to_string(seq) + ", inside " + label_ + ", is missing");
      return std::optional<std::pair<Hash, StoredEntry>>{};
    }
    const Hash hash = leaf_hash((*row)->leaf);
    TiledMerkleTree tree(store_, tree_size_);
    auto proof = tree.inclusion_proof(static_cast<std::uint64_t>(seq), since_.size);
    if (!proof) return std::unexpected(proof.error());
    if (!verify_inclusion(hash, static_cast<std::uint64_t>(seq), since_.size, *proof, since_.root)) {
      findings_.report("HASH_MISMATCH", seq, std::nullopt,
                       "entry " + std::to_string(seq) + " is not the entry " + label_ + " vouches for: it was edited");
      return std::optional<std::pair<Hash, StoredEntry>>{};
    }
    return std::optional<std::pair<Hash, StoredEntry>>{std::pair{hash, std::move(**row)}};
  }

  // The registry as of the checkpoint, from its proved party entries.
  Result<std::pair<PartyRegistry, std::optional<std::string>>> parties() {
    std::vector<std::int64_t> seqs;
    auto cursor = store_.scan_parties();
    if (!cursor) return std::unexpected(cursor.error());
    StoredEntry row;
    for (;;) {
      auto more = cursor->next(row);
      if (!more) return std::unexpected(more.error());
      if (!*more || row.seq >= static_cast<std::int64_t>(since_.size)) break;
      seqs.push_back(row.seq);
    }
    PartyRegistry registry;
    std::optional<std::string> operator_key_name;
    for (std::int64_t seq : seqs) {
      auto proved = proved_entry(seq);
      if (!proved) return std::unexpected(proved.error());
      if (!*proved) continue;
      auto entry = parse_entry_leaf((*proved)->second.leaf);
      auto statement = entry ? statement_from_json(std::move(entry->statement)) : Result<Statement>(std::unexpected(entry.error()));
      if (!statement || statement->type != StatementType::kParty) continue;  // a clean audit saw none such
      PartyRecord record = party_record_from(*statement);
      if (seq == 0) operator_key_name = record.vkey.name();
      registry.apply(std::move(record), seq);
    }
    return std::pair{std::move(registry), std::move(operator_key_name)};
  }

  // A chain's head among the proved entries (EntryAuditor::HeadLookup).
  Result<std::optional<ChainHeadSeen>> head(const std::string& chain) {
    auto head = store_.chain_head_before(chain, static_cast<std::int64_t>(since_.size));
    if (!head) return std::unexpected(head.error());
    if (!*head) return std::optional<ChainHeadSeen>{};
    auto proved = proved_entry((*head)->seq);
    if (!proved) return std::unexpected(proved.error());
    // An entry that fails its proof is reported; judge the chain by the
    // stored hash so that one edit is not reported twice.
    if (!*proved) return std::optional<ChainHeadSeen>{ChainHeadSeen{(*head)->seq, (*head)->hash}};
    return std::optional<ChainHeadSeen>{ChainHeadSeen{(*head)->seq, (*proved)->first}};
  }

  // Kept checkpoints no larger than the start: consistent with it, by a
  // proof from the stored tree checked against both roots.
  Status check_older(const ExpectedRoot& kept) {
    if (kept.size == 0 || kept.size > since_.size) return {};
    TiledMerkleTree tree(store_, tree_size_);
    auto proof = tree.consistency_proof(kept.size, since_.size);
    if (!proof) return std::unexpected(proof.error());
    if (!verify_consistency(kept.size, since_.size, kept.root, since_.root, *proof))
      findings_.report("CHECKPOINT_MISMATCH", static_cast<std::int64_t>(kept.size) - 1, std::nullopt,
                       kept.label + " (size " + std::to_string(kept.size) + ") is not consistent with " + label_ +
                           ": history up to seq " + std::to_string(kept.size - 1) + " was rewritten, or the log forked");
    return {};
  }

  const TileBuilder& tree() const { return builder_; }

  // Moves what the set-up and the lookups found into `auditor`'s report.
  void report_to(EntryAuditor& auditor) {
    for (auto& finding : findings_.take_findings())
      auditor.report(finding.code.c_str(), finding.seq, finding.vin, std::move(finding.message));
  }

 private:
  Store& store_;
  EntryAuditor findings_;  // only its report() and take_findings()
  Checkpoint since_;
  std::string label_;
  std::uint64_t tree_size_ = 0;
  TileBuilder builder_;
};

// The latest issued checkpoint the audit verified, for the next --since.
Result<std::optional<AuditResume>> resume_point(Store& store, std::int64_t audited,
                                                const std::optional<ExternalCheckpoint>& since,
                                                const std::optional<Checkpoint>& since_checkpoint) {
  auto latest = store.latest_checkpoint();
  if (!latest) return std::unexpected(latest.error());
  if (*latest && (*latest)->size <= audited &&
      (!since_checkpoint || static_cast<std::uint64_t>((*latest)->size) >= since_checkpoint->size))
    return std::optional<AuditResume>{AuditResume{static_cast<std::uint64_t>((*latest)->size), (*latest)->note}};
  if (since) return std::optional<AuditResume>{AuditResume{since_checkpoint->size, since->note}};
  return std::optional<AuditResume>{};
}

}  // namespace

Result<AuditReport> audit_ledger(Store& store, ThreadPool& pool, const std::string& origin,
                                 const std::vector<ExternalCheckpoint>& external,
                                 const std::optional<ExternalCheckpoint>& since) {
  auto hints = KeyHints::load(store);
  if (!hints) return std::unexpected(hints.error());
  auto operator_keys = operator_registrations(store);
  if (!operator_keys) return std::unexpected(operator_keys.error());
  std::optional<Checkpoint> since_checkpoint;
  StartingPoint start(store);
  std::optional<TileBuilder> start_tree;
  EntryAuditor auditor;
  if (since) {
    auto verified_since = open_with_operator_keys(since->note, origin, *operator_keys);
    if (!verified_since)
      return invalid_input("checkpoint " + since->source + " is not a checkpoint of this log: " +
                           verified_since.error().message);
    const Checkpoint* opened = &verified_since->checkpoint;
    since_checkpoint = *opened;
    auto resumed = start.resume_at(*opened, "checkpoint " + since->source);
    if (!resumed) return std::unexpected(resumed.error());
    if (!*resumed) {
      start.report_to(auditor);
      return AuditReport{0, std::nullopt, auditor.take_findings(), static_cast<std::int64_t>(opened->size), {}};
    }
    start_tree = start.tree();
    std::optional<Hash> last_hash;
    if (opened->size > 0) {
      auto last = start.proved_entry(static_cast<std::int64_t>(opened->size) - 1);
      if (!last) return std::unexpected(last.error());
      if (*last) last_hash = (*last)->first;
    }
    auto parties = start.parties();
    if (!parties) return std::unexpected(parties.error());
    auditor = EntryAuditor(static_cast<std::int64_t>(opened->size), last_hash, std::move(parties->first),
                           std::move(parties->second),
                           [&start](const std::string& chain) { return start.head(chain); });
  }
  start.report_to(auditor);

  auto expected = issued_roots(store, origin, *operator_keys, auditor,
                               since_checkpoint ? std::optional<std::uint64_t>(since_checkpoint->size) : std::nullopt);
  if (!expected) return std::unexpected(expected.error());
  for (const auto& kept : external) {
    auto verified_kept = open_with_operator_keys(kept.note, origin, *operator_keys);
    if (!verified_kept)
      return invalid_input("checkpoint " + kept.source + " is not a checkpoint of this log: " +
                           verified_kept.error().message);
    const Checkpoint* opened = &verified_kept->checkpoint;
    const std::string label = "checkpoint " + kept.source;
    ExpectedRoot root{label, opened->size, opened->root, index_root_of(*opened, label, auditor)};
    if (since_checkpoint && opened->size <= since_checkpoint->size) {
      if (auto ok = start.check_older(root); !ok) return std::unexpected(ok.error());
      continue;
    }
    expected->push_back(std::move(root));
  }
  start.report_to(auditor);
  // The lookup structures beside the entries (the event index, the VIN
  // index) are re-derived from every entry: only a full audit checks them.
  std::optional<IndexAuditor> index;
  std::optional<EventIndexAuditor> events;
  if (!since) {
    index.emplace(store, *expected,
                  [&](std::optional<std::int64_t> seq, std::optional<std::string> chain, std::string message) {
                    if (chain && chain->starts_with("party/")) chain.reset();
                    auditor.report("INDEX_MISMATCH", seq, std::move(chain), std::move(message));
                  });
    if (auto ok = index->start(); !ok) return std::unexpected(ok.error());
    events.emplace(store, [&](std::optional<std::int64_t> seq, std::string message) {
      auditor.report("HASH_MISMATCH", seq, std::nullopt, std::move(message));
    });
    if (auto ok = events->start(); !ok) return std::unexpected(ok.error());
  }
  CheckpointAuditor checkpoints(std::move(*expected), [&](const char* code, std::optional<std::int64_t> seq,
                                                          std::string message) {
    auditor.report(code, seq, std::nullopt, std::move(message));
  });

  const std::int64_t first = auditor.next_seq();
  auto cursor = first == 0 ? store.scan_all() : store.scan_from(first);
  if (!cursor) return std::unexpected(cursor.error());
  std::int64_t count = first;
  auto produce = [&](StoredEntry& row) { return cursor->next(row); };
  auto make_work = [&] {
    return [&hints = *hints](StoredEntry& row) {
      return check_row(row, [&hints](const std::string& actor, std::int64_t seq) { return hints.key_for(actor, seq); });
    };
  };
  auto tree_problem = [&](std::string problem) {
    auditor.report("HASH_MISMATCH", std::nullopt, std::nullopt, "Merkle tree: " + problem);
  };
  TreeAuditor tree = start_tree ? TreeAuditor(store, tree_problem, std::move(*start_tree)) : TreeAuditor(store, tree_problem);
  auto consume = [&](CheckedRow& checked) -> Status {
    // The chain lookups of old entries report through `start`.
    if (auto ok = auditor.check(checked); !ok) return ok;
    start.report_to(auditor);
    ++count;
    if (events)
      if (auto ok = events->add(checked.row.seq, checked.statement ? checked.identity : std::nullopt, checked.void_target);
          !ok)
        return ok;
    if (auto ok = tree.add(checked.recomputed_hash); !ok) return ok;
    checkpoints.observe(tree.tree());
    // The index is rebuilt from what the hashed entry says, not the columns.
    if (index) {
      const std::string& chain = checked.statement ? checked.statement->chain() : checked.row.chain;
      if (auto ok = index->add(chain, static_cast<std::uint64_t>(checked.row.seq), checked.recomputed_hash); !ok)
        return ok;
    }
    return Status{};
  };
  if (auto ok = run_ordered_pipeline<StoredEntry>(pool, kBatchRows, produce, make_work, consume); !ok)
    return std::unexpected(ok.error());
  if (auto ok = tree.finish(); !ok) return std::unexpected(ok.error());
  if (events)
    if (auto ok = events->finish(); !ok) return std::unexpected(ok.error());
  checkpoints.finish(tree.tree());
  if (index)
    if (auto ok = index->finish(static_cast<std::uint64_t>(count)); !ok) return std::unexpected(ok.error());
  if (auto ok = check_truncation(store, auditor); !ok) return std::unexpected(ok.error());
  if (auto ok = check_duplicate_statements(store, auditor); !ok) return std::unexpected(ok.error());
  if (auto ok = check_settings(store, auditor); !ok) return std::unexpected(ok.error());
  // PRAGMA integrity_check reads the whole file: only a full audit pays it.
  if (!since)
    if (auto ok = check_database_structure(store, auditor); !ok) return std::unexpected(ok.error());
  AuditReport report{count, tree.root(), auditor.take_findings(), first, {}};
  if (report.findings.empty()) {
    auto resume = resume_point(store, count, since, since_checkpoint);
    if (!resume) return std::unexpected(resume.error());
    report.resume = std::move(*resume);
  }
  return report;
}

}  // namespace vinledger
