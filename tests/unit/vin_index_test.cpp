// The VIN index (vin_index.h, index_tree.h): its root, its proofs, their
// encoding, and the stored tiles with their versions.
#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "index_tree.h"
#include "vinledger/encoding.h"
#include "vinledger/vin_index.h"

using namespace vinledger;

namespace {

constexpr std::uint64_t kLatest = std::numeric_limits<std::uint64_t>::max();

Hash entry_hash(std::uint64_t seq) { return sha256("entry " + std::to_string(seq)); }

std::string chain_name(int i) { return i % 7 == 0 ? "party/p" + std::to_string(i) : "VIN" + std::to_string(i); }

// The root straight from the definition (docs/format.md), one recursion over
// the sorted leaves: the reference the tiled trie must agree with.
Hash reference_root(const std::vector<std::pair<Hash, IndexValue>>& leaves, std::size_t depth) {
  if (leaves.empty()) return index_empty();
  if (leaves.size() == 1) return index_leaf_hash(leaves[0].first, leaves[0].second);
  std::vector<std::pair<Hash, IndexValue>> left, right;
  for (const auto& leaf : leaves) (index_key_bit(leaf.first, depth) ? right : left).push_back(leaf);
  return index_node_hash(reference_root(left, depth + 1), reference_root(right, depth + 1));
}

// Adds entries for `chains` chains, `per_chain` each, interleaved.
std::map<Hash, IndexValue> feed(IndexBuilder& builder, int chains, int per_chain, std::uint64_t& seq) {
  std::map<Hash, IndexValue> heads;
  for (int round = 0; round < per_chain; ++round)
    for (int i = 0; i < chains; ++i) {
      builder.add(chain_name(i), seq, entry_hash(seq));
      IndexValue& head = heads[index_key(chain_name(i))];
      head = IndexValue{head.count + 1, seq, entry_hash(seq)};
      ++seq;
    }
  return heads;
}

}  // namespace

TEST_CASE("index: the empty index and a single key", "[index]") {
  IndexBuilder builder;
  CHECK(builder.root() == index_empty());
  builder.add("WVWZZZ1JZXW000001", 3, entry_hash(3));
  const Hash key = index_key("WVWZZZ1JZXW000001");
  CHECK(builder.root() == index_leaf_hash(key, IndexValue{1, 3, entry_hash(3)}));
  CHECK(builder.keys() == 1);
}

TEST_CASE("index: hashing follows docs/format.md byte for byte", "[index]") {
  const Hash key = index_key("VIN1");
  CHECK(key == sha256(std::string("\x10VIN1", 5)));
  const IndexValue value{2, 258, entry_hash(258)};
  std::string leaf("\x11", 1);
  leaf.append(reinterpret_cast<const char*>(key.data()), 32);
  leaf += std::string("\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\x01\x02", 16);
  leaf.append(reinterpret_cast<const char*>(value.last_hash.data()), 32);
  CHECK(index_leaf_hash(key, value) == sha256(leaf));
  std::string node("\x12", 1);
  node.append(reinterpret_cast<const char*>(key.data()), 32);
  node.append(reinterpret_cast<const char*>(value.last_hash.data()), 32);
  CHECK(index_node_hash(key, value.last_hash) == sha256(node));
  CHECK(index_empty() == Hash{});
}

TEST_CASE("index: the tiled root is the definition's root, whatever the batches", "[index]") {
  for (int chains : {2, 15, 16, 17, 300, 2000}) {
    CAPTURE(chains);
    IndexBuilder one_batch, many_batches;
    std::uint64_t seq = 0, seq2 = 0;
    auto heads = feed(one_batch, chains, 3, seq);
    // The same entries, with the root read after every 37 of them.
    for (int round = 0; round < 3; ++round)
      for (int i = 0; i < chains; ++i) {
        many_batches.add(chain_name(i), seq2, entry_hash(seq2));
        if (++seq2 % 37 == 0) (void)many_batches.root();
      }
    std::vector<std::pair<Hash, IndexValue>> leaves(heads.begin(), heads.end());
    const Hash expected = reference_root(leaves, 0);
    CHECK(one_batch.root() == expected);
    CHECK(many_batches.root() == expected);
    CHECK(one_batch.keys() == static_cast<std::size_t>(chains));
  }
}

