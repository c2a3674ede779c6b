// The VIN index's hashing, proofs and checkpoint line (vin_index.h), and
// IndexBuilder over in-memory tiles (index_tree.h).
#include "vinledger/vin_index.h"

#include <algorithm>
#include <limits>

#include "index_tree.h"
#include "vinledger/encoding.h"

namespace vinledger {
namespace {

std::string_view bytes_of(const Hash& hash) { return {reinterpret_cast<const char*>(hash.data()), hash.size()}; }

void put_u64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift & 0xFF));
}

std::uint64_t get_u64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = value << 8 | static_cast<std::uint8_t>(bytes[i]);
  return value;
}

Hash hash_from(std::string_view bytes) {
  Hash hash;
  std::copy_n(bytes.begin(), hash.size(), hash.begin());
  return hash;
}

IndexValue value_from(std::string_view bytes) {
  return IndexValue{get_u64(bytes), get_u64(bytes.substr(8)), hash_from(bytes.substr(16))};
}

std::unexpected<Error> bad_proof(std::size_t offset, const std::string& why) {
  return invalid_input("index proof byte " + std::to_string(offset) + ": " + why);
}

}  // namespace

Hash index_key(std::string_view chain) {
  std::string message(1, static_cast<char>(kIndexKeyPrefix));
  message += chain;
  return sha256(message);
}

Hash index_empty() { return Hash{}; }

std::string encode_index_value(const IndexValue& value) {
  std::string bytes;
  bytes.reserve(kIndexValueBytes);
  put_u64(bytes, value.count);
  put_u64(bytes, value.last_seq);
  bytes += bytes_of(value.last_hash);
  return bytes;
}

Hash index_leaf_hash(const Hash& key, const IndexValue& value) {
  std::string message(1, static_cast<char>(kIndexLeafPrefix));
  message += bytes_of(key);
  message += encode_index_value(value);
  return sha256(message);
}

Hash index_node_hash(const Hash& left, const Hash& right) {
  std::string message(1, static_cast<char>(kIndexNodePrefix));
  message += bytes_of(left);
  message += bytes_of(right);
  return sha256(message);
}

bool index_key_bit(const Hash& key, std::size_t depth) { return key[depth / 8] >> (7 - depth % 8) & 1; }

std::string encode_index_proof(const IndexProof& proof) {
  const std::size_t depth = std::min<std::size_t>(proof.depth(), 255);  // deeper needs a SHA-256 collision
  std::string bytes;
  bytes.push_back(static_cast<char>(proof.kind));
  bytes.push_back(static_cast<char>(depth));
  std::string bitmap((depth + 7) / 8, '\0');
  std::string siblings;
  for (std::size_t i = 0; i < depth; ++i) {
    if (proof.siblings[i] == index_empty()) continue;
    bitmap[i / 8] = static_cast<char>(static_cast<std::uint8_t>(bitmap[i / 8]) | 0x80 >> (i % 8));
    siblings += bytes_of(proof.siblings[i]);
  }
  bytes += bitmap;
  bytes += siblings;
  if (proof.kind == IndexProof::Kind::kAbsentOther) bytes += bytes_of(proof.other_key);
  if (proof.kind != IndexProof::Kind::kAbsentEmpty) bytes += encode_index_value(proof.value);
  return bytes;
}

Result<IndexProof> decode_index_proof(std::string_view bytes) {
  if (bytes.size() < 2) return bad_proof(bytes.size(), "the proof ends before its kind and depth");
  IndexProof proof;
  const auto kind = static_cast<std::uint8_t>(bytes[0]);
  if (kind > 2) return bad_proof(0, "kind " + std::to_string(kind) + " is not 0 (present), 1 or 2 (absent)");
  proof.kind = static_cast<IndexProof::Kind>(kind);
  const std::size_t depth = static_cast<std::uint8_t>(bytes[1]);
  const std::size_t bitmap_bytes = (depth + 7) / 8;
  std::size_t at = 2;
  if (bytes.size() < at + bitmap_bytes) return bad_proof(bytes.size(), "the proof ends inside its bitmap");
  const std::string_view bitmap = bytes.substr(at, bitmap_bytes);
  at += bitmap_bytes;
  if (depth % 8 != 0 && (static_cast<std::uint8_t>(bitmap.back()) & (0xFF >> (depth % 8))) != 0)
    return bad_proof(at - 1, "bitmap bits past the depth " + std::to_string(depth) + " are set");
  for (std::size_t i = 0; i < depth; ++i) {
    if (!(static_cast<std::uint8_t>(bitmap[i / 8]) & 0x80 >> (i % 8))) {
      proof.siblings.push_back(index_empty());
      continue;
    }
    if (bytes.size() < at + 32) return bad_proof(bytes.size(), "the proof ends inside sibling " + std::to_string(i));
    proof.siblings.push_back(hash_from(bytes.substr(at)));
    if (proof.siblings.back() == index_empty())
      return bad_proof(at, "sibling " + std::to_string(i) + " is the empty value but its bitmap bit is set");
    at += 32;
  }
  const std::size_t terminal = proof.kind == IndexProof::Kind::kPresent    ? kIndexValueBytes
                               : proof.kind == IndexProof::Kind::kAbsentOther ? 32 + kIndexValueBytes
                                                                           : 0;
  if (bytes.size() != at + terminal)
    return bad_proof(std::min(bytes.size(), at + terminal),
                     "the proof is " + std::to_string(bytes.size()) + " bytes; its kind and bitmap make it " +
                         std::to_string(at + terminal));
  if (proof.kind == IndexProof::Kind::kAbsentOther) {
    proof.other_key = hash_from(bytes.substr(at));
    at += 32;
  }
  if (proof.kind != IndexProof::Kind::kAbsentEmpty) proof.value = value_from(bytes.substr(at));
  return proof;
}

