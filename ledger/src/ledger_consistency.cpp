// Ledger's consistency proofs, and the check that a kept checkpoint is this
// log's: what auditors and witnesses hold the log to.
#include "ledger_impl.h"
#include "merkle_tree.h"
#include "party_registry.h"
#include "vinledger/ledger.h"

namespace vinledger {

Result<Checkpoint> Ledger::open_own_checkpoint(std::string_view signed_checkpoint) {
  auto registrations = operator_registrations(*impl_->store);
  if (!registrations) return std::unexpected(registrations.error());
  auto opened = open_with_operator_keys(signed_checkpoint, impl_->origin, *registrations);
  if (!opened) return std::unexpected(opened.error());
  return opened->checkpoint;
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
