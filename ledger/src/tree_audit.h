// The audit's check of the stored Merkle tree: rebuild it from the entries'
// own hashes as they stream past, and compare every stored tile with the
// rebuilt one. Memory is one tile per level, whatever the log's size.
#pragma once

#include <functional>
#include <string>

#include "merkle_tree.h"
#include "store.h"

namespace vinledger {

class TreeAuditor {
 public:
  // `problem` receives one message per tile that differs, is missing or
  // should not exist.
  TreeAuditor(Store& store, std::function<void(std::string)> problem);
  // Continues from `start`, a tree already checked up to its size.
  TreeAuditor(Store& store, std::function<void(std::string)> problem, TileBuilder start);

  // The stored tree as it was at `size` (tiles only grow, so each right-edge
  // tile then is a prefix of the stored one). A tile missing or too short is
  // a storage error; the caller compares the root with what it trusts.
  static Result<TileBuilder> stored_tree_at(Store& store, std::uint64_t size);

  // The next entry's recomputed leaf hash.
  Status add(const Hash& leaf_hash);
  // Compares the right-edge tiles and looks for tiles beyond the log.
  Status finish();

  std::uint64_t size() const { return builder_.size(); }
  // The root of the tree rebuilt so far: the log's real root at this size.
  Hash root() const { return builder_.root(); }
  const TileBuilder& tree() const { return builder_; }

 private:
  Status compare(const Tile& rebuilt);

  Store& store_;
  std::function<void(std::string)> problem_;
  TileBuilder builder_;
};

}  // namespace vinledger
