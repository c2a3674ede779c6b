// C2SP tlog-tiles names and bytes: tile paths as the spec spells them,
// which tiles a tree of a given size has (the spec's own example of a tree
// of 70,000), and entry bundles both ways.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vinledger/compression.h"
#include "vinledger/tlog_tiles.h"

using namespace vinledger;

TEST_CASE("tile indices are written in 3-digit elements, all but the last behind an x", "[tiles]") {
  CHECK(tile_index_path(0) == "000");
  CHECK(tile_index_path(7) == "007");
  CHECK(tile_index_path(999) == "999");
  CHECK(tile_index_path(1000) == "x001/000");
  CHECK(tile_index_path(1234067) == "x001/x234/067");  // the spec's example
  CHECK(tile_index_path(UINT64_MAX) == "x018/x446/x744/x073/x709/x551/615");
}

TEST_CASE("tile paths for hash tiles and entry bundles, full and partial", "[tiles]") {
  CHECK(tile_path({false, 0, 0, 256}) == "tile/0/000");
  CHECK(tile_path({false, 2, 1234067, 256}) == "tile/2/x001/x234/067");
  CHECK(tile_path({false, 1, 3, 17}) == "tile/1/003.p/17");
  CHECK(tile_path({true, 0, 1234067, 256}) == "tile/entries/x001/x234/067");
  CHECK(tile_path({true, 0, 5, 1}) == "tile/entries/005.p/1");
}

TEST_CASE("tile paths parse back, and only in the spelling the spec gives", "[tiles]") {
  for (const TileAddress& address : {TileAddress{false, 0, 0, 256}, TileAddress{false, 63, 1234067, 255},
                                     TileAddress{true, 0, 1000, 1}, TileAddress{true, 0, UINT64_MAX, 256}}) {
    auto parsed = parse_tile_path(tile_path(address));
    REQUIRE(parsed);
    CHECK(*parsed == address);
  }
  for (const char* bad : {"tile/0/0", "tile/0/0000", "tile/00/000", "tile/64/000", "tile/-1/000", "tile/0/x000/001",
                          "tile/0/x001", "tile/0/001/002", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/07",
                          "tile/0/000.p", "tile/0/000.p/", "tile/0//000", "tile/0/000/", "tile/entries", "tile/entries/",
                          "tile/entry/000", "tile/0/../000", "tiles/0/000", "/tile/0/000", "tile/0/x1/000",
                          "tile/0/x019/x000/x000/x000/x000/x000/000", "tile/0/00a"}) {
    INFO(bad);
    CHECK_FALSE(parse_tile_path(bad));
  }
}

TEST_CASE("a tree of 70,000 has the tiles the spec lists", "[tiles]") {
  // "273 full level 0 tiles, one partial level 0 tile of width 112, one full
  // level 1 tile, one partial level 1 tile of width 17, and one partial
  // level 2 tile of width 1."
  const auto tiles = tiles_between(0, 70000);
  std::size_t full0 = 0, bundles_full = 0;
  std::vector<TileAddress> partial;
  for (const TileAddress& tile : tiles) {
    if (tile.entries) {
      if (!tile.partial()) ++bundles_full;
      else CHECK(tile == TileAddress{true, 0, 273, 112});
      continue;
    }
    if (tile.level == 0 && !tile.partial()) ++full0;
    if (tile.partial()) partial.push_back(tile);
  }
  CHECK(full0 == 273);
  CHECK(bundles_full == 273);
  CHECK(std::count_if(tiles.begin(), tiles.end(), [](auto& t) { return !t.entries && t.level == 1 && !t.partial(); }) == 1);
  CHECK(partial == std::vector<TileAddress>{{false, 0, 273, 112}, {false, 1, 1, 17}, {false, 2, 0, 1}});

  CHECK(tile_width_at(0, 272, 70000) == 256);
  CHECK(tile_width_at(0, 273, 70000) == 112);
  CHECK(tile_width_at(0, 274, 70000) == 0);
  CHECK(tile_width_at(1, 1, 70000) == 17);
  CHECK(tile_width_at(2, 0, 70000) == 1);
  CHECK(tile_width_at(3, 0, 70000) == 0);
  // "a tree of size 256 will be represented by a full level 0 tile and a
  // partial level 1 tile of width 1."
  CHECK(tiles_between(0, 256) ==
        std::vector<TileAddress>{{false, 0, 0, 256}, {false, 1, 0, 1}, {true, 0, 0, 256}});
}

