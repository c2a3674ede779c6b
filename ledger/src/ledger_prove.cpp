// Ledger::prove: an evidence bundle for one VIN (bundle.h), read in one
// snapshot, its proofs against one recorded checkpoint.
#include <algorithm>
#include <optional>
#include <set>

#include "index_tree.h"
#include "ledger_impl.h"
#include "merkle_tree.h"
#include "vinledger/entry.h"
#include "vinledger/ledger.h"
#include "vinledger/encoding.h"
#include "vinledger/tlog_proof.h"
#include "vinledger/vin_index.h"

namespace vinledger {
namespace {

std::unexpected<Error> damaged(std::int64_t seq, const std::string& why) {
  return storage_error("the ledger is damaged at entry " + std::to_string(seq) + " (" + why +
                       "); run `vinledger audit`");
}

Status read_chain(Store& store, std::string_view chain, std::optional<std::int64_t> before,
                  std::vector<StoredEntry>& rows) {
  auto cursor = store.scan_chain(chain);
  if (!cursor) return std::unexpected(cursor.error());
  StoredEntry row;
  for (;;) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more || (before && row.seq >= *before)) return {};
    rows.push_back(std::move(row));
  }
}

// The parties a VIN statement relies on: its actor and every party it names.
void parties_named(const nlohmann::json& statement, std::set<std::string>& ids) {
  for (const char* field : {"actor", "from", "to", "consignee"}) {
    auto it = statement.find(field);
    if (it != statement.end() && it->is_string()) ids.insert(it->get<std::string>());
  }
}

Result<BundleItem> item_for(const StoredEntry& row, TiledMerkleTree& tree, const IssuedCheckpoint& checkpoint) {
  auto parsed = parse_entry_leaf(row.leaf);
  if (!parsed) return damaged(row.seq, parsed.error().message);
  auto proof = tree.inclusion_proof(static_cast<std::uint64_t>(row.seq), checkpoint.checkpoint.size);
  if (!proof) return std::unexpected(proof.error());
  auto text = format_tlog_proof(TlogProof{{}, static_cast<std::uint64_t>(row.seq), std::move(*proof), checkpoint.note});
  if (!text) return internal_error("cannot write the proof of entry " + std::to_string(row.seq) + ": " + text.error().message);
  return BundleItem{entry_json(parsed->header, parsed->statement), std::move(*text)};
}

// The VIN's index proof at the checkpoint's size, after checking that the
// stored index still gives the root the checkpoint commits to.
Result<std::string> index_proof_for(Store& store, std::string_view vin, const IssuedCheckpoint& checkpoint,
                                    const Hash& committed_root) {
  IndexTree index(store);
  const std::uint64_t size = checkpoint.checkpoint.size;
  auto root = index.root_at(size);
  if (!root) return std::unexpected(root.error());
  if (*root != committed_root)
    return storage_error("the stored VIN index no longer gives the index root of checkpoint #" +
                         std::to_string(checkpoint.id) + "; run `vinledger audit`");
  auto proof = index.prove(index_key(vin), size);
  if (!proof) return std::unexpected(proof.error());
  return base64_encode(encode_index_proof(*proof));
}

// The index root a recorded checkpoint commits to, if it has one.
Result<std::optional<Hash>> committed_index_root(const IssuedCheckpoint& checkpoint) {
  auto root = checkpoint_index_root(checkpoint.checkpoint);
  if (!root)
    return storage_error("checkpoint #" + std::to_string(checkpoint.id) + " has a damaged index line (" +
                         root.error().message + "); run `vinledger audit`");
  return root;
}

}  // namespace