TEST_CASE("index: lookup and absence proofs verify, and only for their key", "[index]") {
  MemoryIndexTiles tiles;
  IndexTree tree(tiles);
  std::map<Hash, IndexValue> heads;
  std::vector<IndexChange> changes;
  for (int i = 0; i < 500; ++i) {
    const Hash key = index_key(chain_name(i));
    heads[key] = IndexValue{static_cast<std::uint64_t>(i % 5 + 1), static_cast<std::uint64_t>(i), entry_hash(i)};
  }
  for (const auto& [key, value] : heads) changes.push_back({key, value.count, value.last_seq, value.last_hash});
  auto root = tree.apply(changes, 0);
  REQUIRE(root);

  for (int i = 0; i < 500; i += 7) {
    const Hash key = index_key(chain_name(i));
    auto proof = tree.prove(key, kLatest);
    REQUIRE(proof);
    CHECK(proof->present());
    CHECK(proof->value == heads[key]);
    CHECK(verify_index_proof(key, *proof, *root));
    auto decoded = decode_index_proof(encode_index_proof(*proof));
    REQUIRE(decoded);
    CHECK(*decoded == *proof);
    // The same proof for another key, or with another value, fails.
    CHECK_FALSE(verify_index_proof(index_key(chain_name(i + 1)), *proof, *root));
    IndexProof fewer = *proof;
    fewer.value.count -= 1;
    CHECK_FALSE(verify_index_proof(key, fewer, *root));
  }
  int other = 0, empty = 0;
  for (int i = 0; i < 300; ++i) {
    const Hash key = index_key("ABSENT" + std::to_string(i));
    auto proof = tree.prove(key, kLatest);
    REQUIRE(proof);
    CHECK_FALSE(proof->present());
    (proof->kind == IndexProof::Kind::kAbsentOther ? other : empty)++;
    CHECK(verify_index_proof(key, *proof, *root));
    // An absence proof never verifies for a key that is present.
    if (proof->kind == IndexProof::Kind::kAbsentOther) {
      CHECK_FALSE(verify_index_proof(proof->other_key, *proof, *root));
      CHECK(heads.count(proof->other_key));
    }
  }
  CHECK(other > 0);
  CHECK(empty > 0);
}

TEST_CASE("index: every one-byte change of an encoded proof is refused", "[index]") {
  MemoryIndexTiles tiles;
  IndexTree tree(tiles);
  std::vector<IndexChange> changes;
  for (int i = 0; i < 200; ++i) changes.push_back({index_key(chain_name(i)), 1, static_cast<std::uint64_t>(i), entry_hash(i)});
  std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  auto root = tree.apply(changes, 0);
  REQUIRE(root);
  for (const std::string& chain : {chain_name(3), std::string("ABSENT1"), std::string("ABSENT2"), std::string("ABSENT5")}) {
    const Hash key = index_key(chain);
    auto proof = tree.prove(key, kLatest);
    REQUIRE(proof);
    const std::string bytes = encode_index_proof(*proof);
    REQUIRE(verify_index_proof(key, *decode_index_proof(bytes), *root));
    for (std::size_t i = 0; i < bytes.size(); ++i)
      for (int flip : {0x01, 0x80, 0xFF}) {
        std::string mutated = bytes;
        mutated[i] = static_cast<char>(mutated[i] ^ flip);
        auto decoded = decode_index_proof(mutated);
        CAPTURE(chain, i, flip);
        CHECK_FALSE((decoded && verify_index_proof(key, *decoded, *root)));
      }
    CHECK_FALSE(decode_index_proof(bytes + "x"));
    CHECK_FALSE(decode_index_proof(bytes.substr(0, bytes.size() - 1)));
  }
}

