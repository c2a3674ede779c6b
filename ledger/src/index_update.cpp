#include "index_update.h"

#include <algorithm>
#include <vector>

namespace vinledger {

Status IndexUpdater::start(std::uint64_t log_size) {
  auto indexed = store_.index_size();
  if (!indexed) return std::unexpected(indexed.error());
  if (*indexed > log_size)
    return storage_error("the VIN index covers " + std::to_string(*indexed) + " entries but the log only " +
                         std::to_string(log_size) + "; run `vinledger audit`");
  if (*indexed == log_size) return {};
  auto cursor = store_.scan_from(static_cast<std::int64_t>(*indexed));
  if (!cursor) return std::unexpected(cursor.error());
  StoredEntry row;
  for (std::uint64_t expected = *indexed; expected < log_size; ++expected) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more || row.seq != static_cast<std::int64_t>(expected))
      return storage_error("entry " + std::to_string(expected) + " is missing; run `vinledger audit`");
    add(row.chain, expected, row.hash);
  }
  return {};
}

void IndexUpdater::add(std::string_view chain, std::uint64_t seq, const Hash& entry_hash) {
  auto [it, fresh] = pending_.try_emplace(std::string(chain));
  ++it->second.added;
  it->second.last_seq = seq;
  it->second.last_hash = entry_hash;
}

Result<Hash> IndexUpdater::finish(std::uint64_t log_size) {
  std::vector<IndexChange> changes;
  changes.reserve(pending_.size());
  for (auto& [chain, change] : pending_) {
    change.key = index_key(chain);
    changes.push_back(change);
  }
  pending_.clear();
  std::sort(changes.begin(), changes.end(), [](const IndexChange& a, const IndexChange& b) { return a.key < b.key; });
  auto latest = store_.latest_checkpoint();
  if (!latest) return std::unexpected(latest.error());
  const std::uint64_t pinned = *latest ? static_cast<std::uint64_t>((*latest)->size) : 0;
  if (changes.empty()) return tree_.root_at(log_size);
  return tree_.apply(changes, pinned);
}

}  // namespace vinledger
