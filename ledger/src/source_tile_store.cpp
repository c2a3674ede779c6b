#include "source_tile_store.h"

#include "vinledger/tlog_tiles.h"

namespace vinledger {

Result<std::optional<std::string>> SourceTileStore::read_tile(int level, std::uint64_t index) {
  if (auto hit = cache_.find({level, index}); hit != cache_.end()) return std::optional<std::string>{hit->second};
  const std::uint64_t width = tile_width_at(level, index, tree_size_);
  if (width == 0) return std::optional<std::string>{};
  const TileAddress address{false, level, index, width};
  auto bytes = source_.fetch(tile_path(address));
  if (!bytes) {
    if (bytes.error().kind == ErrorKind::not_found) return std::optional<std::string>{};
    return std::unexpected(bytes.error());
  }
  if (bytes->size() != width * kHashSize)
    return invalid_input(source_.location() + " serves " + tile_path(address) + " with " +
                         std::to_string(bytes->size()) + " bytes, not " + std::to_string(width * kHashSize));
  cache_.emplace(std::pair{level, index}, *bytes);
  return std::optional<std::string>{std::move(*bytes)};
}

Status SourceTileStore::write_tile(int, std::uint64_t, std::string_view) {
  return internal_error("a log's tiles are read-only to its clients");
}

}  // namespace vinledger
