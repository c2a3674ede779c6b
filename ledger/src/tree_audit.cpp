#include "tree_audit.h"

namespace vinledger {

TreeAuditor::TreeAuditor(Store& store, std::function<void(std::string)> problem)
    : store_(store), problem_(std::move(problem)) {}

TreeAuditor::TreeAuditor(Store& store, std::function<void(std::string)> problem, TileBuilder start)
    : store_(store), problem_(std::move(problem)), builder_(std::move(start)) {}

Result<TileBuilder> TreeAuditor::stored_tree_at(Store& store, std::uint64_t size) {
  std::vector<std::string> edges;
  for (int level = 0; (size >> (kTileHeight * level)) > 0; ++level) {
    const TileId id{level, (size >> (kTileHeight * level)) / kTileWidth};
    const std::uint64_t width = tile_width(id, size);
    if (width == 0) {
      edges.emplace_back();
      continue;
    }
    auto stored = store.read_tile(id.level, id.index);
    if (!stored) return std::unexpected(stored.error());
    if (!*stored || (*stored)->size() < width * kHashSize)
      return storage_error(tile_name(id) + " is missing or shorter than the tree of size " + std::to_string(size) +
                           " needs");
    (*stored)->resize(width * kHashSize);
    edges.push_back(std::move(**stored));
  }
  return TileBuilder::resume(size, std::move(edges));
}

Status TreeAuditor::compare(const Tile& rebuilt) {
  auto stored = store_.read_tile(rebuilt.id.level, rebuilt.id.index);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored)
    problem_(tile_name(rebuilt.id) + " is missing from the stored tree");
  else if (**stored != rebuilt.hashes)
    problem_(tile_name(rebuilt.id) + " differs from the tree rebuilt from the entries (" +
             std::to_string((*stored)->size() / kHashSize) + " hashes stored, " + std::to_string(rebuilt.width()) +
             " expected)");
  return {};
}

Status TreeAuditor::add(const Hash& leaf_hash) {
  for (const Tile& completed : builder_.add(leaf_hash))
    if (auto ok = compare(completed); !ok) return ok;
  return {};
}

Status TreeAuditor::finish() {
  for (const Tile& partial : builder_.partial_tiles())
    if (auto ok = compare(partial); !ok) return ok;
  auto counts = store_.tile_counts();
  if (!counts) return std::unexpected(counts.error());
  for (const auto& [level, count] : *counts) {
    std::uint64_t expected = 0;
    for (std::uint64_t index = 0; tile_width({level, index}, size()) > 0; ++index) ++expected;
    if (count != expected)
      problem_("the stored tree has " + std::to_string(count) + " tiles at level " + std::to_string(level) +
               ", the log's " + std::to_string(size()) + " entries make " + std::to_string(expected));
  }
  return {};
}

}  // namespace vinledger
