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