TEST_CASE("index: tiles keep the versions checkpoints need", "[index]") {
  // Versions in memory are not kept; a store that keeps them is the
  // ledger's, tested end to end. Here: the root at each size from the
  // replace/add choice, over a store that keeps every version.
  struct VersionedTiles : IndexTileStore {
    std::map<std::pair<int, std::string>, std::map<std::uint64_t, std::string>> tiles;
    int replaced = 0;
    Result<std::optional<Stored>> read_index_tile(int level, std::string_view prefix, std::uint64_t at) override {
      auto it = tiles.find({level, std::string(prefix)});
      if (it == tiles.end()) return std::optional<Stored>{};
      auto version = it->second.upper_bound(at);
      if (version == it->second.begin()) return std::optional<Stored>{};
      --version;
      return std::optional<Stored>{Stored{version->first, version->second}};
    }
    Status write_index_tile(int level, std::string_view prefix, std::uint64_t version,
                            std::optional<std::uint64_t> replaces, std::string_view content) override {
      auto& versions = tiles[{level, std::string(prefix)}];
      if (replaces) {
        versions.erase(*replaces);
        ++replaced;
      }
      versions[version] = std::string(content);
      return {};
    }
  } store;
  IndexTree tree(store);
  IndexBuilder reference;
  std::map<std::uint64_t, Hash> roots;
  std::uint64_t seq = 0, pinned = 0;
  for (int batch = 0; batch < 12; ++batch) {
    std::map<Hash, IndexChange> pending;
    for (int i = 0; i < 40; ++i, ++seq) {
      const std::string chain = chain_name(static_cast<int>((seq * 7919) % 97));
      IndexChange& change = pending[index_key(chain)];
      change.key = index_key(chain);
      ++change.added;
      change.last_seq = seq;
      change.last_hash = entry_hash(seq);
      reference.add(chain, seq, entry_hash(seq));
    }
    std::vector<IndexChange> changes;
    for (auto& [key, change] : pending) changes.push_back(change);
    auto root = tree.apply(changes, pinned);
    REQUIRE(root);
    CHECK(*root == reference.root());
    if (batch % 3 == 2) {  // a checkpoint at this size
      pinned = seq;
      roots[seq] = *root;
    }
  }
  CHECK(store.replaced > 0);
  for (const auto& [size, root] : roots) {
    CAPTURE(size);
    auto again = tree.root_at(size);
    REQUIRE(again);
    CHECK(*again == root);
    auto proof = tree.prove(index_key(chain_name(5)), size);
    REQUIRE(proof);
    CHECK(verify_index_proof(index_key(chain_name(5)), *proof, root));
  }
}

TEST_CASE("index: the checkpoint line", "[index]") {
  const Hash root = sha256("root");
  Checkpoint checkpoint{"example.org/log", 5, sha256("tree"), {format_index_line(root)}};
  CHECK(checkpoint.extensions[0] == "vinledger-index/v1 " + base64_encode(root));
  auto read = checkpoint_index_root(checkpoint);
  REQUIRE(read);
  REQUIRE(*read);
  CHECK(**read == root);
  CHECK_FALSE(checkpoint_index_root(Checkpoint{"o", 1, {}, {"other line"}})->has_value());
  CHECK_FALSE(checkpoint_index_root(Checkpoint{"o", 1, {}, {format_index_line(root), format_index_line(root)}}));
  CHECK_FALSE(checkpoint_index_root(Checkpoint{"o", 1, {}, {"vinledger-index/v1 AAAA"}}));
  CHECK_FALSE(checkpoint_index_root(Checkpoint{"o", 1, {}, {"vinledger-index/v1"}}));
}

TEST_CASE("index: the worked example of docs/format.md", "[index]") {
  IndexBuilder builder;
  builder.add("party/operator", 0, *hash_from_hex("10075153d8c4aeecc23c7e7d04276499cc501439e2be5fddcf7a23722cad298c"));
  builder.add("party/maker", 1, *hash_from_hex("6b3974c27ddb4c4acdeb85eb62c2866a37cac8a5527ca32935bb4591783051c8"));
  builder.add("JTMHV05J0A1000001", 2, *hash_from_hex("e989168bc8cf3bcdfcbe33420079f9cc61391b4c8e0bf1671a812c75d5b4a9e0"));
  CHECK(to_hex(builder.root()) == "766e3bd7f8a128832fcc0fbe8985294de0a02eb3a730a7b6566f1fd7d1b293f8");
  CHECK(format_index_line(builder.root()) == "vinledger-index/v1 dm471/ihKIMvzA++iYUpTeCgLrOnMKe2Vm8f19Gyk/g=");
  auto proof = builder.state().tree.prove(index_key("JTMHV05J0A1000001"), kLatest);
  REQUIRE(proof);
  CHECK(base64_encode(encode_index_proof(*proof)) ==
        "AAGAl7v1Hqu9gC+AuIzAdn45AVu+HFpkg5Z0nWgOVH5PLQsAAAAAAAAAAQAAAAAAAAAC6YkWi8jPO838vjNCAHn5zGE5G0yOC/FnGoEsddW0qeA=");
  auto absent = builder.state().tree.prove(index_key("JTMHV05J0A1000004"), kLatest);
  REQUIRE(absent);
  CHECK(absent->kind == IndexProof::Kind::kAbsentOther);
  CHECK(absent->depth() == 2);
  CHECK(absent->other_key == index_key("party/maker"));
}
