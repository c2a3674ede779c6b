// Verification of RFC 6962 / RFC 9162 Merkle proofs, for anyone holding a
// proof and a tree head: no storage, no trust in whoever produced the proof.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger {

// MTH({}) = SHA-256 of the empty string (RFC 9162 section 2.1.1).
Hash empty_tree_root();

// Number of hashes in the inclusion proof of leaf `index` in a tree of
// `size` leaves (index < size).
std::size_t inclusion_proof_length(std::uint64_t index, std::uint64_t size);

// Number of hashes in the consistency proof from `size1` to `size2`
// (0 < size1 <= size2).
std::size_t consistency_proof_length(std::uint64_t size1, std::uint64_t size2);

// The root that `proof` leads to from `leaf_hash` at `index` in a tree of
// `size` leaves (RFC 9162 section 2.1.3.2, steps 1-4 and the size check of
// step 5). invalid_input if the proof cannot belong to that position.
Result<Hash> root_from_inclusion_proof(const Hash& leaf_hash, std::uint64_t index, std::uint64_t size,
                                       std::span<const Hash> proof);

// Succeeds iff `proof` proves that `leaf_hash` is leaf `index` of the tree of
// `size` leaves whose root is `root`; invalid_input says why not.
Status verify_inclusion(const Hash& leaf_hash, std::uint64_t index, std::uint64_t size,
                        std::span<const Hash> proof, const Hash& root);

// The root of the tree of `size2` leaves that `proof` leads to from the tree
// of `size1` leaves whose root is `root1` (RFC 9162 section 2.1.4.2), after
// checking that the proof reproduces `root1`. Requires 0 < size1 <= size2:
// a proof from the empty tree proves nothing, so none is accepted.
Result<Hash> root_from_consistency_proof(std::uint64_t size1, std::uint64_t size2, const Hash& root1,
                                         std::span<const Hash> proof);

// Succeeds iff `proof` proves that the tree of `size2` leaves with root
// `root2` extends the tree of `size1` leaves with root `root1`.
Status verify_consistency(std::uint64_t size1, std::uint64_t size2, const Hash& root1, const Hash& root2,
                          std::span<const Hash> proof);

}  // namespace vinledger
