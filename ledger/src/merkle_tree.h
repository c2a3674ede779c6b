// The ledger's RFC 6962 Merkle tree as it is stored: in tiles, after the
// C2SP tlog-tiles layout.
//
// A tile of height 8 at (level L, index N) holds the hashes of the tree
// nodes at tree level 8L with indices N*256 .. N*256+width-1, where a node at
// tree level k, index i, is the root of leaves [i*2^k, (i+1)*2^k). Only a
// tile's bottom row is stored; the seven rows above it are recomputed from it
// when needed. In a tree of n leaves, level L has floor((n >> 8L) / 256) full
// tiles (width 256) and, when (n >> 8L) % 256 != 0, one partial tile of that
// width on the right edge, which later appends extend and replace.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger {

inline constexpr int kTileHeight = 8;
inline constexpr std::uint64_t kTileWidth = 256;  // hashes in a full tile
inline constexpr std::size_t kHashSize = 32;

struct TileId {
  int level = 0;
  std::uint64_t index = 0;
  auto operator<=>(const TileId&) const = default;
};

// "tile 1/37", the name every message about a tile uses.
std::string tile_name(TileId id);

// Hashes the tile holds in a tree of `tree_size` leaves; 0 if it does not exist.
std::uint64_t tile_width(TileId id, std::uint64_t tree_size);

// Where the tiles live. Implemented over SQLite by the ledger, in memory by
// tests. A tile is its hashes concatenated, width * 32 bytes.
class TileStore {
 public:
  virtual ~TileStore() = default;
  virtual Result<std::optional<std::string>> read_tile(int level, std::uint64_t index) = 0;
  // Creates the tile or replaces it (a partial tile grows by replacement).
  virtual Status write_tile(int level, std::uint64_t index, std::string_view hashes) = 0;
};

// A tile with its contents.
struct Tile {
  TileId id;
  std::string hashes;
  std::uint64_t width() const { return hashes.size() / kHashSize; }
};

// Builds, leaf by leaf, the tiles of a tree: each tile once it is full, and
// the right-edge partial tiles on demand. Memory is O(levels * 8 KiB) whatever
// the number of leaves, so the audit can rebuild every tile of the log while
// streaming it and compare them with the stored ones.
class TileBuilder {
 public:
  TileBuilder() = default;

  // Continues a tree of `size` leaves whose right-edge tiles are `edges`:
  // edges[L] is tile (L, (size >> 8L) / 256), empty where that tile is. The
  // caller checked their widths; internal error if they do not fit `size`.
  static Result<TileBuilder> resume(std::uint64_t size, std::vector<std::string> edges);

  // Adds the next leaf. Returns the tiles this leaf completed (none, or one
  // per level that filled up), valid until the next call.
  std::span<const Tile> add(const Hash& leaf_hash);

  std::uint64_t size() const { return size_; }
  Hash root() const;

  // The right-edge tiles that are not full, lowest level first.
  std::vector<Tile> partial_tiles() const;

  // The right-edge tile of every level, lowest first; empty where the level's
  // last tile is full (or the level has no node yet).
  std::span<const Tile> edges() const { return edges_; }

  // The right-edge tile of `level` if it is tile `index` and not empty.
  std::optional<std::string_view> edge(TileId id) const;

 private:
  void push_to_edge(int tile_level, const Hash& node);

  std::uint64_t size_ = 0;
  // pending_[k]: the node at tree level k waiting for its right sibling, the
  // node (k, (size >> k) - 1), set where bit k of size is 1.
  std::array<Hash, 64> pending_{};
  std::vector<Tile> edges_;      // one per tile level, possibly empty
  std::vector<Tile> completed_;  // returned by the last add()
};

// The stored tree: appends, roots and proofs over a TileStore.
//
// Appends keep the tiles they change in memory until flush(), which writes
// each changed tile once. Roots and proofs read O(log n) tiles, caching them
// within one call; unflushed tiles are read from memory. A tile that should
// exist but is missing or of the wrong width is a storage error naming it.
//
// After a failed flush() the object still holds the unwritten tiles, so a
// retry writes them again; a caller that rolls back its transaction instead
// discards the object.
class TiledMerkleTree {
 public:
  TiledMerkleTree(TileStore& store, std::uint64_t size);
  TiledMerkleTree(const TiledMerkleTree&) = delete;
  TiledMerkleTree& operator=(const TiledMerkleTree&) = delete;

  // Amortised one node hash per leaf. The first append reads the right-edge
  // tiles (one per level); a failure there changes nothing.
  Status append(const Hash& leaf_hash);
  Status flush();

  std::uint64_t size() const { return size_; }
  Result<Hash> root();
  Result<Hash> root_at(std::uint64_t size);
  // RFC 9162 section 2.1.3.1 proof of leaf `index` in the tree of `size`.
  Result<std::vector<Hash>> inclusion_proof(std::uint64_t index, std::uint64_t size);
  // The proofs of several leaves in the tree of `size`, in the order of
  // `indices`, sharing the tiles read and the nodes computed: the entries
  // of one group commit have most of their proofs' nodes in common.
  Result<std::vector<std::vector<Hash>>> inclusion_proofs(std::span<const std::uint64_t> indices, std::uint64_t size);
  // RFC 9162 section 2.1.4.1 proof from `size1` to `size2`, 0 < size1 <= size2.
  Result<std::vector<Hash>> consistency_proof(std::uint64_t size1, std::uint64_t size2);

 private:
  struct StoredEdge {
    std::uint64_t index = 0;
    std::uint64_t width = 0;
    bool operator==(const StoredEdge&) const = default;
  };

 public:
  // Where appends have brought the tree, for a caller that undoes part of
  // its transaction (a savepoint): mark() before, rewind() after rolling
  // the store back to it. Nothing may be flushed in between.
  struct Mark {
    std::uint64_t size = 0;
    std::optional<TileBuilder> builder;
    std::map<TileId, std::string> unwritten;
  };
  Mark mark() const;
  void rewind(Mark mark);

 private:
  // What one call reads and computes, kept for the rest of it.
  struct TileCache {
    std::map<TileId, std::string> tiles;
    std::map<std::pair<int, std::uint64_t>, Hash> nodes;  // (tree level, index) -> complete node
  };
  Result<std::vector<Hash>> inclusion_proof(std::uint64_t index, std::uint64_t size, TileCache& cache);

  Status load_right_edge();
  Result<std::string> read_stored_tile(TileId id);
  Result<std::string_view> tile(TileId id, TileCache& cache);
  Result<Hash> complete_node(int tree_level, std::uint64_t index, TileCache& cache);
  Result<Hash> subtree_root(std::uint64_t begin, std::uint64_t end, TileCache& cache);

  TileStore& store_;
  std::uint64_t size_;
  std::optional<TileBuilder> builder_;    // the right edge, from the first append on
  std::map<TileId, std::string> unwritten_;  // full tiles not yet flushed
  std::vector<StoredEdge> stored_edges_;       // per level: the right-edge tile as last stored
};

}  // namespace vinledger
