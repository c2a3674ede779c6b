// Ledger::create_mirror and Ledger::mirror_from: a verified local copy of a
// tiled log (vinledger/mirror.h).
#include <unistd.h>

#include <algorithm>
#include <deque>

#include "append.h"
#include "entry_audit.h"
#include "ledger_impl.h"
#include "vinledger/vin_index.h"
#include "merkle_tree.h"
#include "ordered_pipeline.h"
#include "source_tile_store.h"
#include "vinledger/checkpoint.h"
#include "vinledger/ledger.h"
#include "vinledger/merkle.h"
#include "vinledger/timestamp.h"
#include "vinledger/tlog_tiles.h"

namespace vinledger {
namespace {

constexpr std::size_t kBatchRows = 256;

// Every key the operator had, in the order it had them (entry 0 first).
Result<std::vector<VerifierKey>> operator_keys_in_order(Store& store, const std::string& origin) {
  std::vector<VerifierKey> keys;
  std::string operator_id;
  auto collected = for_each_party_record(store, PartyLogReading::kStrict, [&](PartyRecord record, std::int64_t seq) -> Status {
    if (seq == 0) operator_id = record.id;
    if (record.id == operator_id) keys.push_back(VerifierKey::from_public_key(origin, record.vkey.public_key()));
    return {};
  });
  if (!collected) return std::unexpected(collected.error());
  return keys;
}

// The keys that may sign the log's checkpoints for someone who trusts
// `trusted`: that key, and every key the operator rotated to after it (each
// rotation signed by the key before it, as the mirrored entries prove).
std::vector<VerifierKey> signers_after(const std::vector<VerifierKey>& operator_keys, const VerifierKey& trusted) {
  auto first = std::find_if(operator_keys.begin(), operator_keys.end(),
                            [&](const VerifierKey& key) { return key.public_key() == trusted.public_key(); });
  if (first == operator_keys.end()) return {trusted};
  return std::vector<VerifierKey>(first, operator_keys.end());
}

Result<Checkpoint> open_with_any(std::string_view note, const std::string& origin, const std::vector<VerifierKey>& keys) {
  Error last{ErrorKind::invalid_input, "no key to verify the checkpoint with"};
  for (auto key = keys.rbegin(); key != keys.rend(); ++key) {
    auto opened = open_checkpoint(note, origin, *key);
    if (opened) return opened->checkpoint;
    last = opened.error();
  }
  return std::unexpected(last);
}

// One entry fetched from the log, before the parallel half.
struct Fetched {
  StoredEntry row;
};

// Reads the new entries bundle by bundle, in seq order.
class BundleReader {
 public:
  BundleReader(TileSource& source, std::uint64_t from, std::uint64_t to) : source_(source), next_(from), to_(to) {}

  Result<bool> next(StoredEntry& row) {
    if (next_ >= to_) return false;
    if (pending_.empty()) {
      const std::uint64_t index = next_ / kFullTileWidth;
      const TileAddress address{true, 0, index, tile_width_at(0, index, to_)};
      auto bytes = source_.fetch(tile_path(address));
      if (!bytes) return std::unexpected(with_context(bytes.error(), source_.location()));
      auto entries = decode_entry_bundle(*bytes, address.width);
      if (!entries)
        return invalid_input(source_.location() + " serves a malformed " + tile_path(address) + ": " +
                             entries.error().message);
      const std::uint64_t skip = next_ - index * kFullTileWidth;  // entries the mirror already has
      for (std::uint64_t i = skip; i < entries->size(); ++i) pending_.push_back(std::move((*entries)[i]));
    }
    row = StoredEntry{};
    row.seq = static_cast<std::int64_t>(next_++);
    row.leaf = std::move(pending_.front());
    pending_.pop_front();
    return true;
  }

