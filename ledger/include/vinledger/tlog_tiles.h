// C2SP tlog-tiles (c2sp.org/tlog-tiles): the names and the bytes of the
// static resources a tiled log serves, the same over HTTP and in a
// directory (`serve`, `--tiles-dir`):
//   checkpoint                        the signed checkpoint (text/plain)
//   tile/<L>/<N>[.p/<W>]              tree hashes at level 8L, 32 bytes each
//   tile/entries/<N>[.p/<W>]          entry bundles: the leaves of tile 0/N
// <N> is written in zero-padded 3-digit path elements, all but the last
// prefixed with 'x' (1234067 -> x001/x234/067); `.p/<W>` marks a partial
// tile of W (1-255) hashes or entries. An entry bundle is the entries' exact
// leaf bytes (JCS(entry), docs/format.md), each preceded by its length as a
// big-endian uint16, so no entry can exceed 65,535 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger {

inline constexpr std::uint64_t kFullTileWidth = 256;
inline constexpr int kMaxTileLevel = 63;
// The largest leaf an entry bundle can carry (its uint16 length prefix).
inline constexpr std::size_t kMaxBundledEntryBytes = 65535;

// The HTTP content types and cache lifetimes the spec asks for: tiles and
// bundles never change once served (a partial tile of width W is always
// the first W hashes), the checkpoint moves with every append.
inline constexpr std::string_view kCheckpointContentType = "text/plain; charset=utf-8";
inline constexpr std::string_view kTileContentType = "application/octet-stream";
inline constexpr std::string_view kImmutableCacheControl = "public, max-age=31536000, immutable";
inline constexpr std::string_view kCheckpointCacheControl = "no-cache, max-age=5";

// One tile or entry bundle. `width` is kFullTileWidth for a full one,
// 1..255 for a partial one.
struct TileAddress {
  bool entries = false;  // an entry bundle rather than a hash tile
  int level = 0;         // 0 for entry bundles
  std::uint64_t index = 0;
  std::uint64_t width = kFullTileWidth;

  bool partial() const { return width < kFullTileWidth; }
  friend bool operator==(const TileAddress&, const TileAddress&) = default;
};

// "x001/x234/067" for 1234067.
std::string tile_index_path(std::uint64_t index);

// The resource's path relative to the log's prefix, without a leading '/':
// "tile/0/x001/234.p/5", "tile/entries/000".
std::string tile_path(const TileAddress& address);

// Parses a path relative to the prefix ("tile/..."), accepting only the
// spelling tile_path writes (no leading zeros, no empty or extra elements,
// level 0-63, width 1-255). invalid_input names what is wrong.
Result<TileAddress> parse_tile_path(std::string_view path);

// What the tile or bundle `address` spans: a level-L tile N covers leaves
// [N * 256^(L+1), (N+1) * 256^(L+1)), a partial one fewer. 0 if it does not
// exist in a tree of `tree_size` leaves (wrong width, or beyond the tree).
std::uint64_t tile_width_at(int level, std::uint64_t index, std::uint64_t tree_size);

// Every tile and entry bundle a client of a tree of `tree_size` leaves may
// fetch, beyond those it already has for `old_size` (0: none): the full
// ones that became full, and the partial right edge of each level. Lowest
// level first, entry bundles last.
std::vector<TileAddress> tiles_between(std::uint64_t old_size, std::uint64_t tree_size);

// An entry bundle of `entries`, in order. invalid_input if one is empty or
// longer than kMaxBundledEntryBytes, or there are more than 256.
Result<std::string> encode_entry_bundle(std::span<const std::string> entries);
Result<std::string> encode_entry_bundle(std::span<const std::string_view> entries);

// The entries of a bundle, which must hold exactly `expected_count` of
// them and nothing after the last. Errors say which entry and byte.
Result<std::vector<std::string>> decode_entry_bundle(std::string_view bundle, std::uint64_t expected_count);

// The hashes of a hash tile, which must be exactly `width` * 32 bytes.
Result<std::vector<Hash>> decode_hash_tile(std::string_view tile, std::uint64_t width);

}  // namespace vinledger
