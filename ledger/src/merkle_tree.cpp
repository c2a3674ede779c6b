#include "merkle_tree.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "vinledger/merkle.h"
#include "vinledger/tlog_tiles.h"

namespace vinledger {
namespace {

constexpr int kMaxTileLevels = 64 / kTileHeight;  // 2^64 leaves

bool bit_set(std::uint64_t n, int bit) { return ((n >> bit) & 1) != 0; }

// Nodes at tree level 8L in a tree of `tree_size` leaves: tile level L's row.
std::uint64_t row_length(int tile_level, std::uint64_t tree_size) {
  if (tile_level >= kMaxTileLevels) return 0;
  return tree_size >> (kTileHeight * tile_level);
}

std::string_view as_chars(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

Hash hash_at(std::string_view hashes, std::uint64_t i) {
  Hash out;
  std::copy_n(hashes.data() + i * kHashSize, kHashSize, out.begin());
  return out;
}

// The root of the complete subtree whose bottom row is `count` hashes of a
// tile starting at `offset`; count is a power of two below the tile width.
Hash subtree_of_row(std::string_view tile_hashes, std::uint64_t offset, std::uint64_t count) {
  std::array<Hash, kTileWidth / 2> row;
  for (std::uint64_t i = 0; i < count; ++i) row[i] = hash_at(tile_hashes, offset + i);
  for (; count > 1; count /= 2) {
    for (std::uint64_t i = 0; i < count / 2; ++i) row[i] = node_hash(row[2 * i], row[2 * i + 1]);
  }
  return row[0];
}

// The right-edge tile of each level that has nodes in a tree of `size` leaves.
std::vector<TileId> right_edge_tiles(std::uint64_t size) {
  std::vector<TileId> ids;
  for (int level = 0; row_length(level, size) > 0; ++level) {
    ids.push_back({level, row_length(level, size) / kTileWidth});
  }
  return ids;
}

}  // namespace

std::string tile_name(TileId id) {
  return "tile " + std::to_string(id.level) + "/" + std::to_string(id.index);
}

std::uint64_t tile_width(TileId id, std::uint64_t tree_size) { return tile_width_at(id.level, id.index, tree_size); }

// --- TileBuilder ---------------------------------------------------------

Result<TileBuilder> TileBuilder::resume(std::uint64_t size, std::vector<std::string> edges) {
  const std::vector<TileId> ids = right_edge_tiles(size);
  if (edges.size() != ids.size()) {
    return internal_error("a tree of size " + std::to_string(size) + " has " + std::to_string(ids.size()) +
                          " tile levels, got " + std::to_string(edges.size()) + " right-edge tiles");
  }
  TileBuilder builder;
  builder.size_ = size;
  for (std::size_t level = 0; level < ids.size(); ++level) {
    if (edges[level].size() != tile_width(ids[level], size) * kHashSize) {
      return internal_error(tile_name(ids[level]) + " does not fit a tree of size " + std::to_string(size));
    }
    builder.edges_.push_back(Tile{ids[level], std::move(edges[level])});
  }
  // A pending node (k, (size >> k) - 1) lies in the right-edge tile of its
  // tile level, which holds every node of its row from that tile's start.
  for (int k = 0; k < 64; ++k) {
    if (!bit_set(size, k)) continue;
    const Tile& edge = builder.edges_[k / kTileHeight];
    const std::uint64_t height_in_tile = static_cast<std::uint64_t>(k % kTileHeight);
    const std::uint64_t first = ((size >> k) - 1) << height_in_tile;
    builder.pending_[k] = subtree_of_row(edge.hashes, first - edge.id.index * kTileWidth,
                                         std::uint64_t{1} << height_in_tile);
  }
  return builder;
}

// A binary counter over tree levels: the new leaf either waits for a right
// sibling or completes its parent, which does the same one level up.
std::span<const Tile> TileBuilder::add(const Hash& leaf_hash) {
  completed_.clear();
  Hash node = leaf_hash;
  for (int level = 0; level < 64; ++level) {
    if (level % kTileHeight == 0) push_to_edge(level / kTileHeight, node);
    if (!bit_set(size_, level)) {
      pending_[level] = node;
      break;
    }
    node = node_hash(pending_[level], node);
  }
  ++size_;
  return completed_;
}

void TileBuilder::push_to_edge(int tile_level, const Hash& node) {
  if (static_cast<std::size_t>(tile_level) == edges_.size()) edges_.push_back(Tile{{tile_level, 0}, {}});
  Tile& edge = edges_[tile_level];
  edge.hashes.append(as_chars(node));
  if (edge.width() < kTileWidth) return;
  const TileId next{tile_level, edge.id.index + 1};
  completed_.push_back(std::move(edge));
  edge = Tile{next, {}};
}

// Folds the pending nodes right to left: the lowest is the rightmost.
Hash TileBuilder::root() const {
  if (size_ == 0) return empty_tree_root();
  std::optional<Hash> right;
  for (int k = 0; k < 64; ++k) {
    if (!bit_set(size_, k)) continue;
    right = right ? node_hash(pending_[k], *right) : pending_[k];
  }
  return *right;
}

std::vector<Tile> TileBuilder::partial_tiles() const {
  std::vector<Tile> tiles;
  for (const Tile& edge : edges_) {
    if (!edge.hashes.empty()) tiles.push_back(edge);
  }
  return tiles;
}

std::optional<std::string_view> TileBuilder::edge(TileId id) const {
  if (id.level < 0 || static_cast<std::size_t>(id.level) >= edges_.size()) return std::nullopt;
  const Tile& edge = edges_[id.level];
  if (edge.id.index != id.index || edge.hashes.empty()) return std::nullopt;
  return edge.hashes;
}

// --- TiledMerkleTree: appending --------------------------------------------

TiledMerkleTree::TiledMerkleTree(TileStore& store, std::uint64_t size) : store_(store), size_(size) {}

Status TiledMerkleTree::append(const Hash& leaf_hash) {
  if (!builder_) {
    if (Status loaded = load_right_edge(); !loaded) return loaded;
  }
  for (const Tile& full : builder_->add(leaf_hash)) unwritten_.emplace(full.id, full.hashes);
  size_ = builder_->size();
  return {};
}

Status TiledMerkleTree::load_right_edge() {
  std::vector<std::string> edges;
  std::vector<StoredEdge> stored;
  for (const TileId& id : right_edge_tiles(size_)) {
    const std::uint64_t width = tile_width(id, size_);
    stored.push_back({id.index, width});
    if (width == 0) {
      edges.emplace_back();
      continue;
    }
    Result<std::string> hashes = read_stored_tile(id);
    if (!hashes) return std::unexpected(std::move(hashes.error()));
    edges.push_back(std::move(*hashes));
  }
  Result<TileBuilder> builder = TileBuilder::resume(size_, std::move(edges));
  if (!builder) return std::unexpected(std::move(builder.error()));
  builder_ = std::move(*builder);
  stored_edges_ = std::move(stored);
  return {};
}

// Full tiles once each; a right-edge tile only if it grew since it was last
// stored (tiles only grow, so equal width means equal contents).
Status TiledMerkleTree::flush() {
  for (const auto& [id, hashes] : unwritten_) {
    if (Status written = store_.write_tile(id.level, id.index, hashes); !written) return written;
  }
  unwritten_.clear();
  if (!builder_) return {};
  const std::span<const Tile> edges = builder_->edges();
  stored_edges_.resize(edges.size());
  for (std::size_t level = 0; level < edges.size(); ++level) {
    const Tile& edge = edges[level];
    const StoredEdge now{edge.id.index, edge.width()};
    if (now.width == 0 || now == stored_edges_[level]) continue;
    if (Status written = store_.write_tile(edge.id.level, edge.id.index, edge.hashes); !written) return written;
    stored_edges_[level] = now;
  }
  return {};
}

// --- TiledMerkleTree: reading ----------------------------------------------

Result<std::string> TiledMerkleTree::read_stored_tile(TileId id) {
  Result<std::optional<std::string>> read = store_.read_tile(id.level, id.index);
  if (!read) return std::unexpected(std::move(read.error()));
  if (!read->has_value()) return storage_error(tile_name(id) + " is missing");
  std::string& hashes = **read;
  const std::uint64_t width = tile_width(id, size_);
  if (hashes.size() != width * kHashSize) {
    return storage_error(tile_name(id) + " has " + std::to_string(hashes.size()) + " bytes, expected " +
                         std::to_string(width * kHashSize) + " (" + std::to_string(width) +
                         " hashes) in a tree of size " + std::to_string(size_));
  }
  return std::move(hashes);
}

// Unflushed tiles first: the store holds them stale or not at all.
Result<std::string_view> TiledMerkleTree::tile(TileId id, TileCache& cache) {
  if (tile_width(id, size_) == 0) {
    return internal_error(tile_name(id) + " is not part of a tree of size " + std::to_string(size_));
  }
  if (builder_) {
    if (std::optional<std::string_view> edge = builder_->edge(id)) return *edge;
  }
  if (auto it = unwritten_.find(id); it != unwritten_.end()) return std::string_view(it->second);
  if (auto it = cache.tiles.find(id); it != cache.tiles.end()) return std::string_view(it->second);
  Result<std::string> hashes = read_stored_tile(id);
  if (!hashes) return std::unexpected(std::move(hashes.error()));
  return std::string_view(cache.tiles.emplace(id, std::move(*hashes)).first->second);
}

// Node (k, i) is recomputed from the 2^(k mod 8) nodes of its tile's bottom
// row below it.
Result<Hash> TiledMerkleTree::complete_node(int tree_level, std::uint64_t index, TileCache& cache) {
  if (auto it = cache.nodes.find({tree_level, index}); it != cache.nodes.end()) return it->second;
  const int height_in_tile = tree_level % kTileHeight;
  const std::uint64_t first = index << height_in_tile;
  const TileId id{tree_level / kTileHeight, first / kTileWidth};
  const Result<std::string_view> hashes = tile(id, cache);
  if (!hashes) return std::unexpected(hashes.error());
  const std::uint64_t count = std::uint64_t{1} << height_in_tile;
  const std::uint64_t offset = first % kTileWidth;
  if ((offset + count) * kHashSize > hashes->size()) {
    return internal_error("node " + std::to_string(tree_level) + "/" + std::to_string(index) +
                          " is not complete in a tree of size " + std::to_string(size_));
  }
  const Hash node = subtree_of_row(*hashes, offset, count);
  // Only nodes that took hashing to find are worth keeping.
  if (height_in_tile > 1) cache.nodes.emplace(std::pair{tree_level, index}, node);
  return node;
}

// MTH of leaves [begin, end), for a range RFC 6962 splits into: begin is a
// multiple of the largest power of two <= end - begin. The range is the
// complete subtrees given by the bits of its length, largest first, and its
// MTH folds them right to left.
Result<Hash> TiledMerkleTree::subtree_root(std::uint64_t begin, std::uint64_t end, TileCache& cache) {
  if (begin == end) return empty_tree_root();
  std::array<Hash, 64> nodes;
  int count = 0;
  std::uint64_t position = begin;
  for (int k = 63; k >= 0; --k) {
    if (!bit_set(end - begin, k)) continue;
    if (position % (std::uint64_t{1} << k) != 0) {
      return internal_error("leaves [" + std::to_string(begin) + ", " + std::to_string(end) +
                            ") are not a subtree");
    }
    Result<Hash> node = complete_node(k, position >> k, cache);
    if (!node) return node;
    nodes[count++] = *node;
    position += std::uint64_t{1} << k;
  }
  Hash root = nodes[count - 1];
  for (int i = count - 2; i >= 0; --i) root = node_hash(nodes[i], root);
  return root;
}

Result<Hash> TiledMerkleTree::root() { return root_at(size_); }

Result<Hash> TiledMerkleTree::root_at(std::uint64_t size) {
  if (size > size_) {
    return invalid_input("tree size " + std::to_string(size) + " is beyond the log's size " +
                         std::to_string(size_));
  }
  TileCache cache;
  return subtree_root(0, size, cache);
}

// RFC 6962 PATH(m, D[n]) walked from the root down: at each split the
// sibling of the half holding leaf m joins the proof, which lists them from
// the leaf up.
Result<std::vector<Hash>> TiledMerkleTree::inclusion_proof(std::uint64_t index, std::uint64_t size) {
  TileCache cache;
  return inclusion_proof(index, size, cache);
}

Result<std::vector<std::vector<Hash>>> TiledMerkleTree::inclusion_proofs(std::span<const std::uint64_t> indices,
                                                                         std::uint64_t size) {
  TileCache cache;
  std::vector<std::vector<Hash>> proofs;
  proofs.reserve(indices.size());
  for (const std::uint64_t index : indices) {
    Result<std::vector<Hash>> proof = inclusion_proof(index, size, cache);
    if (!proof) return std::unexpected(std::move(proof.error()));
    proofs.push_back(std::move(*proof));
  }
  return proofs;
}

TiledMerkleTree::Mark TiledMerkleTree::mark() const { return Mark{size_, builder_, unwritten_}; }

void TiledMerkleTree::rewind(Mark mark) {
  size_ = mark.size;
  builder_ = std::move(mark.builder);
  unwritten_ = std::move(mark.unwritten);
}

Result<std::vector<Hash>> TiledMerkleTree::inclusion_proof(std::uint64_t index, std::uint64_t size, TileCache& cache) {
  if (size > size_) {
    return invalid_input("tree size " + std::to_string(size) + " is beyond the log's size " +
                         std::to_string(size_));
  }
  if (index >= size) {
    return invalid_input("leaf index " + std::to_string(index) + " is not in a tree of size " +
                         std::to_string(size));
  }
  std::vector<Hash> proof;
  std::uint64_t begin = 0;
  std::uint64_t end = size;
  while (end - begin > 1) {
    const std::uint64_t middle = begin + std::bit_floor(end - begin - 1);
    const bool in_left = index < middle;
    Result<Hash> sibling = in_left ? subtree_root(middle, end, cache) : subtree_root(begin, middle, cache);
    if (!sibling) return std::unexpected(std::move(sibling.error()));
    proof.push_back(*sibling);
    if (in_left) {
      end = middle;
    } else {
      begin = middle;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// RFC 6962 SUBPROOF(m, D[n], true) walked from the root down; `whole` is the
// flag b: false once the old tree's boundary left the current subtree's
// left edge, so the subtree that ends exactly at it must be included.
Result<std::vector<Hash>> TiledMerkleTree::consistency_proof(std::uint64_t size1, std::uint64_t size2) {
  if (size2 > size_) {
    return invalid_input("tree size " + std::to_string(size2) + " is beyond the log's size " +
                         std::to_string(size_));
  }
  if (size1 == 0 || size1 > size2) {
    return invalid_input("no consistency proof from size " + std::to_string(size1) + " to size " +
                         std::to_string(size2) + " (needs 0 < size1 <= size2)");
  }
  TileCache cache;
  std::vector<Hash> proof;
  std::uint64_t begin = 0;
  std::uint64_t end = size2;
  bool whole = true;
  while (size1 != end) {
    const std::uint64_t middle = begin + std::bit_floor(end - begin - 1);
    const bool in_left = size1 <= middle;
    Result<Hash> other = in_left ? subtree_root(middle, end, cache) : subtree_root(begin, middle, cache);
    if (!other) return std::unexpected(std::move(other.error()));
    proof.push_back(*other);
    if (in_left) {
      end = middle;
    } else {
      begin = middle;
      whole = false;
    }
  }
  if (!whole) {
    Result<Hash> old_subtree = subtree_root(begin, end, cache);
    if (!old_subtree) return std::unexpected(std::move(old_subtree.error()));
    proof.push_back(*old_subtree);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

}  // namespace vinledger
