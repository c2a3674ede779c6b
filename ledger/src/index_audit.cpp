#include "index_audit.h"

#include <algorithm>
#include <limits>
#include <map>

namespace vinledger {

IndexAuditor::IndexAuditor(Store& store, const std::vector<ExpectedRoot>& checkpoints, Reporter report)
    : store_(store), checkpoints_(checkpoints), report_(std::move(report)) {
  std::stable_sort(checkpoints_.begin(), checkpoints_.end(),
                   [](const ExpectedRoot& a, const ExpectedRoot& b) { return a.size < b.size; });
}

Status IndexAuditor::start() {
  auto start = store_.index_start();
  if (!start) return std::unexpected(start.error());
  stored_start_ = *start;
  // Checkpoints of the empty log: the empty index.
  while (next_ < checkpoints_.size() && checkpoints_[next_].size == 0) {
    if (auto ok = compare_at(0); !ok) return ok;
  }
  return {};
}

Status IndexAuditor::add(const std::string& chain, std::uint64_t seq, const Hash& entry_hash) {
  builder_.add(chain, seq, entry_hash);
  ++count_;
  if (next_ < checkpoints_.size() && checkpoints_[next_].size == count_) return compare_at(count_);
  return {};
}

Status IndexAuditor::finish(std::uint64_t size) {
  if (auto ok = compare_at(size); !ok) return ok;
  const bool committed = std::any_of(checkpoints_.begin(), checkpoints_.end(),
                                     [](const ExpectedRoot& checkpoint) { return checkpoint.index_root.has_value(); });
  if (!stored_start_ && size > 0 && committed)
    report_(std::nullopt, std::nullopt,
            "VIN index: no tile is stored, but checkpoints commit to an index: its tiles were removed");
  // Tiles of sizes the log does not reach: written for entries now gone.
  auto beyond = store_.index_tiles_between(size, std::numeric_limits<std::int64_t>::max());
  if (!beyond) return std::unexpected(beyond.error());
  for (const auto& tile : *beyond)
    report_(std::nullopt, std::nullopt,
            "VIN index: " + index_tile_name(tile.level, tile.prefix) + " is stored as of size " +
                std::to_string(tile.version) + ", past the log's " + std::to_string(size) +
                " entries: entries were removed, or the tile was edited");
  return {};
}

// Compares every checkpoint of exactly this size, then the stored tiles.
Status IndexAuditor::compare_at(std::uint64_t size) {
  const Hash root = builder_.root();
  for (; next_ < checkpoints_.size() && checkpoints_[next_].size == size; ++next_) {
    const ExpectedRoot& checkpoint = checkpoints_[next_];
    if (!checkpoint.index_root || *checkpoint.index_root == root) continue;
    std::optional<std::string> chain;
    std::string where = "the stored index agrees with the entries, so the checkpoint's root was not computed from them";
    auto key = first_difference(size);
    if (!key) return std::unexpected(key.error());
    if (*key) {
      auto named = chain_named(**key);
      if (!named) return std::unexpected(named.error());
      chain = *named;
      where = "the stored index differs first at the key of " + (named->empty() ? to_hex(**key) : *named);
    }
    report_(size > 0 ? std::optional<std::int64_t>(static_cast<std::int64_t>(size) - 1) : std::nullopt, chain,
            checkpoint.label + " commits to the VIN index root " + to_hex(*checkpoint.index_root) + " at size " +
                std::to_string(size) + ", but the entries give " + to_hex(root) + "; " + where);
  }
  // Stored tiles are compared from where the stored index began; a ledger
  // from before the index has none until its next write.
  if (stored_start_ && size >= *stored_start_) return compare_tiles(size);
  return {};
}

Status IndexAuditor::compare_tiles(std::uint64_t size) {
  auto stored = store_.index_tiles_between(compared_upto_, size);
  if (!stored) return std::unexpected(stored.error());
  compared_upto_ = size;
  auto changed = builder_.state().tiles.take_changed();
  const std::string as_of = " (as of size " + std::to_string(size) + ")";
  std::map<MemoryIndexTiles::TileId, int> seen;
  for (const auto& tile : *stored) {
    const MemoryIndexTiles::TileId id{tile.level, tile.prefix};
    const std::string name = "VIN index: " + index_tile_name(tile.level, tile.prefix) + " stored as of size " +
                             std::to_string(tile.version);
    if (++seen[id] == 2) {
      report_(std::nullopt, std::nullopt, name + " is a second version between the same two checkpoints");
      continue;
    }
    const auto* rebuilt = builder_.state().tiles.find(id);
    if (!rebuilt)
      report_(std::nullopt, std::nullopt, name + " is not a tile of the index rebuilt from the entries" + as_of);
    else if (rebuilt->content != tile.content)
      report_(std::nullopt, std::nullopt, name + " differs from the tile rebuilt from the entries" + as_of);
    else if (rebuilt->version != tile.version || !changed.count(id))
      report_(std::nullopt, std::nullopt,
              name + ", but the entries last change it at size " + std::to_string(rebuilt->version) + as_of);
  }
  for (const auto& id : changed)
    if (!seen.count(id))
      report_(std::nullopt, std::nullopt,
              "VIN index: " + index_tile_name(id.first, id.second) + " is missing or stale: the entries up to size " +
                  std::to_string(size) + " change it, but no version of it is stored for them");
  return {};
}

// Walks the stored index at `size` and the rebuilt one down to the first
// leaf where they disagree; nullopt if they agree or the stored one cannot
// be read that far.
Result<std::optional<Hash>> IndexAuditor::first_difference(std::uint64_t size) {
  int level = 0;
  std::string prefix;
  for (;;) {
    auto stored = store_.read_index_tile(level, prefix, size);
    if (!stored) return std::unexpected(stored.error());
    const auto* rebuilt = builder_.state().tiles.find({level, prefix});
    if (!*stored || !rebuilt) return std::optional<Hash>{};
    auto ours = decode_index_tile(rebuilt->content);
    auto theirs = decode_index_tile((*stored)->content);
    if (!ours || !theirs) return std::optional<Hash>{};
    bool descended = false;
    for (int s = 0; s < kIndexTileSlots && !descended; ++s) {
      const IndexSlot& a = (*ours)[s];
      const IndexSlot& b = (*theirs)[s];
      if (a == b) continue;
      if (a.kind == IndexSlot::Kind::kChild && b.kind == IndexSlot::Kind::kChild) {
        prefix.push_back(static_cast<char>(s));  // the child's prefix
        ++level;
        descended = true;
        continue;
      }
      return std::optional<Hash>{a.kind == IndexSlot::Kind::kLeaf ? a.key : b.key};
    }
    if (!descended) return std::optional<Hash>{};
  }
}

Result<std::string> IndexAuditor::chain_named(const Hash& key) {
  if (!chains_) {
    auto chains = store_.chains();
    if (!chains) return std::unexpected(chains.error());
    chains_.emplace();
    for (auto& chain : *chains) chains_->emplace_back(index_key(chain), std::move(chain));
  }
  for (const auto& [hash, chain] : *chains_)
    if (hash == key) return chain;
  return std::string();
}

}  // namespace vinledger
