#include "index_tree.h"

#include <algorithm>
#include <limits>

#include "vinledger/encoding.h"

namespace vinledger {
namespace {

constexpr std::uint64_t kLatest = std::numeric_limits<std::uint64_t>::max();

// The hash of the slots [begin, end) of a tile, a subtree at `bits` bits
// below the tile's top (0..4): empty, a lone leaf lifted to here, or the node
// of its two halves; at the bottom (bits == 4) a lone child tile's hash.
Hash range_hash(const IndexTile& tile, int begin, int end, int bits) {
  int count = 0, only = -1;
  for (int s = begin; s < end; ++s)
    if (tile[s].kind != IndexSlot::Kind::kEmpty) ++count, only = s;
  if (count == 0) return index_empty();
  if (count == 1 && tile[only].kind == IndexSlot::Kind::kLeaf) return index_leaf_hash(tile[only].key, tile[only].value);
  if (bits == kIndexTileBits) return tile[only].key;  // a child tile's hash
  const int middle = begin + (end - begin) / 2;
  return index_node_hash(range_hash(tile, begin, middle, bits + 1), range_hash(tile, middle, end, bits + 1));
}

IndexValue applied(const std::optional<IndexValue>& old, const IndexChange& change) {
  return IndexValue{(old ? old->count : 0) + change.added, change.last_seq, change.last_hash};
}

std::unexpected<Error> damaged_tile(int level, std::string_view prefix) {
  return storage_error(index_tile_name(level, prefix) + " of the VIN index is damaged; run `vinledger audit`");
}

}  // namespace

std::string index_tile_prefix(const Hash& key, int level) {
  return std::string(reinterpret_cast<const char*>(key.data()), static_cast<std::size_t>(level));
}

int index_key_slot(const Hash& key, int level) { return key[static_cast<std::size_t>(level)]; }

std::string index_tile_name(int level, std::string_view prefix) {
  const std::string hex = to_hex(std::span(reinterpret_cast<const std::uint8_t*>(prefix.data()), prefix.size()));
  return "index tile " + std::to_string(level) + "/" + (hex.empty() ? "-" : hex);
}

std::string encode_index_tile(const IndexTile& tile) {
  std::string bytes;
  for (int s = 0; s < kIndexTileSlots; ++s) {
    const IndexSlot& slot = tile[s];
    if (slot.kind == IndexSlot::Kind::kEmpty) continue;
    bytes.push_back(static_cast<char>(slot.kind));
    bytes.push_back(static_cast<char>(s));
    bytes.append(reinterpret_cast<const char*>(slot.key.data()), slot.key.size());
    if (slot.kind == IndexSlot::Kind::kLeaf) bytes += encode_index_value(slot.value);
  }
  return bytes;
}

std::optional<IndexTile> decode_index_tile(std::string_view bytes) {
  IndexTile tile{};
  int previous = -1;
  while (!bytes.empty()) {
    if (bytes.size() < 2) return std::nullopt;
    const int kind = static_cast<std::uint8_t>(bytes[0]), slot = static_cast<std::uint8_t>(bytes[1]);
    if (slot <= previous || (kind != 1 && kind != 2)) return std::nullopt;
    previous = slot;
    const std::size_t size = 2 + 32 + (kind == 1 ? kIndexValueBytes : 0);
    if (bytes.size() < size) return std::nullopt;
    IndexSlot& out = tile[slot];
    out.kind = static_cast<IndexSlot::Kind>(kind);
    std::copy_n(bytes.begin() + 2, 32, out.key.begin());
    if (kind == 1) {
      auto field = [&](std::size_t at) {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < 8; ++i) v = v << 8 | static_cast<std::uint8_t>(bytes[at + i]);
        return v;
      };
      out.value.count = field(34);
      out.value.last_seq = field(42);
      std::copy_n(bytes.begin() + 50, 32, out.value.last_hash.begin());
    }
    bytes.remove_prefix(size);
  }
  return tile;
}

Hash index_tile_hash(const IndexTile& tile) { return range_hash(tile, 0, kIndexTileSlots, 0); }

Result<std::optional<std::pair<std::uint64_t, IndexTile>>> IndexTree::load(int level, const std::string& prefix,
                                                                           std::uint64_t at_size) {
  auto stored = store_.read_index_tile(level, prefix, at_size);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return std::optional<std::pair<std::uint64_t, IndexTile>>{};
  auto tile = decode_index_tile((*stored)->content);
  if (!tile) return damaged_tile(level, prefix);
  return std::optional<std::pair<std::uint64_t, IndexTile>>{std::pair{(*stored)->version, *tile}};
}

