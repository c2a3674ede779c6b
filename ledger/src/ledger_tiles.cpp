// Ledger's C2SP tlog-tiles resources: hash tiles and entry bundles read
// from the stored tree and entries, for `serve` and `--tiles-dir`.
#include "ledger_impl.h"
#include "merkle_tree.h"
#include "vinledger/ledger.h"
#include "vinledger/tlog_tiles.h"

namespace vinledger {

Result<std::string> Ledger::tile_resource(const TileAddress& address, std::uint64_t tree_size) {
  Store& store = *impl_->store;
  const std::uint64_t width_then = tile_width_at(address.level, address.index, tree_size);
  // A partial tile of width W is a prefix of what the tile holds later, so
  // it can be served for any W up to the width at `tree_size`; a full tile
  // only once it is full.
  if (width_then == 0 || address.width > width_then || (!address.partial() && width_then != kFullTileWidth))
    return not_found(tile_path(address) + " is not part of the tree of size " + std::to_string(tree_size));
  if (!address.entries) {
    auto stored = store.read_tile(address.level, address.index);
    if (!stored) return std::unexpected(stored.error());
    const std::size_t bytes = static_cast<std::size_t>(address.width) * kHashSize;
    if (!*stored || (*stored)->size() < bytes)
      return storage_error(tile_path(address) + " is missing from the stored tree; run `vinledger audit`");
    (*stored)->resize(bytes);
    return std::move(**stored);
  }
  const auto first = static_cast<std::int64_t>(address.index * kFullTileWidth);
  auto cursor = store.scan_from(first);
  if (!cursor) return std::unexpected(cursor.error());
  std::vector<std::string> leaves;
  leaves.reserve(static_cast<std::size_t>(address.width));
  StoredEntry row;
  for (std::int64_t seq = first; seq < first + static_cast<std::int64_t>(address.width); ++seq) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more || row.seq != seq)
      return storage_error("entry " + std::to_string(seq) + " is missing; run `vinledger audit`");
    leaves.push_back(std::move(row.leaf));
  }
  auto bundle = encode_entry_bundle(leaves);
  // Append refuses entries a bundle cannot carry, so this is damage.
  if (!bundle) return storage_error(tile_path(address) + ": " + bundle.error().message + "; run `vinledger audit`");
  return bundle;
}

Result<Hash> Ledger::tree_root(std::uint64_t size) {
  Store& store = *impl_->store;
  auto stored = store.tree_size();
  if (!stored) return std::unexpected(stored.error());
  TiledMerkleTree tree(store, *stored);
  return tree.root_at(size);
}

Result<std::optional<IssuedCheckpoint>> Ledger::latest_checkpoint() {
  auto row = impl_->store->latest_checkpoint();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<IssuedCheckpoint>{};
  auto issued = issued_from(**row);
  if (!issued) return std::unexpected(issued.error());
  return std::optional<IssuedCheckpoint>{std::move(*issued)};
}

}  // namespace vinledger