TEST_CASE("tiles_between gives only what a larger tree adds", "[tiles]") {
  CHECK(tiles_between(5, 5).empty());
  CHECK(tiles_between(5, 9) == std::vector<TileAddress>{{false, 0, 0, 9}, {true, 0, 0, 9}});
  // 250 -> 260: tile 0 fills, tile 1 starts, level 1 appears.
  CHECK(tiles_between(250, 260) == std::vector<TileAddress>{{false, 0, 0, 256},
                                                            {false, 0, 1, 4},
                                                            {false, 1, 0, 1},
                                                            {true, 0, 0, 256},
                                                            {true, 0, 1, 4}});
  // 256 -> 300: level 1 is unchanged (still width 1).
  CHECK(tiles_between(256, 300) == std::vector<TileAddress>{{false, 0, 1, 44}, {true, 0, 1, 44}});
}

TEST_CASE("entry bundles: uint16 big-endian lengths, then the bytes", "[tiles]") {
  const std::vector<std::string> entries = {"a", std::string(300, 'b'), std::string(65535, 'c')};
  auto bundle = encode_entry_bundle(entries);
  REQUIRE(bundle);
  CHECK(bundle->substr(0, 3) == std::string("\x00\x01" "a", 3));
  CHECK(bundle->substr(3, 2) == std::string("\x01\x2c", 2));  // 300
  CHECK(bundle->substr(305, 2) == std::string("\xff\xff", 2));
  CHECK(bundle->size() == 3 + 302 + 65537);
  auto decoded = decode_entry_bundle(*bundle, 3);
  REQUIRE(decoded);
  CHECK(*decoded == entries);

  SECTION("an entry the length prefix cannot carry is refused, not cut") {
    const std::vector<std::string> too_long = {std::string(65536, 'x')};
    auto refused = encode_entry_bundle(too_long);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("65,535") != std::string::npos);
    CHECK_FALSE(encode_entry_bundle(std::vector<std::string>{""}));
    CHECK_FALSE(encode_entry_bundle(std::vector<std::string>(257, "x")));
  }
  SECTION("a bundle is refused unless it holds exactly the expected entries") {
    CHECK_FALSE(decode_entry_bundle(*bundle, 2));                     // bytes after the last expected
    CHECK_FALSE(decode_entry_bundle(*bundle, 4));                     // one missing
    CHECK_FALSE(decode_entry_bundle(bundle->substr(0, 10), 3));        // cut inside an entry
    CHECK_FALSE(decode_entry_bundle(bundle->substr(0, 4), 3));         // cut inside a length
    CHECK(decode_entry_bundle("", 0));
  }
}

TEST_CASE("hash tiles decode only at their exact width", "[tiles]") {
  const std::string tile(3 * 32, '\x07');
  auto hashes = decode_hash_tile(tile, 3);
  REQUIRE(hashes);
  CHECK(hashes->size() == 3);
  CHECK(hashes->at(2)[31] == 7);
  CHECK_FALSE(decode_hash_tile(tile, 2));
  CHECK_FALSE(decode_hash_tile(tile + "x", 3));
}

TEST_CASE("gzip for entry bundles: round trip, bounded, strict, and what Accept-Encoding allows", "[tiles][gzip]") {
  std::string bundle;
  for (int i = 0; i < 256; ++i) bundle += "{\"prev_entry\":\"" + std::string(64, 'a' + i % 6) + "\",\"seq\":" + std::to_string(i) + "}";
  const std::string packed = gzip_compress(bundle);
  CHECK(packed.size() < bundle.size() / 4);
  CHECK(packed.substr(0, 2) == "\x1f\x8b");  // a gzip member, as Content-Encoding: gzip says
  auto unpacked = gzip_decompress(packed, bundle.size());
  REQUIRE(unpacked);
  CHECK(*unpacked == bundle);
  CHECK_FALSE(gzip_decompress(packed, bundle.size() - 1));     // would inflate beyond the bound
  CHECK_FALSE(gzip_decompress(packed.substr(0, packed.size() - 5), bundle.size()));  // cut short
  CHECK_FALSE(gzip_decompress(packed + "x", bundle.size()));   // bytes after the end
  CHECK_FALSE(gzip_decompress("not gzip", 100));
  CHECK(gzip_decompress(gzip_compress(""), 0));

  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("deflate, gzip;q=0.5, identity"));
  CHECK(accepts_gzip("*"));
  CHECK(accepts_gzip("GZip"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("br, gzip; q=0.000"));
  CHECK_FALSE(accepts_gzip("gzipx"));
}
