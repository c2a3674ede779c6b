#include "vinledger/tlog_tiles.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "vinledger/encoding.h"

namespace vinledger {
namespace {

constexpr std::string_view kTilePrefix = "tile/";
constexpr std::string_view kEntriesElement = "entries";
constexpr std::string_view kPartialMarker = ".p";
constexpr int kTileHeightBits = 8;

std::string three_digits(std::uint64_t value) {
  std::string digits = std::to_string(value);
  return std::string(3 - digits.size(), '0') + digits;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits "a/b/c" into its elements; empty elements are kept so that "a//b"
// and a trailing '/' are refused by the caller.
std::vector<std::string_view> elements_of(std::string_view path) {
  std::vector<std::string_view> elements;
  for (;;) {
    const std::size_t slash = path.find('/');
    elements.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return elements;
    path.remove_prefix(slash + 1);
  }
}

// Parses the <N> elements (after "tile/<L>/" or "tile/entries/"), the last
// of which may carry ".p" before a final <W> element.
Result<TileAddress> parse_index_and_width(std::span<const std::string_view> elements, TileAddress address,
                                          std::string_view path) {
  auto bad = [&](const std::string& why) { return invalid_input("not a tile path: " + std::string(path) + " (" + why + ")"); };
  std::size_t count = elements.size();
  bool partial = false;
  if (count >= 2 && elements[count - 2].ends_with(kPartialMarker)) {
    partial = true;
    const std::string_view width = elements[count - 1];
    const std::optional<std::uint64_t> parsed = parse_strict_decimal(width);
    if (!parsed || *parsed == 0 || *parsed >= kFullTileWidth) return bad("a partial width is 1 to 255");
    address.width = *parsed;
    --count;
  }
  if (count == 0) return bad("no index");
  // Each element is 3 digits, all but the last behind an 'x'; 2^64 needs 7.
  if (count > 7) return bad("index too large");
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::string_view element = elements[i];
    const bool last = i + 1 == count;
    if (last && partial) element.remove_suffix(kPartialMarker.size());
    if (!last) {
      if (!element.starts_with('x')) return bad("index elements before the last start with 'x'");
      element.remove_prefix(1);
    }
    if (element.size() != 3 || !all_digits(element)) return bad("index elements are 3 digits");
    const std::uint64_t digits = static_cast<std::uint64_t>(std::stoi(std::string(element)));
    if (index > (UINT64_MAX - digits) / 1000) return bad("index too large");
    index = index * 1000 + digits;
  }
  address.index = index;
  return address;
}

template <class Text>
Result<std::string> encode_bundle(std::span<const Text> entries) {
  if (entries.size() > kFullTileWidth)
    return invalid_input("an entry bundle holds at most 256 entries, not " + std::to_string(entries.size()));
  std::size_t total = 0;
  for (const auto& entry : entries) total += 2 + entry.size();
  std::string bundle;
  bundle.reserve(total);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::size_t size = entries[i].size();
    if (size == 0 || size > kMaxBundledEntryBytes)
      return invalid_input("entry " + std::to_string(i) + " of the bundle is " + std::to_string(size) +
                           " bytes; an entry bundle carries entries of 1 to 65,535 bytes");
    bundle += static_cast<char>((size >> 8) & 0xff);
    bundle += static_cast<char>(size & 0xff);
    bundle.append(entries[i].data(), size);
  }
  return bundle;
}

}  // namespace

std::string tile_index_path(std::uint64_t index) {
  std::string path = three_digits(index % 1000);
  for (index /= 1000; index > 0; index /= 1000) path = "x" + three_digits(index % 1000) + "/" + path;
  return path;
}

std::string tile_path(const TileAddress& address) {
  std::string path(kTilePrefix);
  path += address.entries ? std::string(kEntriesElement) : std::to_string(address.level);
  path += "/" + tile_index_path(address.index);
  if (address.partial()) path += std::string(kPartialMarker) + "/" + std::to_string(address.width);
  return path;
}

