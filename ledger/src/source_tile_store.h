// The hash tiles of a tiled log as a client sees them (TileStore over a
// TileSource), for a tree of one size: TiledMerkleTree then computes roots
// and proofs from the log's own tiles. Nothing read is trusted: a proof
// built from it is checked against roots the client already trusts.
#pragma once

#include <cstdint>
#include <map>

#include "merkle_tree.h"
#include "vinledger/tile_source.h"

namespace vinledger {

class SourceTileStore final : public TileStore {
 public:
  // Tiles as they are in the tree of `tree_size` leaves: full, or partial
  // at that size's width.
  SourceTileStore(TileSource& source, std::uint64_t tree_size) : source_(source), tree_size_(tree_size) {}

  Result<std::optional<std::string>> read_tile(int level, std::uint64_t index) override;
  Status write_tile(int level, std::uint64_t index, std::string_view hashes) override;

 private:
  TileSource& source_;
  std::uint64_t tree_size_;
  std::map<std::pair<int, std::uint64_t>, std::string> cache_;  // a proof reads few tiles, often twice
};

}  // namespace vinledger
