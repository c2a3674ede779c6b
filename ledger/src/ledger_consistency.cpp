// Ledger's consistency proofs, and the check that a kept checkpoint is this
// log's: what auditors and witnesses hold the log to.
#include "ledger_impl.h"
#include "merkle_tree.h"
#include "vinledger/entry.h"
#include "vinledger/ledger.h"

namespace vinledger {
namespace {

// Every key the operator (the party registered at seq 0) ever had.
Result<std::vector<PublicKeyBytes>> operator_keys(Store& store) {
  auto cursor = store.scan_parties();
  if (!cursor) return std::unexpected(cursor.error());
  std::vector<PublicKeyBytes> keys;
  std::string operator_id;
  StoredEntry row;
  for (;;) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    auto entry = parse_entry_leaf(row.leaf);
    if (!entry) continue;  // audit reports it; a damaged entry names no key
    auto statement = statement_from_json(std::move(entry->statement));
    if (!statement || statement->type != StatementType::kParty) continue;
    PartyRecord record = party_record_from(*statement);
    if (row.seq == 0) operator_id = record.id;
    if (record.id == operator_id) keys.push_back(record.vkey.public_key());
  }
  return keys;
}

}  // namespace

Result<Checkpoint> Ledger::open_own_checkpoint(std::string_view signed_checkpoint) {
  auto keys = operator_keys(*impl_->store);
  if (!keys) return std::unexpected(keys.error());
  Error last{ErrorKind::invalid_input, "the ledger has no operator key"};
  // Newest key first: nearly every checkpoint is signed with the key in force.
  for (auto key = keys->rbegin(); key != keys->rend(); ++key) {
    auto opened = open_checkpoint(signed_checkpoint, impl_->origin, VerifierKey::from_public_key(impl_->origin, *key));
    if (opened) return opened->checkpoint;
    last = opened.error();
  }
  return std::unexpected(last);
}

Result<ConsistencyProof> Ledger::consistency_proof(std::uint64_t size1, std::uint64_t size2) {
  Store& store = *impl_->store;
  // One snapshot: the roots and the proof must describe the same tree even
  // while an append commits beside us.
  if (auto ok = store.begin_read(); !ok) return std::unexpected(ok.error());
  auto proof = [&]() -> Result<ConsistencyProof> {
    auto size = store.tree_size();
    if (!size) return std::unexpected(size.error());
    if (size2 > *size)
      return invalid_input("the log has " + std::to_string(*size) + " entries, fewer than " + std::to_string(size2));
    if (size1 == 0 || size1 > size2)
      return invalid_input("no consistency proof from size " + std::to_string(size1) + " to size " +
                           std::to_string(size2) + " (needs 0 < old size <= new size)");
    TiledMerkleTree tree(store, *size);
    ConsistencyProof result{size1, size2, {}, {}, {}};
    auto root1 = tree.root_at(size1);
    if (!root1) return std::unexpected(root1.error());
    auto root2 = tree.root_at(size2);
    if (!root2) return std::unexpected(root2.error());
    auto hashes = tree.consistency_proof(size1, size2);
    if (!hashes) return std::unexpected(hashes.error());
    result.root1 = *root1;
    result.root2 = *root2;
    result.proof = std::move(*hashes);
    return result;
  }();
  store.rollback();  // ends the read snapshot
  return proof;
}

}  // namespace vinledger
