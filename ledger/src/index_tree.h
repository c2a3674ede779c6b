// The VIN index as it is stored: the trie of vin_index.h cut into tiles of
// eight bit levels, so that an update or a proof reads and writes one tile
// per eight levels (three at a million chains) instead of one row per node.
//
// Tile (L, P) covers the trie between depths 8L and 8L + 8 under the key
// prefix P (the first L bytes of the key hash). Its slot s (the key's next
// byte) holds nothing, the one key under P+s (its leaf: key and value), or,
// where two or more keys are under P+s, the root hash of the child tile
// (L + 1, P+s). The tile's hash is the trie's subtree hash at P, recomputed
// from its slots (at most 255 node hashes, as many as it has non-empty
// subtrees).
//
// Versions: each stored tile carries the log size from which its content
// holds: one past the seq of the last entry that changed it, so the audit
// can recompute it exactly. The index as of size S is, for each tile, its
// latest version <= S. A write
// replaces the latest version in place when no checkpoint can need it (its
// version is past the last checkpoint's size), else adds a version, so old
// checkpoints keep their proofs at the cost of the tiles changed between two
// checkpoints.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "vinledger/result.h"
#include "vinledger/vin_index.h"

namespace vinledger {

inline constexpr int kIndexTileBits = 8;
inline constexpr int kIndexTileSlots = 1 << kIndexTileBits;
inline constexpr int kIndexMaxLevel = 256 / kIndexTileBits - 1;

// The first `level` bytes of `key`.
std::string index_tile_prefix(const Hash& key, int level);
// The key's slot in a tile of `level`: its byte `level`.
int index_key_slot(const Hash& key, int level);
// "index tile 2/3fa0", the name every message about a tile uses.
std::string index_tile_name(int level, std::string_view prefix);

struct IndexSlot {
  enum class Kind : std::uint8_t { kEmpty = 0, kLeaf = 1, kChild = 2 };
  Kind kind = Kind::kEmpty;
  Hash key{};    // kLeaf: the key; kChild: the child tile's hash
  IndexValue value;  // kLeaf only
  friend bool operator==(const IndexSlot&, const IndexSlot&) = default;
};
using IndexTile = std::array<IndexSlot, kIndexTileSlots>;

// Tile bytes: for each non-empty slot in ascending order, its kind (1 leaf,
// 2 child) and its slot, one byte each, then the key and the 48-byte value
// (leaf) or the child hash. Decoding is strict, so one tile has one encoding.
std::string encode_index_tile(const IndexTile& tile);
std::optional<IndexTile> decode_index_tile(std::string_view bytes);
// The trie's subtree hash at the tile's prefix.
Hash index_tile_hash(const IndexTile& tile);

// Where the tiles live: the ledger's SQLite store, or memory (IndexBuilder).
class IndexTileStore {
 public:
  struct Stored {
    std::uint64_t version = 0;
    std::string content;
  };
  virtual ~IndexTileStore() = default;
  // The latest version of the tile at or before `at_size`.
  virtual Result<std::optional<Stored>> read_index_tile(int level, std::string_view prefix, std::uint64_t at_size) = 0;
  // Stores the tile as of `version`, replacing the stored version `replaces`
  // when given, else adding it beside the older ones.
  virtual Status write_index_tile(int level, std::string_view prefix, std::uint64_t version,
                                  std::optional<std::uint64_t> replaces, std::string_view content) = 0;
};

// What one batch of entries does to one chain's head.
struct IndexChange {
  Hash key{};
  std::uint64_t added = 0;  // entries of the chain in the batch
  std::uint64_t last_seq = 0;
  Hash last_hash{};
};

class IndexTree {
 public:
  explicit IndexTree(IndexTileStore& store) : store_(store) {}

  // Applies `changes` (sorted by key, one per key, each after every entry
  // already applied); tiles whose stored version is past `pinned` (the last
  // checkpoint's size) are replaced in place. Returns the new root.
  Result<Hash> apply(std::span<const IndexChange> changes, std::uint64_t pinned);

  Result<Hash> root_at(std::uint64_t size);
  // The lookup or absence proof for `key` in the index at `size`.
  Result<IndexProof> prove(const Hash& key, std::uint64_t size);

  // Keys that apply() added so far (not updated: new).
  std::uint64_t new_keys() const { return new_keys_; }

 private:
  Result<Hash> update(int level, const std::string& prefix, std::span<const IndexChange> changes,
                      std::optional<IndexSlot> pushed, std::uint64_t pinned);
  Result<std::optional<std::pair<std::uint64_t, IndexTile>>> load(int level, const std::string& prefix,
                                                                   std::uint64_t at_size);

  IndexTileStore& store_;
  std::uint64_t new_keys_ = 0;
};

// Tiles in memory, latest version only, remembering which changed since the
// last call to take_changed(): the audit compares those with the stored ones.
class MemoryIndexTiles : public IndexTileStore {
 public:
  using TileId = std::pair<int, std::string>;
  using Stored = IndexTileStore::Stored;
  Result<std::optional<Stored>> read_index_tile(int level, std::string_view prefix, std::uint64_t at_size) override;
  Status write_index_tile(int level, std::string_view prefix, std::uint64_t version,
                          std::optional<std::uint64_t> replaces, std::string_view content) override;
  std::set<TileId> take_changed() { return std::exchange(changed_, {}); }
  const Stored* find(const TileId& id) const {
    auto it = tiles_.find(id);
    return it == tiles_.end() ? nullptr : &it->second;
  }

 private:
  std::map<TileId, Stored> tiles_;
  std::set<TileId> changed_;
};

struct IndexBuilder::State {
  // A key hash is uniformly distributed: its first bytes hash it.
  struct KeyHasher {
    std::size_t operator()(const Hash& key) const {
      std::size_t h = 0;
      for (std::size_t i = 0; i < sizeof h; ++i) h = h << 8 | key[i];
      return h;
    }
  };
  MemoryIndexTiles tiles;
  IndexTree tree{tiles};
  std::unordered_map<Hash, IndexChange, KeyHasher> pending;
  std::size_t keys = 0;
  Hash root = index_empty();
  // Applies what is pending; the tiles it changed become take_changed().
  Status flush();
};

}  // namespace vinledger
