// The VIN index: a verifiable map from each chain key (every VIN, and every
// "party/<id>" chain) to that chain's head at a tree size — how many entries
// the chain has, and the seq and hash of its last one. Its root is committed
// in every checkpoint the operator signs (an extension line), so a lookup
// proof shows a chain's head, and an absence proof shows that a VIN has no
// entry, at that checkpoint. docs/format.md ("The VIN index") specifies every
// byte; docs/architecture.md says why this structure.
//
// The structure is a binary Merkle prefix trie over the 256 bits of each
// key's hash: a subtree holding no key is the empty value, a subtree holding
// exactly one key is that key's leaf (placed as high as it can go), and any
// other subtree is the node hash of its two halves. Its root depends only on
// the set of (key, head) pairs, never on the order they were added.
//
// Everything here is pure: hashing, proofs and their verification, the
// checkpoint line, and IndexBuilder, which recomputes the root from a stream
// of entries (what `audit` and a mirror do to check an operator's root).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/checkpoint.h"
#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger {

// Domain-separation bytes: disjoint from RFC 6962's 0x00 (leaf) and 0x01
// (node), so no index hash can be read as a tree hash or the other way.
inline constexpr std::uint8_t kIndexKeyPrefix = 0x10;
inline constexpr std::uint8_t kIndexLeafPrefix = 0x11;
inline constexpr std::uint8_t kIndexNodePrefix = 0x12;

// The first token of the checkpoint extension line carrying the index root.
inline constexpr std::string_view kIndexLineTag = "vinledger-index/v1";

// A chain's head: what the index maps its key to.
struct IndexValue {
  std::uint64_t count = 0;     // entries in the chain, at least 1
  std::uint64_t last_seq = 0;  // seq of its last entry
  Hash last_hash{};            // RFC 6962 leaf hash of that entry

  friend bool operator==(const IndexValue&, const IndexValue&) = default;
};
inline constexpr std::size_t kIndexValueBytes = 48;

// SHA-256(0x10 || chain key bytes): where the key sits in the trie.
Hash index_key(std::string_view chain);
// The all-zero hash: the value of an empty subtree, and the root of an empty index.
Hash index_empty();
// SHA-256(0x11 || key hash || count (8 bytes, big-endian) || last seq (8 bytes, big-endian) || last hash).
Hash index_leaf_hash(const Hash& key, const IndexValue& value);
// SHA-256(0x12 || left || right).
Hash index_node_hash(const Hash& left, const Hash& right);
// Bit `depth` (0 = the most significant bit of the first byte) of a key hash.
bool index_key_bit(const Hash& key, std::size_t depth);

// The 48 bytes of a value, as hashed and as carried in proofs.
std::string encode_index_value(const IndexValue& value);

// A lookup or absence proof for one key: the path from the root down to
// where the key's subtree holds no other key.
struct IndexProof {
  enum class Kind : std::uint8_t {
    kPresent = 0,      // the key's own leaf, with its value
    kAbsentEmpty = 1,  // the key's subtree at that depth is empty
    kAbsentOther = 2,  // the subtree holds one other key: its leaf
  };
  Kind kind = Kind::kAbsentEmpty;
  // siblings[i] is the sibling of the path's node at depth i + 1 (from the
  // root down); index_empty() where that subtree is empty.
  std::vector<Hash> siblings;
  IndexValue value;  // kPresent: the key's head; kAbsentOther: the other key's
  Hash other_key{};  // kAbsentOther only

  bool present() const { return kind == Kind::kPresent; }
  std::size_t depth() const { return siblings.size(); }
  friend bool operator==(const IndexProof&, const IndexProof&) = default;
};

// The compressed bytes (docs/format.md): kind, depth, a bitmap of the
// non-empty siblings, those siblings, then the terminal.
std::string encode_index_proof(const IndexProof& proof);
// Strict: refuses trailing bytes, set padding bits, an empty sibling sent
// as a hash, a depth over 255. Errors say which byte.
Result<IndexProof> decode_index_proof(std::string_view bytes);

// The root `proof` leads to for `key`; invalid_input if it cannot be a proof
// for that key (kAbsentOther naming the key itself, or a key off its path).
Result<Hash> index_root_from_proof(const Hash& key, const IndexProof& proof);
// Succeeds iff `proof` shows, under `root`, the head of `key` (kPresent) or
// that the index holds no `key` (the other kinds).
Status verify_index_proof(const Hash& key, const IndexProof& proof, const Hash& root);

// The checkpoint extension line: "vinledger-index/v1 <base64 root>".
std::string format_index_line(const Hash& root);
// The index root a checkpoint commits to: nullopt if it has no index line
// (a checkpoint from before the index, or from another log); invalid_input
// if it has two, or one that is malformed.
Result<std::optional<Hash>> checkpoint_index_root(const Checkpoint& checkpoint);

// Recomputes the index from entries, for anyone holding them (audit, a
// mirror): feed every entry in seq order, read the root at any point.
// Memory grows with the number of chains (about 100 bytes each); the root
// after n new chains costs O(n) hashes, after updates of known chains only
// O(changed chains * log(chains)).
class IndexBuilder {
 public:
  IndexBuilder();
  ~IndexBuilder();
  IndexBuilder(IndexBuilder&&) noexcept;
  IndexBuilder& operator=(IndexBuilder&&) noexcept;

  // The entry `seq` of chain `chain` (its VIN, or "party/<id>"), whose leaf
  // hash is `entry_hash`. Entries must come in seq order.
  void add(std::string_view chain, std::uint64_t seq, const Hash& entry_hash);
  // The same, with the key already hashed (index_key(chain)).
  void add_key(const Hash& key, std::uint64_t seq, const Hash& entry_hash);

  // The root of the index of everything added so far.
  Hash root();
  // A key's head so far, if it has one.
  std::optional<IndexValue> find(const Hash& key);
  // Chains in the index as of the last root() or find().
  std::size_t keys() const;

  // For the audit's comparison with stored tiles (ledger/src/index_tree.h).
  struct State;
  State& state();

 private:
  std::unique_ptr<State> state_;
};

}  // namespace vinledger
