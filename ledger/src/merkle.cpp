#include "vinledger/merkle.h"

#include <bit>
#include <string>

namespace vinledger {
namespace {

bool is_power_of_two(std::uint64_t n) { return std::has_single_bit(n); }

bool lsb(std::uint64_t n) { return (n & 1) != 0; }

// RFC 9162 step "right-shift both fn and sn equally until either LSB(fn) is
// set or fn is 0".
void shift_until_lsb_set_or_zero(std::uint64_t& fn, std::uint64_t& sn) {
  while (fn != 0 && !lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
}

std::string hash_count(std::size_t n) { return std::to_string(n) + (n == 1 ? " hash" : " hashes"); }

std::unexpected<Error> root_mismatch(const char* what, const Hash& computed, const Hash& expected) {
  return invalid_input(std::string(what) + ": computed root " + to_hex(computed) + " does not match " +
                       to_hex(expected));
}

// The consistency path of RFC 9162 section 2.1.4.2, step 2: the proof with
// root1 prepended when size1 is a power of two. Indexed, not copied.
class ConsistencyPath {
 public:
  ConsistencyPath(std::uint64_t size1, const Hash& root1, std::span<const Hash> proof)
      : with_root1_(is_power_of_two(size1)), root1_(root1), proof_(proof) {}

  std::size_t size() const { return proof_.size() + (with_root1_ ? 1 : 0); }
  const Hash& operator[](std::size_t i) const {
    if (!with_root1_) return proof_[i];
    return i == 0 ? root1_ : proof_[i - 1];
  }

 private:
  bool with_root1_;
  const Hash& root1_;
  std::span<const Hash> proof_;
};

}  // namespace

Hash empty_tree_root() { return sha256(""); }

// A proof climbs the levels where the leaf and the tree's last leaf are in
// different subtrees (inner), then takes one left sibling per set bit above
// them (border).
std::size_t inclusion_proof_length(std::uint64_t index, std::uint64_t size) {
  if (index >= size) return 0;
  const int inner = std::bit_width(index ^ (size - 1));
  const std::uint64_t above = inner >= 64 ? 0 : index >> inner;  // a 64-bit shift is undefined
  return static_cast<std::size_t>(inner + std::popcount(above));
}

// The inclusion proof of the old tree's last leaf in the new tree, minus the
// levels inside the largest complete subtree the old tree ends with, plus that
// subtree's root unless it is the whole old tree.
std::size_t consistency_proof_length(std::uint64_t size1, std::uint64_t size2) {
  if (size1 == size2) return 0;
  const int inner = std::bit_width((size1 - 1) ^ (size2 - 1));
  const int border = std::popcount((size1 - 1) >> inner);
  const int shift = std::countr_zero(size1);
  return static_cast<std::size_t>((is_power_of_two(size1) ? 0 : 1) + (inner - shift) + border);
}

Result<Hash> root_from_inclusion_proof(const Hash& leaf_hash, std::uint64_t index, std::uint64_t size,
                                       std::span<const Hash> proof) {
  // Step 1.
  if (index >= size) {
    return invalid_input("leaf index " + std::to_string(index) + " is not in a tree of size " +
                         std::to_string(size));
  }
  // The algorithm below rejects a proof of any other length too; checking
  // first only gives the reason a clearer name.
  const std::size_t expected = inclusion_proof_length(index, size);
  if (proof.size() != expected) {
    return invalid_input("inclusion proof has " + hash_count(proof.size()) + ", expected " +
                         std::to_string(expected) + " for index " + std::to_string(index) + " in size " +
                         std::to_string(size));
  }
  // Steps 2-4.
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return invalid_input("inclusion proof is longer than the path to the root");
    if (lsb(fn) || fn == sn) {
      r = node_hash(p, r);
      if (!lsb(fn)) shift_until_lsb_set_or_zero(fn, sn);
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5, first half; the caller compares r with the root it trusts.
  if (sn != 0) return invalid_input("inclusion proof is shorter than the path to the root");
  return r;
}

Status verify_inclusion(const Hash& leaf_hash, std::uint64_t index, std::uint64_t size,
                        std::span<const Hash> proof, const Hash& root) {
  const Result<Hash> computed = root_from_inclusion_proof(leaf_hash, index, size, proof);
  if (!computed) return std::unexpected(computed.error());
  if (*computed != root) return root_mismatch("inclusion proof", *computed, root);
  return {};
}

Result<Hash> root_from_consistency_proof(std::uint64_t size1, std::uint64_t size2, const Hash& root1,
                                         std::span<const Hash> proof) {
  if (size1 > size2) {
    return invalid_input("consistency proof from size " + std::to_string(size1) + " to the smaller size " +
                         std::to_string(size2));
  }
  // RFC 9162 defines the proof for 0 < size1 only: every tree extends the
  // empty one, so such a proof would prove nothing.
  if (size1 == 0) return invalid_input("consistency proof from the empty tree proves nothing");
  const std::size_t expected = consistency_proof_length(size1, size2);
  if (proof.size() != expected) {
    return invalid_input("consistency proof has " + hash_count(proof.size()) + ", expected " +
                         std::to_string(expected) + " from size " + std::to_string(size1) + " to size " +
                         std::to_string(size2));
  }
  // Equal sizes: the proof is empty and the trees are the same tree.
  if (size1 == size2) return root1;

  // Step 1 is implied by the length check (a proof between different sizes
  // is never empty). Step 2.
  const ConsistencyPath path(size1, root1, proof);
  // Steps 3 and 4.
  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while (lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  Hash fr = path[0];
  Hash sr = path[0];
  // Step 6.
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return invalid_input("consistency proof is longer than the path to the root");
    if (lsb(fn) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!lsb(fn)) shift_until_lsb_set_or_zero(fn, sn);
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7, except the comparison with root2, which is the caller's.
  if (fr != root1) return root_mismatch("consistency proof, old tree", fr, root1);
  if (sn != 0) return invalid_input("consistency proof is shorter than the path to the root");
  return sr;
}

Status verify_consistency(std::uint64_t size1, std::uint64_t size2, const Hash& root1, const Hash& root2,
                          std::span<const Hash> proof) {
  const Result<Hash> computed = root_from_consistency_proof(size1, size2, root1, proof);
  if (!computed) return std::unexpected(computed.error());
  if (*computed != root2) return root_mismatch("consistency proof, new tree", *computed, root2);
  return {};
}

}  // namespace vinledger