Result<TileAddress> parse_tile_path(std::string_view path) {
  if (!path.starts_with(kTilePrefix)) return invalid_input("not a tile path: " + std::string(path));
  const std::vector<std::string_view> elements = elements_of(path.substr(kTilePrefix.size()));
  if (elements.size() < 2) return invalid_input("not a tile path: " + std::string(path) + " (too short)");
  TileAddress address;
  if (elements[0] == kEntriesElement) {
    address.entries = true;
  } else {
    const std::optional<std::uint64_t> level = parse_strict_decimal(elements[0]);
    if (!level || *level > static_cast<std::uint64_t>(kMaxTileLevel))
      return invalid_input("not a tile path: " + std::string(path) + " (the level is 0 to 63 or \"entries\")");
    address.level = static_cast<int>(*level);
  }
  auto parsed = parse_index_and_width(std::span(elements).subspan(1), address, path);
  if (!parsed) return parsed;
  // One spelling per resource: "x000/001" or "tile/00/001" name nothing.
  if (tile_path(*parsed) != path)
    return invalid_input("not a tile path: " + std::string(path) + " (not in its shortest form, " + tile_path(*parsed) + ")");
  return parsed;
}

std::uint64_t tile_width_at(int level, std::uint64_t index, std::uint64_t tree_size) {
  if (level < 0 || level * kTileHeightBits >= 64) return 0;
  const std::uint64_t row = tree_size >> (kTileHeightBits * level);
  const std::uint64_t full_tiles = row / kFullTileWidth;
  if (index < full_tiles) return kFullTileWidth;
  if (index == full_tiles) return row % kFullTileWidth;
  return 0;
}

std::vector<TileAddress> tiles_between(std::uint64_t old_size, std::uint64_t tree_size) {
  std::vector<TileAddress> tiles;
  std::vector<TileAddress> bundles;
  for (int level = 0; level * kTileHeightBits < 64; ++level) {
    const std::uint64_t row = tree_size >> (kTileHeightBits * level);
    if (row == 0) break;
    const std::uint64_t old_row = old_size >> (kTileHeightBits * level);
    // Full tiles that were not full at the old size.
    for (std::uint64_t index = old_row / kFullTileWidth; index < row / kFullTileWidth; ++index) {
      tiles.push_back({false, level, index, kFullTileWidth});
      if (level == 0) bundles.push_back({true, 0, index, kFullTileWidth});
    }
    const std::uint64_t width = row % kFullTileWidth;
    if (width != 0 && row != old_row) {
      tiles.push_back({false, level, row / kFullTileWidth, width});
      if (level == 0) bundles.push_back({true, 0, row / kFullTileWidth, width});
    }
  }
  tiles.insert(tiles.end(), bundles.begin(), bundles.end());
  return tiles;
}

Result<std::string> encode_entry_bundle(std::span<const std::string> entries) { return encode_bundle(entries); }
Result<std::string> encode_entry_bundle(std::span<const std::string_view> entries) { return encode_bundle(entries); }

Result<std::vector<std::string>> decode_entry_bundle(std::string_view bundle, std::uint64_t expected_count) {
  std::vector<std::string> entries;
  entries.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(expected_count, kFullTileWidth)));
  std::size_t offset = 0;
  while (offset < bundle.size()) {
    if (entries.size() == expected_count)
      return invalid_input("the entry bundle has bytes after its " + std::to_string(expected_count) +
                           " entries (at byte " + std::to_string(offset) + ")");
    if (bundle.size() - offset < 2)
      return invalid_input("the entry bundle ends inside the length of entry " + std::to_string(entries.size()));
    const std::size_t size = (static_cast<std::size_t>(static_cast<unsigned char>(bundle[offset])) << 8) |
                             static_cast<unsigned char>(bundle[offset + 1]);
    offset += 2;
    if (size > bundle.size() - offset)
      return invalid_input("entry " + std::to_string(entries.size()) + " of the bundle says " + std::to_string(size) +
                           " bytes but only " + std::to_string(bundle.size() - offset) + " remain");
    entries.emplace_back(bundle.substr(offset, size));
    offset += size;
  }
  if (entries.size() != expected_count)
    return invalid_input("the entry bundle holds " + std::to_string(entries.size()) + " entries, expected " +
                         std::to_string(expected_count));
  return entries;
}

Result<std::vector<Hash>> decode_hash_tile(std::string_view tile, std::uint64_t width) {
  if (tile.size() != width * sizeof(Hash))
    return invalid_input("the tile is " + std::to_string(tile.size()) + " bytes, expected " +
                         std::to_string(width * sizeof(Hash)) + " (" + std::to_string(width) + " hashes)");
  std::vector<Hash> hashes(static_cast<std::size_t>(width));
  for (std::size_t i = 0; i < hashes.size(); ++i) std::memcpy(hashes[i].data(), tile.data() + i * sizeof(Hash), sizeof(Hash));
  return hashes;
}

}  // namespace vinledger
