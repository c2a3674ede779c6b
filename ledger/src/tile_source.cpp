#include "vinledger/tile_source.h"

#include "durable_file.h"
#include "vinledger/tlog_tiles.h"

namespace vinledger {

DirectoryTileSource::DirectoryTileSource(std::filesystem::path dir) : dir_(std::move(dir)), location_(dir_.string()) {}

Result<std::string> DirectoryTileSource::fetch(std::string_view path) {
  // Only the names a tiled log has: no "..", no absolute path, nothing else
  // of the file system.
  if (path != "checkpoint")
    if (auto parsed = parse_tile_path(path); !parsed) return std::unexpected(parsed.error());
  auto bytes = read_small_file(dir_ / std::filesystem::path(path), kMaxTileResourceBytes);
  if (!bytes && bytes.error().kind == ErrorKind::not_found)
    return not_found(location_ + " has no " + std::string(path));
  return bytes;
}

}  // namespace vinledger
