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

namespace vinledger {
namespace {

Finding log_finding(std::string code, std::string message) {
  return Finding{std::move(code), Severity::kCritical, std::nullopt, std::nullopt, std::move(message), {}};
}

}  // namespace

// What `audit --checkpoint` would say about the two, found without
// rebuilding the tree: the sizes against the log, then the roots.
Result<ConsistencyReport> Ledger::check_consistency(const ExternalCheckpoint& earlier,
                                                    const std::optional<ExternalCheckpoint>& later,
                                                    const SigningKey* operator_key) {
  ConsistencyReport report;
  auto own = [&](const ExternalCheckpoint& given) -> Result<ConsistencySide> {
    auto opened = open_own_checkpoint(given.note);
    if (!opened)
      return invalid_input("checkpoint " + given.source + " is not a checkpoint of this log: " + opened.error().message);
    return ConsistencySide{std::move(*opened), given.note};
  };
  auto old_side = own(earlier);
  if (!old_side) return std::unexpected(old_side.error());
  report.old_side = std::move(*old_side);
  if (later) {
    auto new_side = own(*later);
    if (!new_side) return std::unexpected(new_side.error());
    report.new_side = std::move(*new_side);
  } else {
    if (!operator_key) return invalid_input("a fresh checkpoint needs the operator's key");
    auto issued = checkpoint(*operator_key);
    if (!issued) return std::unexpected(issued.error());
    report.new_side = ConsistencySide{std::move(issued->checkpoint), std::move(issued->note)};
  }
  const std::uint64_t old_size = report.old_side.checkpoint.size;
  const std::uint64_t new_size = report.new_side.checkpoint.size;
  auto size = this->size();
  if (!size) return std::unexpected(size.error());
  // A log shorter than a checkpoint it signed lost entries (the fresh
  // checkpoint of a truncated log is smaller than the kept one).
  for (const std::uint64_t covered : {old_size, new_size})
    if (covered > static_cast<std::uint64_t>(*size)) {
      report.findings.push_back(log_finding(
          "TRUNCATED", "a checkpoint covers " + std::to_string(covered) + " entries but the log now has only " +
                           std::to_string(*size) + ": entries from seq " + std::to_string(*size) + " on were removed"));
      return report;
    }
  if (old_size == 0 || old_size > new_size)
    return invalid_input("the earlier checkpoint must be of a non-empty tree no larger than the later one (sizes " +
                         std::to_string(old_size) + " and " + std::to_string(new_size) + ")");
  auto proof = consistency_proof(old_size, new_size);
  if (!proof) return std::unexpected(proof.error());
  // A proof between roots the log does not have would not verify: say why.
  for (const auto& [side, actual] : {std::pair{&report.old_side, proof->root1}, std::pair{&report.new_side, proof->root2}})
    if (side->checkpoint.root != actual) {
      report.findings.push_back(log_finding(
          "CHECKPOINT_MISMATCH", "the checkpoint says the tree of " + std::to_string(side->checkpoint.size) +
                                     " entries has root " + to_hex(side->checkpoint.root) + ", but the log gives " +
                                     to_hex(actual) + ": history was rewritten, or the log forked"));
      return report;
    }
  report.proof = std::move(proof->proof);
  return report;
}

}  // namespace vinledger