Result<ProvedBundle> Ledger::prove(std::string_view vin, const SigningKey* operator_key) {
  Store& store = *impl_->store;
  auto log_key = this->log_key();
  if (!log_key) return std::unexpected(log_key.error());
  bool issued_now = false;
  std::string why_new;  // why a new checkpoint is needed, for the error without a key
  bool signed_with_earlier_key = false;
  // At most twice: the second time a checkpoint covering the VIN exists.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto ok = store.begin_read(); !ok) return std::unexpected(ok.error());
    std::int64_t last_seq = 0;
    auto built = [&]() -> Result<std::optional<ProvedBundle>> {
      std::vector<StoredEntry> vin_rows, party_rows;
      if (auto ok = read_chain(store, vin, std::nullopt, vin_rows); !ok) return std::unexpected(ok.error());
      // A VIN the ledger has never seen gets an absence bundle.
      last_seq = vin_rows.empty() ? -1 : vin_rows.back().seq;
      // A checkpoint witnesses cosigned is worth more to the reader than a
      // newer one they have not seen yet, if it commits to the VIN index.
      auto latest = store.latest_cosigned_checkpoint(last_seq + 1, 1);
      if (latest && *latest &&
          (*latest)->note.find(std::string("\n") + std::string(kIndexLineTag) + " ") == std::string::npos)
        latest = store.latest_checkpoint();
      if (latest && !*latest) latest = store.latest_checkpoint();
      if (!latest) return std::unexpected(latest.error());
      if (!*latest) {
        why_new = "the ledger has no checkpoint yet";
        return std::optional<ProvedBundle>{};
      }
      if ((*latest)->size <= last_seq) {
        why_new = "no checkpoint covers entry " + std::to_string(last_seq) + " (the last of VIN " + std::string(vin) + ")";
        return std::optional<ProvedBundle>{};
      }
      auto latest_issued = issued_from(**latest);
      if (!latest_issued) return std::unexpected(latest_issued.error());
      auto index_root = committed_index_root(*latest_issued);
      if (!index_root) return std::unexpected(index_root.error());
      if (!*index_root) {
        why_new = "the latest checkpoint (#" + std::to_string((*latest)->id) + ") predates the VIN index";
        return std::optional<ProvedBundle>{};
      }
      // A bundle names the key that signed its checkpoint, and a checkpoint
      // signed before the operator's last rotation carries no endorsement of
      // the key in force: a fresh one, signed with it, carries them all.
      if (!open_checkpoint((*latest)->note, impl_->origin, *log_key)) {
        signed_with_earlier_key = true;
        why_new = "the latest checkpoint was signed with an earlier operator key, so a bundle against it could not "
                  "name the log's key in force";
        return std::optional<ProvedBundle>{};
      }

      std::set<std::string> ids{impl_->parties.operator_id()};
      for (const auto& row : vin_rows) {
        auto parsed = parse_entry_leaf(row.leaf);
        if (!parsed) return damaged(row.seq, parsed.error().message);
        parties_named(parsed->statement, ids);
      }
      // Every registration that can be in force for one of the VIN's entries.
      for (const auto& id : ids)
        if (is_party_id(id))
          if (auto ok = read_chain(store, party_chain(id), last_seq, party_rows); !ok) return std::unexpected(ok.error());
      std::sort(party_rows.begin(), party_rows.end(),
                [](const StoredEntry& a, const StoredEntry& b) { return a.seq < b.seq; });

      auto cosigned = cosigned_note(*latest_issued);
      if (!cosigned) return std::unexpected(cosigned.error());
      latest_issued->note = std::move(*cosigned);
      const IssuedCheckpoint& checkpoint = *latest_issued;
      auto tree_size = store.tree_size();
      if (!tree_size) return std::unexpected(tree_size.error());
      if (*tree_size < checkpoint.checkpoint.size)
        return storage_error("the tree holds " + std::to_string(*tree_size) + " leaves, fewer than checkpoint #" +
                             std::to_string(checkpoint.id) + "; run `vinledger audit`");
      TiledMerkleTree tree(store, *tree_size);
      // A bundle that cannot verify helps nobody: the tree must still give
      // the checkpoint's root.
      auto root = tree.root_at(checkpoint.checkpoint.size);
      if (!root) return std::unexpected(root.error());
      if (*root != checkpoint.checkpoint.root)
        return storage_error("the tree no longer has the root of checkpoint #" + std::to_string(checkpoint.id) +
                             "; run `vinledger audit`");

      auto index_proof = index_proof_for(store, vin, checkpoint, **index_root);
      if (!index_proof) return std::unexpected(index_proof.error());
      Bundle bundle;
      bundle.vin = std::string(vin);
      bundle.log_key = log_key->text();
      bundle.checkpoint = checkpoint.note;
      bundle.index_proof = std::move(*index_proof);
      ProvedBundle proved{std::move(bundle), checkpoint, issued_now};
      for (const auto& row : vin_rows) {
        auto item = item_for(row, tree, checkpoint);
        if (!item) return std::unexpected(item.error());
        proved.bundle.entries.push_back(std::move(*item));
      }
      for (const auto& row : party_rows) {
        auto item = item_for(row, tree, checkpoint);
        if (!item) return std::unexpected(item.error());
        proved.bundle.parties.push_back(std::move(*item));
      }
      return std::optional<ProvedBundle>(std::move(proved));
    }();
    store.rollback();  // ends the read snapshot
    if (!built) return std::unexpected(built.error());
    if (*built) return std::move(**built);
    if (!operator_key && signed_with_earlier_key)
      return invalid_input("the latest checkpoint was signed with an earlier operator key, so a bundle against it "
                           "could not name the log's key in force; prove needs the operator's key in force to issue "
                           "one (--operator-key FILE)");
    if (!operator_key)
      return invalid_input(why_new + ", and prove needs the operator's key to issue one (--operator-key FILE)");
    auto issued = checkpoint(*operator_key);
    if (!issued) return std::unexpected(issued.error());
    issued_now = true;
  }
  return internal_error("a checkpoint was issued but does not cover VIN " + std::string(vin));
}

}  // namespace vinledger
