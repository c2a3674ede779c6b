// The tiled RFC 6962 tree and the proof verifiers: against the published
// vectors and probes, and against a naive tree written straight from
// RFC 6962 section 2.1 for every size up to 2,000 and random sizes beyond.
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "merkle_tree.h"
#include "vinledger/hash.h"
#include "vinledger/merkle.h"

namespace vinledger {
namespace {

// --- helpers ---------------------------------------------------------------

nlohmann::json load_vectors() {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/merkle_vectors.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

std::string bytes_from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

Hash hash_of_hex(const std::string& hex) {
  const std::optional<Hash> hash = hash_from_hex(hex);
  REQUIRE(hash.has_value());
  return *hash;
}

std::vector<Hash> hashes_of_hex(const nlohmann::json& list) {
  std::vector<Hash> out;
  for (const nlohmann::json& hex : list) out.push_back(hash_of_hex(hex.get<std::string>()));
  return out;
}

std::vector<Hash> numbered_leaves(std::uint64_t count) {
  std::vector<Hash> leaves;
  leaves.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) leaves.push_back(leaf_hash("leaf " + std::to_string(i)));
  return leaves;
}

template <class T>
T value_of(Result<T> result) {
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result.has_value());
  return std::move(*result);
}

// --- an in-memory TileStore that counts what it is asked -------------------

class MemoryTileStore final : public TileStore {
 public:
  Result<std::optional<std::string>> read_tile(int level, std::uint64_t index) override {
    ++reads;
    const auto it = tiles.find({level, index});
    if (it == tiles.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status write_tile(int level, std::uint64_t index, std::string_view hashes) override {
    if (fail_writes) return storage_error("disk full");
    ++writes[{level, index}];
    tiles[{level, index}] = std::string(hashes);
    return {};
  }

  std::map<TileId, std::string> tiles;
  std::map<TileId, int> writes;
  std::uint64_t reads = 0;
  bool fail_writes = false;
};

void append_all(TiledMerkleTree& tree, const std::vector<Hash>& leaves, std::uint64_t end) {
  for (std::uint64_t i = tree.size(); i < end; ++i) REQUIRE(tree.append(leaves[i]).has_value());
}

// --- the naive reference: RFC 6962 section 2.1, recursively ---------------
// MTH is memoised so that thousands of proofs stay cheap; the definitions are
// otherwise the RFC's, independent of the tiled code.

class ReferenceTree {
 public:
  explicit ReferenceTree(std::vector<Hash> leaves) : leaves_(std::move(leaves)) {}

  // MTH(D[begin:end]).
  Hash mth(std::uint64_t begin, std::uint64_t end) {
    const std::uint64_t key = begin << 32 | end;
    if (const auto it = memo_.find(key); it != memo_.end()) return it->second;
    Hash result;
    const std::uint64_t n = end - begin;
    if (n == 0) {
      result = sha256("");
    } else if (n == 1) {
      result = leaves_[begin];
    } else {
      const std::uint64_t k = largest_power_of_two_below(n);
      result = node_hash(mth(begin, begin + k), mth(begin + k, end));
    }
    memo_.emplace(key, result);
    return result;
  }

  Hash root(std::uint64_t n) { return mth(0, n); }
  // PATH(m, D[0:n]).
  std::vector<Hash> path(std::uint64_t m, std::uint64_t n) { return path_in(m, 0, n); }
  // PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true).
  std::vector<Hash> proof(std::uint64_t m, std::uint64_t n) { return subproof(m, 0, n, true); }

 private:
  static std::uint64_t largest_power_of_two_below(std::uint64_t n) {
    std::uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  // PATH(m, D[begin:end]), m relative to begin.
  std::vector<Hash> path_in(std::uint64_t m, std::uint64_t begin, std::uint64_t end) {
    const std::uint64_t n = end - begin;
    if (n == 1) return {};
    const std::uint64_t k = largest_power_of_two_below(n);
    std::vector<Hash> result;
    if (m < k) {
      result = path_in(m, begin, begin + k);
      result.push_back(mth(begin + k, end));
    } else {
      result = path_in(m - k, begin + k, end);
      result.push_back(mth(begin, begin + k));
    }
    return result;
  }

  // SUBPROOF(m, D[begin:end], b), m relative to begin.
  std::vector<Hash> subproof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool b) {
    const std::uint64_t n = end - begin;
    if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{mth(begin, end)};
    const std::uint64_t k = largest_power_of_two_below(n);
    std::vector<Hash> result;
    if (m <= k) {
      result = subproof(m, begin, begin + k, b);
      result.push_back(mth(begin + k, end));
    } else {
      result = subproof(m - k, begin + k, end, false);
      result.push_back(mth(begin, begin + k));
    }
    return result;
  }

  std::vector<Hash> leaves_;
  std::unordered_map<std::uint64_t, Hash> memo_;
};

// Checks the tree against the reference at `size`: root, and inclusion
// proofs for `indices`, each also accepted by the verifier.
void check_inclusion(TiledMerkleTree& tree, ReferenceTree& ref, const std::vector<Hash>& leaves,
                     std::uint64_t size, const std::vector<std::uint64_t>& indices) {
  const Hash root = ref.root(size);
  for (std::uint64_t index : indices) {
    const std::vector<Hash> proof = value_of(tree.inclusion_proof(index, size));
    INFO("index " << index << " size " << size);
    REQUIRE(proof == ref.path(index, size));
    REQUIRE(verify_inclusion(leaves[index], index, size, proof, root).has_value());
  }
}

void check_consistency(TiledMerkleTree& tree, ReferenceTree& ref, std::uint64_t size1, std::uint64_t size2) {
  const std::vector<Hash> proof = value_of(tree.consistency_proof(size1, size2));
  INFO("size1 " << size1 << " size2 " << size2);
  REQUIRE(proof == ref.proof(size1, size2));
  REQUIRE(value_of(tree.root_at(size1)) == ref.root(size1));
  REQUIRE(verify_consistency(size1, size2, ref.root(size1), ref.root(size2), proof).has_value());
}

std::vector<std::uint64_t> sample_indices(std::mt19937_64& rng, std::uint64_t size, int count) {
  std::vector<std::uint64_t> indices{0, size - 1};
  for (int i = 0; i < count; ++i) indices.push_back(rng() % size);
  return indices;
}

// Every tile a tree of leaves.size() leaves should store, by the builder.
std::map<TileId, std::string> rebuilt_tiles(const std::vector<Hash>& leaves, Hash* root = nullptr) {
  std::map<TileId, std::string> tiles;
  TileBuilder builder;
  for (const Hash& leaf : leaves) {
    for (const Tile& tile : builder.add(leaf)) tiles.emplace(tile.id, tile.hashes);
  }
  for (const Tile& tile : builder.partial_tiles()) tiles.emplace(tile.id, tile.hashes);
  if (root != nullptr) *root = builder.root();
  return tiles;
}

// What the audit does: the first tile, in the builder's order, whose stored
// bytes differ from the rebuilt ones.
std::optional<TileId> first_mismatching_tile(MemoryTileStore& store, const std::vector<Hash>& leaves) {
  TileBuilder builder;
  auto differs = [&](const Tile& tile) {
    const auto stored = store.tiles.find(tile.id);
    return stored == store.tiles.end() || stored->second != tile.hashes;
  };
  for (const Hash& leaf : leaves) {
    for (const Tile& tile : builder.add(leaf)) {
      if (differs(tile)) return tile.id;
    }
  }
  for (const Tile& tile : builder.partial_tiles()) {
    if (differs(tile)) return tile.id;
  }
  return std::nullopt;
}

}  // namespace

// --- published vectors -----------------------------------------------------

TEST_CASE("Merkle vectors: roots for sizes 0-8 and node hashes by level", "[merkle]") {
  const nlohmann::json vectors = load_vectors();
  std::vector<Hash> leaves;
  for (const nlohmann::json& hex : vectors.at("leaf_inputs_hex")) {
    leaves.push_back(leaf_hash(bytes_from_hex(hex.get<std::string>())));
  }
  REQUIRE(leaves.size() == 8);
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  append_all(tree, leaves, 8);
  REQUIRE(tree.flush().has_value());

  CHECK(to_hex(empty_tree_root()) == vectors.at("empty_tree_root_hex").get<std::string>());
  CHECK(value_of(tree.root_at(0)) == empty_tree_root());
  for (const auto& [size, root_hex] : vectors.at("roots_by_tree_size").items()) {
    INFO("size " << size);
    CHECK(to_hex(value_of(tree.root_at(std::stoull(size)))) == root_hex.get<std::string>());
  }

  const nlohmann::json& levels = vectors.at("node_hashes_by_level");
  ReferenceTree ref(leaves);
  std::string level0;
  for (const nlohmann::json& hex : levels.at(0)) level0 += bytes_from_hex(hex.get<std::string>());
  CHECK(store.tiles.at({0, 0}) == level0);  // the leaf tile holds exactly the leaf hashes
  for (std::size_t level = 0; level < levels.size(); ++level) {
    for (std::size_t i = 0; i < levels[level].size(); ++i) {
      const std::uint64_t width = std::uint64_t{1} << level;
      INFO("level " << level << " index " << i);
      CHECK(to_hex(ref.mth(i * width, (i + 1) * width)) == levels[level][i].get<std::string>());
    }
    CHECK(to_hex(value_of(tree.root_at(std::uint64_t{1} << level))) == levels[level][0].get<std::string>());
  }
}

TEST_CASE("Merkle vectors: the tree produces the published proofs and they verify", "[merkle]") {
  const nlohmann::json vectors = load_vectors();
  std::vector<Hash> leaves;
  for (const nlohmann::json& hex : vectors.at("leaf_inputs_hex")) {
    leaves.push_back(leaf_hash(bytes_from_hex(hex.get<std::string>())));
  }
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  append_all(tree, leaves, 8);

  for (const nlohmann::json& c : vectors.at("inclusion_proofs")) {
    const std::uint64_t index = c.at("leaf_index");
    const std::uint64_t size = c.at("tree_size");
    INFO("inclusion of " << index << " in " << size);
    const Hash leaf = hash_of_hex(c.at("leaf_hash_hex"));
    CHECK(leaf == leaf_hash(bytes_from_hex(c.at("leaf_input_hex"))));
    const std::vector<Hash> expected = hashes_of_hex(c.at("proof_hex"));
    CHECK(value_of(tree.inclusion_proof(index, size)) == expected);
    CHECK(value_of(tree.root_at(size)) == hash_of_hex(c.at("root_hex")));
    CHECK(verify_inclusion(leaf, index, size, expected, hash_of_hex(c.at("root_hex"))).has_value());
  }
  for (const nlohmann::json& c : vectors.at("consistency_proofs")) {
    const std::uint64_t size1 = c.at("size1");
    const std::uint64_t size2 = c.at("size2");
    INFO("consistency " << size1 << " -> " << size2);
    const std::vector<Hash> expected = hashes_of_hex(c.at("proof_hex"));
    CHECK(value_of(tree.consistency_proof(size1, size2)) == expected);
    const Hash root1 = hash_of_hex(c.at("root1_hex"));
    const Hash root2 = hash_of_hex(c.at("root2_hex"));
    CHECK(verify_consistency(size1, size2, root1, root2, expected).has_value());
    CHECK(value_of(root_from_consistency_proof(size1, size2, root1, expected)) == root2);
  }
}

// Probe policy. A hash is exactly 32 bytes: the verifiers take `Hash`, so a
// value of another length is refused where it is decoded, before any
// verification, as the ledger's hash_from_hex refuses it. The policy_note
// probe "empty root and leaf" (0-byte leaf and root) expects exactly that.
// A consistency proof needs 0 < size1 (the other three policy_note probes):
// RFC 9162 section 2.1.4 defines none from the empty tree, and one would
// prove nothing, so size1 == 0 is refused even with equal sizes and roots.
//
// One probe without a policy_note conflicts with the 32-byte rule:
// consistency/additional/sizes-are-equal-one-and-proof-is-empty expects two
// equal 12-byte "roots" to be accepted (transparency-dev compares them as
// bytes without checking their length). Here that probe is refused at
// decoding, and the case it stands for, equal sizes with equal 32-byte roots
// and an empty proof, is checked to be accepted instead.
namespace {

const char* const kRefusedForLength =
    "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

std::optional<Hash> decode_probe_hash(const std::string& hex) {
  const std::string bytes = bytes_from_hex(hex);
  if (bytes.size() != 32) return std::nullopt;
  return hash_of_hex(hex);
}

// nullopt if any value is not a 32-byte hash.
std::optional<std::vector<Hash>> decode_probe_hashes(const std::vector<std::string>& hexes) {
  std::vector<Hash> out;
  for (const std::string& hex : hexes) {
    const std::optional<Hash> hash = decode_probe_hash(hex);
    if (!hash) return std::nullopt;
    out.push_back(*hash);
  }
  return out;
}

}  // namespace

TEST_CASE("Merkle vectors: all inclusion probes", "[merkle]") {
  const nlohmann::json vectors = load_vectors();
  const nlohmann::json& probes = vectors.at("inclusion_probes");
  REQUIRE(probes.size() == 98);
  int accepted = 0;
  for (const nlohmann::json& p : probes) {
    INFO(p.at("source_file").get<std::string>());
    std::vector<std::string> hexes{p.at("leaf_hash_hex"), p.at("root_hex")};
    for (const nlohmann::json& hex : p.at("proof_hex")) hexes.push_back(hex);
    const std::optional<std::vector<Hash>> hashes = decode_probe_hashes(hexes);
    bool valid = false;
    if (hashes) {
      const std::span<const Hash> proof(hashes->begin() + 2, hashes->end());
      valid = verify_inclusion((*hashes)[0], p.at("leaf_index"), p.at("tree_size"), proof, (*hashes)[1])
                  .has_value();
    }
    CHECK(valid == p.at("expect_valid").get<bool>());
    accepted += valid ? 1 : 0;
  }
  CHECK(accepted == 6);
}

TEST_CASE("Merkle vectors: all consistency probes", "[merkle]") {
  const nlohmann::json vectors = load_vectors();
  const nlohmann::json& probes = vectors.at("consistency_probes");
  REQUIRE(probes.size() == 98);
  int accepted = 0;
  for (const nlohmann::json& p : probes) {
    const std::string source = p.at("source_file");
    INFO(source);
    std::vector<std::string> hexes{p.at("root1_hex"), p.at("root2_hex")};
    for (const nlohmann::json& hex : p.at("proof_hex")) hexes.push_back(hex);
    const std::optional<std::vector<Hash>> hashes = decode_probe_hashes(hexes);
    bool valid = false;
    if (hashes) {
      const std::span<const Hash> proof(hashes->begin() + 2, hashes->end());
      valid = verify_consistency(p.at("size1"), p.at("size2"), (*hashes)[0], (*hashes)[1], proof).has_value();
    }
    const bool expected = source == kRefusedForLength ? false : p.at("expect_valid").get<bool>();
    CHECK(valid == expected);
    accepted += valid ? 1 : 0;
  }
  CHECK(accepted == 5);
  const Hash root = leaf_hash("one leaf");
  CHECK(verify_consistency(1, 1, root, root, {}).has_value());
}

TEST_CASE("Merkle vectors: rolling subtree hash over 130 leaves", "[merkle]") {
  const nlohmann::json vectors = load_vectors();
  const nlohmann::json& v = vectors.at("accumulated_vectors").at(0);
  REQUIRE(v.at("name") == "subtree_hash_rolling_sha256");
  std::vector<Hash> leaves;
  for (int i = 0; i < 130; ++i) leaves.push_back(leaf_hash(std::string(1, static_cast<char>(i))));
  ReferenceTree ref(leaves);
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  append_all(tree, leaves, 130);

  // Prefixes [0, end) are the tiled tree's roots; other subtrees, which the
  // tree never needs whole, come from the reference.
  std::string lines;
  for (std::uint64_t end = 0; end <= 130; ++end) {
    for (std::uint64_t start = 0; start <= end; ++start) {
      const bool valid = start == 0 || start == end || start % std::bit_ceil(end - start) == 0;
      if (!valid) continue;
      const Hash hash = start == 0 ? value_of(tree.root_at(end)) : ref.mth(start, end);
      lines += "[" + std::to_string(start) + ", " + std::to_string(end) + ") " + to_hex(hash) + "\n";
    }
  }
  CHECK(to_hex(sha256(lines)) == v.at("expected_sha256_hex").get<std::string>());
}

// --- the verifiers' refusals -----------------------------------------------

TEST_CASE("verifiers name the reason they refuse", "[merkle]") {
  const std::vector<Hash> leaves = numbered_leaves(8);
  ReferenceTree ref(leaves);
  const std::vector<Hash> proof = ref.path(6, 8);
  REQUIRE(proof.size() == 3);

  const Status short_proof = verify_inclusion(leaves[6], 6, 8, std::span(proof).first(2), ref.root(8));
  REQUIRE_FALSE(short_proof.has_value());
  CHECK(short_proof.error().kind == ErrorKind::invalid_input);
  CHECK(short_proof.error().message == "inclusion proof has 2 hashes, expected 3 for index 6 in size 8");

  const Status wrong_root = verify_inclusion(leaves[6], 6, 8, proof, ref.root(7));
  REQUIRE_FALSE(wrong_root.has_value());
  CHECK(wrong_root.error().message ==
        "inclusion proof: computed root " + to_hex(ref.root(8)) + " does not match " + to_hex(ref.root(7)));

  CHECK(verify_inclusion(leaves[6], 8, 8, proof, ref.root(8)).error().message ==
        "leaf index 8 is not in a tree of size 8");
  CHECK(verify_consistency(0, 8, empty_tree_root(), ref.root(8), {}).error().message ==
        "consistency proof from the empty tree proves nothing");
  const std::vector<Hash> proof_6_8 = ref.proof(6, 8);
  CHECK(verify_consistency(6, 8, ref.root(6), ref.root(8), std::span(proof_6_8).first(2)).error().message ==
        "consistency proof has 2 hashes, expected 3 from size 6 to size 8");
  CHECK(verify_consistency(8, 6, ref.root(8), ref.root(6), {}).error().message ==
        "consistency proof from size 8 to the smaller size 6");
  const Status wrong_old_root = verify_consistency(6, 8, ref.root(5), ref.root(8), ref.proof(6, 8));
  CHECK(wrong_old_root.error().message.starts_with("consistency proof, old tree: computed root"));
}

TEST_CASE("verifiers refuse every single-bit change to a valid proof", "[merkle]") {
  const std::vector<Hash> leaves = numbered_leaves(40);
  ReferenceTree ref(leaves);
  for (std::uint64_t size = 1; size <= 40; ++size) {
    for (std::uint64_t index = 0; index < size; ++index) {
      std::vector<Hash> proof = ref.path(index, size);
      for (Hash& element : proof) {
        element[index % 32] ^= 0x01;
        CHECK_FALSE(verify_inclusion(leaves[index], index, size, proof, ref.root(size)).has_value());
        element[index % 32] ^= 0x01;
      }
      Hash other_leaf = leaves[index];
      other_leaf[31] ^= 0x80;
      CHECK_FALSE(verify_inclusion(other_leaf, index, size, proof, ref.root(size)).has_value());
    }
    for (std::uint64_t size1 = 1; size1 < size; ++size1) {
      std::vector<Hash> proof = ref.proof(size1, size);
      for (Hash& element : proof) {
        element[0] ^= 0x40;
        CHECK_FALSE(verify_consistency(size1, size, ref.root(size1), ref.root(size), proof).has_value());
        element[0] ^= 0x40;
      }
      CHECK_FALSE(verify_consistency(size1, size, ref.root(size1 - 1), ref.root(size), proof).has_value());
    }
  }
}

// --- the tiled tree against the reference ----------------------------------

TEST_CASE("tiled tree equals the reference at every size from 0 to 2000", "[merkle][tiles]") {
  constexpr std::uint64_t kMaxSize = 2000;
  const std::vector<Hash> leaves = numbered_leaves(kMaxSize);
  ReferenceTree ref(leaves);
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  std::mt19937_64 rng(6962);
  for (std::uint64_t size = 0; size <= kMaxSize; ++size) {
    if (size > 0) REQUIRE(tree.append(leaves[size - 1]).has_value());
    if (rng() % 40 == 0) REQUIRE(tree.flush().has_value());  // mix stored and unflushed tiles
    INFO("size " << size);
    REQUIRE(value_of(tree.root()) == ref.root(size));
    if (size == 0) continue;

    std::vector<std::uint64_t> indices;
    if (size <= 300) {
      for (std::uint64_t i = 0; i < size; ++i) indices.push_back(i);
    } else {
      indices = sample_indices(rng, size, 3);
    }
    check_inclusion(tree, ref, leaves, size, indices);
    const std::uint64_t some_size1 = 1 + rng() % size;
    for (std::uint64_t size1 : {size % 7 == 0 ? std::uint64_t{1} : size, some_size1}) {
      check_consistency(tree, ref, size1, size);
    }
  }
}

TEST_CASE("tiled tree equals the reference at random sizes up to 100000, reopened from the store",
          "[merkle][tiles]") {
  constexpr std::uint64_t kMaxSize = 100000;
  const std::vector<Hash> leaves = numbered_leaves(kMaxSize);
  ReferenceTree ref(leaves);
  std::mt19937_64 rng(9162);
  std::vector<std::uint64_t> sizes{65535, 65536, 65537, kMaxSize};
  for (int i = 0; i < 18; ++i) sizes.push_back(2001 + rng() % (kMaxSize - 2001));
  std::sort(sizes.begin(), sizes.end());

  MemoryTileStore store;
  auto tree = std::make_unique<TiledMerkleTree>(store, 0);
  for (std::uint64_t size : sizes) {
    INFO("size " << size);
    for (std::uint64_t i = tree->size(); i < size; ++i) {
      REQUIRE(tree->append(leaves[i]).has_value());
      if (rng() % 5000 == 0) REQUIRE(tree->flush().has_value());
    }
    // Unflushed, then as a new object that knows only the store.
    REQUIRE(value_of(tree->root()) == ref.root(size));
    check_inclusion(*tree, ref, leaves, size, sample_indices(rng, size, 10));
    REQUIRE(tree->flush().has_value());
    tree = std::make_unique<TiledMerkleTree>(store, size);
    REQUIRE(value_of(tree->root()) == ref.root(size));
    check_inclusion(*tree, ref, leaves, size, sample_indices(rng, size, 10));
    for (int i = 0; i < 4; ++i) check_consistency(*tree, ref, 1 + rng() % size, size);
  }
  CHECK(store.tiles == rebuilt_tiles(leaves));
}

TEST_CASE("a tree reopened from the store continues as if never closed", "[merkle][tiles]") {
  const std::vector<Hash> leaves = numbered_leaves(70000);
  MemoryTileStore one_go;
  TiledMerkleTree whole(one_go, 0);
  append_all(whole, leaves, leaves.size());
  REQUIRE(whole.flush().has_value());

  MemoryTileStore in_steps;
  std::uint64_t size = 0;
  for (std::uint64_t next : {1, 255, 256, 257, 65535, 65536, 65792, 69999, 70000}) {
    TiledMerkleTree tree(in_steps, size);
    append_all(tree, leaves, next);
    REQUIRE(tree.flush().has_value());
    size = next;
  }
  CHECK(in_steps.tiles == one_go.tiles);
}

// --- storage behaviour -----------------------------------------------------

TEST_CASE("flush writes each tile once per batch, and only what changed", "[merkle][tiles]") {
  const std::vector<Hash> leaves = numbered_leaves(100001);
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  append_all(tree, leaves, 100000);
  CHECK(store.writes.empty());  // nothing is written before flush
  REQUIRE(tree.flush().has_value());
  // 100000 = 390 * 256 + 160: 391 tiles at level 0, 2 at level 1, 1 at level 2.
  CHECK(store.tiles.size() == 394);
  CHECK(store.writes.size() == store.tiles.size());
  CHECK(std::all_of(store.writes.begin(), store.writes.end(), [](const auto& w) { return w.second == 1; }));
  CHECK(store.reads == 0);  // appending from empty reads nothing

  REQUIRE(tree.flush().has_value());
  CHECK(store.writes.size() == 394);  // nothing changed, nothing written
  CHECK(std::all_of(store.writes.begin(), store.writes.end(), [](const auto& w) { return w.second == 1; }));

  REQUIRE(tree.append(leaves[100000]).has_value());
  REQUIRE(tree.flush().has_value());
  CHECK(store.writes.at({0, 390}) == 2);  // only the right-edge leaf tile grew
  int total = 0;
  for (const auto& w : store.writes) total += w.second;
  CHECK(total == 395);
}

TEST_CASE("frequent flushes write each tile a bounded number of times", "[merkle][tiles]") {
  const std::vector<Hash> leaves = numbered_leaves(100000);
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  int flushes = 0;
  for (std::uint64_t i = 0; i < leaves.size(); ++i) {
    REQUIRE(tree.append(leaves[i]).has_value());
    if ((i + 1) % 1000 == 0) {
      REQUIRE(tree.flush().has_value());
      ++flushes;
    }
  }
  int total = 0;
  for (const auto& [id, count] : store.writes) {
    total += count;
    // A level-0 tile spans 256 leaves, less than a flush interval: written
    // partial at most once, then full.
    if (id.level == 0) CHECK(count <= 2);
  }
  CHECK(total <= static_cast<int>(store.tiles.size()) + flushes * 3);
  CHECK(store.reads == 0);
  CHECK(store.tiles == rebuilt_tiles(leaves));
}

TEST_CASE("a failed flush keeps its tiles for the retry", "[merkle][tiles]") {
  const std::vector<Hash> leaves = numbered_leaves(1000);
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  append_all(tree, leaves, 1000);
  store.fail_writes = true;
  const Status failed = tree.flush();
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().kind == ErrorKind::storage);
  store.fail_writes = false;
  REQUIRE(tree.flush().has_value());
  CHECK(store.tiles == rebuilt_tiles(leaves));
}

TEST_CASE("the tile builder rebuilds exactly the stored tiles and the root", "[merkle][tiles]") {
  const std::vector<Hash> leaves = numbered_leaves(70000);
  MemoryTileStore store;
  TiledMerkleTree tree(store, 0);
  std::mt19937_64 rng(256);
  for (const Hash& leaf : leaves) {
    REQUIRE(tree.append(leaf).has_value());
    if (rng() % 3000 == 0) REQUIRE(tree.flush().has_value());
  }
  REQUIRE(tree.flush().has_value());

  Hash rebuilt_root{};
  CHECK(rebuilt_tiles(leaves, &rebuilt_root) == store.tiles);
  CHECK(rebuilt_root == value_of(tree.root()));
  CHECK(first_mismatching_tile(store, leaves) == std::nullopt);

  // Memory stays bounded: one edge tile per level, whatever the leaf count.
  TileBuilder builder;
  for (const Hash& leaf : leaves) {
    const std::span<const Tile> completed = builder.add(leaf);
    REQUIRE(completed.size() <= 3);
  }
  CHECK(builder.edges().size() == 3);
  for (const Tile& edge : builder.edges()) CHECK(edge.hashes.size() < kTileWidth * kHashSize);
  CHECK(TileBuilder().root() == empty_tree_root());
}

TEST_CASE("missing, short and edited tiles are reported by name", "[merkle][tiles]") {
  // 1000 = 3 * 256 + 232: tiles 0/0-0/2 full, 0/3 partial (232), 1/0 partial (3).
  const std::vector<Hash> leaves = numbered_leaves(1000);
  MemoryTileStore pristine;
  {
    TiledMerkleTree tree(pristine, 0);
    append_all(tree, leaves, 1000);
    REQUIRE(tree.flush().has_value());
  }

  SECTION("a missing full tile") {
    MemoryTileStore store = pristine;
    store.tiles.erase({0, 1});
    TiledMerkleTree tree(store, 1000);
    const auto proof = tree.inclusion_proof(300, 1000);
    REQUIRE_FALSE(proof.has_value());
    CHECK(proof.error().kind == ErrorKind::storage);
    CHECK(proof.error().message == "tile 0/1 is missing");
    CHECK(first_mismatching_tile(store, leaves) == TileId{0, 1});
  }
  SECTION("a short tile") {
    MemoryTileStore store = pristine;
    store.tiles[{1, 0}].resize(40);
    TiledMerkleTree tree(store, 1000);
    const auto root = tree.root();
    REQUIRE_FALSE(root.has_value());
    CHECK(root.error().kind == ErrorKind::storage);
    CHECK(root.error().message == "tile 1/0 has 40 bytes, expected 96 (3 hashes) in a tree of size 1000");
  }
  SECTION("a tile one hash too long") {
    MemoryTileStore store = pristine;
    store.tiles[{0, 0}] += std::string(32, 'x');
    TiledMerkleTree tree(store, 1000);
    CHECK(tree.inclusion_proof(0, 1000).error().message ==
          "tile 0/0 has 8224 bytes, expected 8192 (256 hashes) in a tree of size 1000");
  }
  SECTION("a missing right-edge tile stops the append and changes nothing") {
    MemoryTileStore store = pristine;
    store.tiles.erase({0, 3});
    TiledMerkleTree tree(store, 1000);
    const Status appended = tree.append(leaf_hash("one more"));
    REQUIRE_FALSE(appended.has_value());
    CHECK(appended.error().message == "tile 0/3 is missing");
    CHECK(tree.size() == 1000);
    CHECK(tree.append(leaf_hash("one more")).error().message == "tile 0/3 is missing");
  }
  SECTION("an edited tile: reads succeed, proofs through it fail, the rebuild names the tile") {
    MemoryTileStore store = pristine;
    store.tiles[{0, 2}][100] ^= 0x01;  // leaf 515, the sibling of leaf 514
    TiledMerkleTree tree(store, 1000);
    const Hash root = value_of(tree.root());  // reads tiles 1/0 and 0/3 only
    CHECK(root == ReferenceTree(leaves).root(1000));
    const std::vector<Hash> proof = value_of(tree.inclusion_proof(514, 1000));
    CHECK_FALSE(verify_inclusion(leaves[514], 514, 1000, proof, root).has_value());
    CHECK(first_mismatching_tile(store, leaves) == TileId{0, 2});
  }
  SECTION("requests beyond the tree") {
    TiledMerkleTree tree(pristine, 1000);
    CHECK(tree.root_at(1001).error().kind == ErrorKind::invalid_input);
    CHECK(tree.inclusion_proof(1000, 1000).error().kind == ErrorKind::invalid_input);
    CHECK(tree.inclusion_proof(5, 1001).error().kind == ErrorKind::invalid_input);
    CHECK(tree.consistency_proof(0, 1000).error().kind == ErrorKind::invalid_input);
    CHECK(tree.consistency_proof(10, 9).error().kind == ErrorKind::invalid_input);
    CHECK(tree.consistency_proof(10, 1001).error().kind == ErrorKind::invalid_input);
  }
}

TEST_CASE("tile widths and names follow the tile layout", "[merkle][tiles]") {
  CHECK(tile_name({1, 37}) == "tile 1/37");
  CHECK(tile_width({0, 0}, 0) == 0);
  CHECK(tile_width({0, 0}, 1) == 1);
  CHECK(tile_width({0, 0}, 256) == 256);
  CHECK(tile_width({0, 1}, 256) == 0);
  CHECK(tile_width({1, 0}, 255) == 0);
  CHECK(tile_width({1, 0}, 256) == 1);
  CHECK(tile_width({1, 0}, 65536) == 256);
  CHECK(tile_width({2, 0}, 65536) == 1);
  CHECK(tile_width({0, 3}, 1000) == 232);
  CHECK(tile_width({7, 0}, ~std::uint64_t{0}) == 255);
  CHECK(tile_width({8, 0}, ~std::uint64_t{0}) == 0);
}

}  // namespace vinledger