 private:
  TileSource& source_;
  std::uint64_t next_;
  std::uint64_t to_;
  std::deque<std::string> pending_;
};

MirrorUpdate refusal(std::uint64_t size, std::string reason, std::string kept, std::string offered) {
  MirrorUpdate update;
  update.outcome = MirrorUpdate::Outcome::refused;
  update.old_size = update.new_size = size;
  update.reason = std::move(reason);
  update.kept_checkpoint = std::move(kept);
  update.offered_checkpoint = std::move(offered);
  return update;
}

}  // namespace

Result<Ledger> Ledger::create_mirror(const std::filesystem::path& path, const VerifierKey& log_key,
                                     std::string_view source, LedgerSettings settings) {
  // Built aside and linked into place whole, as `init` does: a mirror killed
  // while it is being created leaves nothing, and the next run starts again.
  const std::filesystem::path aside = path.string() + ".mirror-" + std::to_string(::getpid());
  remove_ledger_files(aside);
  auto store = Store::open(aside, Store::OpenMode::kCreateNew);
  if (!store) return std::unexpected(store.error());
  auto written = [&]() -> Status {
    if (auto ok = (*store)->begin_write(); !ok) return ok;
    auto inserted = (*store)->insert_meta(kOriginKey, log_key.name());
    if (inserted) inserted = (*store)->insert_meta(kMirrorOfKey, source);
    if (inserted) inserted = (*store)->commit();
    if (!inserted) (*store)->rollback();
    return inserted;
  }();
  store->reset();  // closes the file: its WAL is folded in and removed
  if (!written) {
    remove_ledger_files(aside);
    return std::unexpected(written.error());
  }
  if (auto linked = link_into_place(aside, path); !linked) return std::unexpected(linked.error());
  return open(path, std::move(settings));
}

Result<MirrorUpdate> Ledger::mirror_from(TileSource& source, const VerifierKey& log_key, const MirrorOptions& options) {
  if (!impl_->mirror_of) return invalid_input("this ledger is not a mirror (create one with `vinledger mirror`)");
  if (log_key.name() != impl_->origin)
    return invalid_input("the key " + log_key.text() + " is not named after this mirror's log \"" + impl_->origin + "\"");
  Store& store = *impl_->store;

  auto note = source.fetch("checkpoint");
  if (!note) return std::unexpected(with_context(note.error(), source.location()));
  auto offered = parse_unverified_checkpoint(*note);
  if (!offered) return invalid_input(source.location() + " serves no checkpoint: " + offered.error().message);
  if (offered->checkpoint.origin != impl_->origin)
    return invalid_input(source.location() + " serves the log \"" + offered->checkpoint.origin + "\", not \"" +
                         impl_->origin + "\"");

  // A mirror writes every entry of the log: with SQLite's default 2 MiB
  // cache, a million-entry mirror spent half its time re-reading index
  // pages (docs/performance.md). Only while it writes: a library user who
  // keeps the Ledger open keeps SQLite's default afterwards.
  auto cache_before = store.use_large_page_cache();
  if (!cache_before) return std::unexpected(cache_before.error());
  struct RestoreCache {
    Store& store;
    std::int64_t size;
    ~RestoreCache() { store.restore_page_cache(size); }
  } restore_cache{store, *cache_before};
  if (auto ok = store.begin_write(); !ok) return std::unexpected(ok.error());
  // Every path out of the lambda ends the transaction: commit on success,
  // roll back otherwise (a no-op after a commit).
  auto update = [&]() -> Result<MirrorUpdate> {
    auto registry = PartyRegistry::load(store);
    if (!registry) return std::unexpected(registry.error());
    impl_->parties = std::move(*registry);
    auto local_size = store.size();
    if (!local_size) return std::unexpected(local_size.error());
    const auto old_size = static_cast<std::uint64_t>(*local_size);
    auto kept = store.latest_checkpoint();
    if (!kept) return std::unexpected(kept.error());
    const std::string kept_note = *kept ? (*kept)->note : std::string();

    // The checkpoint verified with what the mirror already knows, if it can
    // be; a log that rotated its key since is verified after its entries.
    auto operator_keys = operator_keys_in_order(store, impl_->origin);
    if (!operator_keys) return std::unexpected(operator_keys.error());
    auto verified = open_with_any(*note, impl_->origin, signers_after(*operator_keys, log_key));
    const Checkpoint& target = offered->checkpoint;

    Appender appender(store, impl_->parties, impl_->settings, impl_->origin);
    if (auto ok = appender.start(); !ok) return std::unexpected(ok.error());
    auto local_root = appender.root();
    if (!local_root) return std::unexpected(local_root.error());

    if (verified) {
      if (target.size < old_size)
        return refusal(old_size,
                       "the log's checkpoint has " + std::to_string(target.size) + " entries, fewer than the " +
                           std::to_string(old_size) + " this mirror holds: the log was truncated or rolled back",
                       kept_note, *note);
      if (target.size == old_size) {
        if (target.root != *local_root)
          return refusal(old_size,
                         "the log's checkpoint of size " + std::to_string(target.size) + " has root " +
                             to_hex(target.root) + ", this mirror's tree of that size has " + to_hex(*local_root) +
                             ": the log forked or was rewritten",
                         kept_note, *note);
        MirrorUpdate same;
        same.old_size = same.new_size = old_size;
        return same;
      }
      if (old_size > 0) {
        SourceTileStore remote(source, target.size);
        TiledMerkleTree remote_tree(remote, target.size);
        auto proof = remote_tree.consistency_proof(old_size, target.size);
        if (!proof) return std::unexpected(with_context(proof.error(), source.location()));
        if (!verify_consistency(old_size, target.size, *local_root, target.root, *proof))
          return refusal(old_size,
                         "the log's checkpoint of size " + std::to_string(target.size) +
                             " does not extend the tree of size " + std::to_string(old_size) +
                             " this mirror holds (the consistency proof from the log's tiles fails): "
                             "the log was rewritten",
                         kept_note, *note);
      }
    } else if (target.size < old_size) {
      return invalid_input(source.location() + " serves a checkpoint that is not signed by " + log_key.text() +
                           " or a later key of the operator: " + verified.error().message);
    }

    // Entries: fetched, checked in parallel, held to the audit's rules in
    // order, then written.
    auto last = store.last_entry();
    if (!last) return std::unexpected(last.error());
    const PartyVersion* operator_party = impl_->parties.find(impl_->parties.operator_id());
    EntryAuditor auditor(static_cast<std::int64_t>(old_size),
                         *last ? std::optional<Hash>((*last)->hash) : std::nullopt, impl_->parties,
                         operator_party ? std::optional<std::string>(operator_party->record.vkey.name()) : std::nullopt,
                         [&store](const std::string& chain) -> Result<std::optional<ChainHeadSeen>> {
                           auto head = store.chain_head(chain);
                           if (!head) return std::unexpected(head.error());
                           if (!*head) return std::optional<ChainHeadSeen>{};
                           return std::optional<ChainHeadSeen>{ChainHeadSeen{(*head)->seq, (*head)->hash}};
                         });
    BundleReader reader(source, old_size, target.size);
    MirrorUpdate result;
    result.outcome = MirrorUpdate::Outcome::updated;
    result.old_size = old_size;
    const std::uint64_t chunk = std::max<std::uint64_t>(options.chunk_entries / kFullTileWidth, 1) * kFullTileWidth;
    std::optional<MirrorUpdate> refused;
    std::uint64_t committed = old_size;  // entries kept by chunk commits so far

    auto produce = [&](StoredEntry& row) { return reader.next(row); };
    auto make_work = [&] {
      return [parties = auditor.parties().snapshot()](StoredEntry& row) {
        return check_row(row, [&parties](const std::string& actor, std::int64_t) -> const VerifierKey* {
          auto party = parties->find(actor);
          return party == parties->end() ? nullptr : &party->second.record.vkey;
        });
      };
    };
    auto consume = [&](CheckedRow& checked) -> Status {
      StoredEntry& row = checked.row;
      row.hash = checked.recomputed_hash;
      if (checked.statement) {
        const Statement& statement = *checked.statement;
        auto head = auditor.head_of(statement.chain());
        if (!head) return std::unexpected(head.error());
        row.chain = statement.chain();
        row.type = std::string(to_string(statement.type));
        row.actor = statement.actor;
        row.chain_prev = head->seq < 0 ? std::nullopt : std::optional<std::int64_t>(head->seq);
        row.statement_hash = checked.statement_hash;
      }
      if (auto ok = auditor.check(checked); !ok) return ok;
      if (!auditor.findings().empty()) {
        refused = refusal(old_size,
                          "entry " + std::to_string(row.seq) + " served by the log does not pass the audit: " +
                              auditor.findings().front().message,
                          kept_note, *note);
        refused->findings = auditor.findings();
        return invalid_input("refused");  // stops the pipeline; `refused` says why
      }
      if (auto ok = appender.add_verified(row, *checked.statement); !ok) return ok;
      if (!checked.statement->vin.empty()) result.touched_vins.insert(checked.statement->vin);

      const auto done = static_cast<std::uint64_t>(appender.next_seq());
      if (verified && done % chunk == 0 && done < target.size) {
        // A prefix proved part of the signed tree is safe to keep now.
        if (auto ok = appender.finish(); !ok) return ok;
        auto root = appender.root();
        if (!root) return std::unexpected(root.error());
        SourceTileStore remote(source, target.size);
        TiledMerkleTree remote_tree(remote, target.size);
        auto proof = remote_tree.consistency_proof(done, target.size);
        if (!proof) return std::unexpected(with_context(proof.error(), source.location()));
        if (!verify_consistency(done, target.size, *root, target.root, *proof)) {
          refused = refusal(old_size,
                            "the entries the log serves up to seq " + std::to_string(done - 1) +
                                " do not make the tree its checkpoint of size " + std::to_string(target.size) +
                                " extends: the entry bundles disagree with the log's own tree",
                            kept_note, *note);
          return invalid_input("refused");
        }
        if (auto ok = store.commit(); !ok) return ok;
        committed = done;
        if (auto ok = store.begin_write(); !ok) return ok;
        auto size_now = store.size();
        if (!size_now) return std::unexpected(size_now.error());
        if (static_cast<std::uint64_t>(*size_now) != done)
          return storage_error("another process wrote to this mirror while it was being updated");
        if (options.progress) options.progress(done, target.size);
      }
      return {};
    };
    auto streamed = run_ordered_pipeline<StoredEntry>(impl_->workers(), kBatchRows, produce, make_work, consume);
    if (refused) {
      // Chunks committed before stay: each was proved a prefix of the tree
      // the log signed; the refusal is about what comes after them.
      refused->old_size = old_size;
      refused->new_size = committed;
      return std::move(*refused);
    }
    if (!streamed) return std::unexpected(streamed.error());

    if (auto ok = appender.finish(); !ok) return std::unexpected(ok.error());
    auto root = appender.root();
    if (!root) return std::unexpected(root.error());
    if (*root != target.root)
      return refusal(old_size,
                     "the entries the log serves make a tree of size " + std::to_string(target.size) + " with root " +
                         to_hex(*root) + ", not the root its checkpoint signs (" + to_hex(target.root) + ")",
                     kept_note, *note);
    // The VIN index the checkpoint commits to, rebuilt from the entries as
    // they were appended here: a root the operator computed wrongly (an
    // entry left out of a VIN's count) is refused like a wrong tree.
    auto committed_index = checkpoint_index_root(target);
    if (!committed_index)
      return refusal(old_size, "the log's checkpoint has a malformed VIN index line: " + committed_index.error().message,
                     kept_note, *note);
    if (*committed_index && appender.index_root() && **committed_index != *appender.index_root())
      return refusal(old_size,
                     "the log's checkpoint of size " + std::to_string(target.size) + " commits to VIN index root " +
                         to_hex(**committed_index) + ", but the index rebuilt from its entries has root " +
                         to_hex(*appender.index_root()),
                     kept_note, *note);
    // Now the mirror knows every key the operator had: the one trusted must
    // be one of them, and the checkpoint signed by it or a later one.
    auto keys_now = operator_keys_in_order(store, impl_->origin);
    if (!keys_now) return std::unexpected(keys_now.error());
    if (std::none_of(keys_now->begin(), keys_now->end(),
                     [&](const VerifierKey& key) { return key.public_key() == log_key.public_key(); }))
      return refusal(old_size,
                     "the log's operator never had the key " + log_key.text() + ": this is not the log you trust",
                     kept_note, *note);
    if (auto later = open_with_any(*note, impl_->origin, signers_after(*keys_now, log_key)); !later)
      return invalid_input(source.location() + " serves a checkpoint that is not signed by " + log_key.text() +
                           " or a later key of the operator: " + later.error().message);
    StoredCheckpoint row{0, static_cast<std::int64_t>(target.size), target.root,
                         format_timestamp(impl_->settings.clock()), *note};
    if (auto id = store.insert_checkpoint(row); !id) return std::unexpected(id.error());
    if (auto ok = store.commit(); !ok) return std::unexpected(ok.error());
    result.new_size = target.size;
    if (options.progress) options.progress(target.size, target.size);
    return result;
  }();
  store.rollback();  // a no-op after the commit; ends the transaction otherwise
  if (!update) impl_->parties = PartyRegistry();
  return update;
}

}  // namespace vinledger
