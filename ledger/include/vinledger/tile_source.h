// Where a client of a tiled log (mirror, monitor) reads the log's C2SP
// tlog-tiles resources from: a directory written with `--tiles-dir`, or the
// log's HTTP prefix. Paths are relative to the log's prefix: "checkpoint",
// "tile/0/x001/234", "tile/entries/000.p/17" (tlog_tiles.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

// Bounds on what a client reads: a checkpoint is a signed note (at most
// kMaxNoteBytes), a tile 8 KiB, an entry bundle 256 entries of 64 KiB.
inline constexpr std::size_t kMaxTileResourceBytes = 256 * (2 + 65535);

class TileSource {
 public:
  virtual ~TileSource() = default;
  // The source, for messages: a directory or a URL prefix.
  virtual const std::string& location() const = 0;
  // The resource's bytes. not_found if the source does not have it (HTTP
  // 404); storage for an I/O or network failure; invalid_input for an
  // answer that is no resource (another status, too large).
  [[nodiscard]] virtual Result<std::string> fetch(std::string_view path) = 0;
};

// A directory as `--tiles-dir` writes it (or a copy of one).
class DirectoryTileSource final : public TileSource {
 public:
  explicit DirectoryTileSource(std::filesystem::path dir);
  const std::string& location() const override { return location_; }
  [[nodiscard]] Result<std::string> fetch(std::string_view path) override;

 private:
  std::filesystem::path dir_;
  std::string location_;
};

}  // namespace vinledger