Result<Hash> index_root_from_proof(const Hash& key, const IndexProof& proof) {
  const std::size_t depth = proof.depth();
  if (depth > 255) return invalid_input("index proof deeper than 255 levels");
  Hash node;
  switch (proof.kind) {
    case IndexProof::Kind::kPresent:
      node = index_leaf_hash(key, proof.value);
      break;
    case IndexProof::Kind::kAbsentEmpty:
      node = index_empty();
      break;
    case IndexProof::Kind::kAbsentOther:
      if (proof.other_key == key) return invalid_input("index proof of absence names the key itself as the other key");
      for (std::size_t i = 0; i < depth; ++i)
        if (index_key_bit(key, i) != index_key_bit(proof.other_key, i))
          return invalid_input("index proof of absence: the other key leaves the key's path at depth " +
                               std::to_string(i));
      node = index_leaf_hash(proof.other_key, proof.value);
      break;
  }
  for (std::size_t i = depth; i-- > 0;)
    node = index_key_bit(key, i) ? index_node_hash(proof.siblings[i], node) : index_node_hash(node, proof.siblings[i]);
  return node;
}

Status verify_index_proof(const Hash& key, const IndexProof& proof, const Hash& root) {
  auto computed = index_root_from_proof(key, proof);
  if (!computed) return std::unexpected(computed.error());
  if (*computed != root)
    return invalid_input("the index proof leads to the root " + to_hex(*computed) + ", not the checkpoint's index root " +
                         to_hex(root));
  return {};
}

std::string format_index_line(const Hash& root) { return std::string(kIndexLineTag) + " " + base64_encode(root); }

Result<std::optional<Hash>> checkpoint_index_root(const Checkpoint& checkpoint) {
  std::optional<Hash> root;
  for (std::size_t i = 0; i < checkpoint.extensions.size(); ++i) {
    const std::string& line = checkpoint.extensions[i];
    const std::string_view tag = std::string_view(line).substr(0, line.find(' '));
    if (tag != kIndexLineTag) continue;
    const std::string where = "checkpoint line " + std::to_string(4 + i) + " (VIN index root)";
    if (root) return invalid_input(where + ": a second index line");
    if (line.size() <= tag.size() + 1) return invalid_input(where + ": no root after \"" + std::string(tag) + " \"");
    auto bytes = base64_decode(std::string_view(line).substr(tag.size() + 1));
    if (!bytes || bytes->size() != 32)
      return invalid_input(where + ": the root is not 32 bytes in strict standard base64");
    root = Hash{};
    std::copy(bytes->begin(), bytes->end(), root->begin());
  }
  return root;
}

IndexBuilder::IndexBuilder() : state_(std::make_unique<State>()) {}
IndexBuilder::~IndexBuilder() = default;
IndexBuilder::IndexBuilder(IndexBuilder&&) noexcept = default;
IndexBuilder& IndexBuilder::operator=(IndexBuilder&&) noexcept = default;

void IndexBuilder::add(std::string_view chain, std::uint64_t seq, const Hash& entry_hash) {
  add_key(index_key(chain), seq, entry_hash);
}

void IndexBuilder::add_key(const Hash& key, std::uint64_t seq, const Hash& entry_hash) {
  IndexChange& change = state_->pending[key];
  change.key = key;
  ++change.added;
  change.last_seq = seq;
  change.last_hash = entry_hash;
}

Status IndexBuilder::State::flush() {
  if (pending.empty()) return {};
  std::vector<IndexChange> changes;
  changes.reserve(pending.size());
  for (auto& [key, change] : pending) changes.push_back(change);
  pending.clear();
  std::sort(changes.begin(), changes.end(), [](const IndexChange& a, const IndexChange& b) { return a.key < b.key; });
  auto applied = tree.apply(changes, std::numeric_limits<std::uint64_t>::max());
  if (!applied) return std::unexpected(applied.error());
  root = *applied;
  keys = tree.new_keys();
  return {};
}

Hash IndexBuilder::root() {
  // Memory tiles cannot fail to read or write.
  (void)state_->flush();
  return state_->root;
}

std::optional<IndexValue> IndexBuilder::find(const Hash& key) {
  (void)state_->flush();
  auto proof = state_->tree.prove(key, std::numeric_limits<std::uint64_t>::max());
  if (!proof || !proof->present()) return std::nullopt;
  return proof->value;
}

std::size_t IndexBuilder::keys() const {
  return state_->keys;
}

IndexBuilder::State& IndexBuilder::state() { return *state_; }

}  // namespace vinledger