// Applies the changes under one tile's prefix (and `pushed`, a leaf that
// moves down into this tile because a second key arrived beside it) and
// returns the tile's new hash.
Result<Hash> IndexTree::update(int level, const std::string& prefix, std::span<const IndexChange> changes,
                               std::optional<IndexSlot> pushed, std::uint64_t pinned) {
  if (level > kIndexMaxLevel) return internal_error("two chain keys share all 256 bits of their hash");
  auto loaded = load(level, prefix, kLatest);
  if (!loaded) return std::unexpected(loaded.error());
  IndexTile tile = *loaded ? (*loaded)->second : IndexTile{};
  if (pushed) tile[index_key_slot(pushed->key, level)] = *pushed;

  for (std::size_t begin = 0; begin < changes.size();) {
    const int s = index_key_slot(changes[begin].key, level);
    std::size_t end = begin + 1;
    while (end < changes.size() && index_key_slot(changes[end].key, level) == s) ++end;
    const auto group = changes.subspan(begin, end - begin);
    begin = end;
    IndexSlot& slot = tile[s];
    if (slot.kind == IndexSlot::Kind::kEmpty && group.size() == 1) {
      slot = IndexSlot{IndexSlot::Kind::kLeaf, group[0].key, applied(std::nullopt, group[0])};
      ++new_keys_;
      continue;
    }
    if (slot.kind == IndexSlot::Kind::kLeaf && group.size() == 1 && group[0].key == slot.key) {
      slot.value = applied(slot.value, group[0]);
      continue;
    }
    std::optional<IndexSlot> down;
    if (slot.kind == IndexSlot::Kind::kLeaf) down = slot;
    std::string child_prefix = index_tile_prefix(group[0].key, level + 1);
    auto child = update(level + 1, child_prefix, group, down, pinned);
    if (!child) return std::unexpected(child.error());
    slot = IndexSlot{IndexSlot::Kind::kChild, *child, {}};
  }

  std::uint64_t last_seq = 0;
  for (const IndexChange& change : changes) last_seq = std::max(last_seq, change.last_seq);
  std::optional<std::uint64_t> replaces;
  if (*loaded && (*loaded)->first > pinned) replaces = (*loaded)->first;
  if (auto ok = store_.write_index_tile(level, prefix, last_seq + 1, replaces, encode_index_tile(tile)); !ok)
    return std::unexpected(ok.error());
  return index_tile_hash(tile);
}

Result<Hash> IndexTree::apply(std::span<const IndexChange> changes, std::uint64_t pinned) {
  if (changes.empty()) return root_at(kLatest);
  return update(0, std::string(), changes, std::nullopt, pinned);
}

Result<Hash> IndexTree::root_at(std::uint64_t size) {
  auto loaded = load(0, std::string(), size);
  if (!loaded) return std::unexpected(loaded.error());
  return *loaded ? index_tile_hash((*loaded)->second) : index_empty();
}

Result<IndexProof> IndexTree::prove(const Hash& key, std::uint64_t size) {
  IndexProof proof;
  for (int level = 0;; ++level) {
    const std::string prefix = index_tile_prefix(key, level);
    auto loaded = load(level, prefix, size);
    if (!loaded) return std::unexpected(loaded.error());
    if (!*loaded) {
      // Only the root tile may be missing (the empty index); a child tile
      // named by its parent must exist.
      if (level > 0) return damaged_tile(level, prefix);
      return proof;  // kAbsentEmpty at depth 0
    }
    const IndexTile& tile = (*loaded)->second;
    const int slot = index_key_slot(key, level);
    int begin = 0, end = kIndexTileSlots;
    for (int bits = 0;; ++bits) {
      int count = 0, only = -1;
      for (int s = begin; s < end; ++s)
        if (tile[s].kind != IndexSlot::Kind::kEmpty) ++count, only = s;
      if (count == 0) {
        proof.kind = IndexProof::Kind::kAbsentEmpty;
        return proof;
      }
      if (count == 1 && tile[only].kind == IndexSlot::Kind::kLeaf) {
        if (tile[only].key == key) {
          proof.kind = IndexProof::Kind::kPresent;
        } else {
          proof.kind = IndexProof::Kind::kAbsentOther;
          proof.other_key = tile[only].key;
        }
        proof.value = tile[only].value;
        return proof;
      }
      if (bits == kIndexTileBits) break;  // a child tile: go on below
      const int middle = begin + (end - begin) / 2;
      if (slot < middle) {
        proof.siblings.push_back(range_hash(tile, middle, end, bits + 1));
        end = middle;
      } else {
        proof.siblings.push_back(range_hash(tile, begin, middle, bits + 1));
        begin = middle;
      }
    }
    if (level == kIndexMaxLevel) return damaged_tile(level, prefix);
  }
}

Result<std::optional<IndexTileStore::Stored>> MemoryIndexTiles::read_index_tile(int level, std::string_view prefix,
                                                                                std::uint64_t) {
  auto it = tiles_.find(TileId{level, std::string(prefix)});
  if (it == tiles_.end()) return std::optional<Stored>{};
  return std::optional<Stored>{it->second};
}

Status MemoryIndexTiles::write_index_tile(int level, std::string_view prefix, std::uint64_t version,
                                          std::optional<std::uint64_t>, std::string_view content) {
  TileId id{level, std::string(prefix)};
  changed_.insert(id);
  tiles_[std::move(id)] = Stored{version, std::string(content)};
  return {};
}

}  // namespace vinledger
