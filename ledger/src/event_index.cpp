#include "event_index.h"

#include "vinledger/entry.h"
#include "vinledger/event_identity.h"

namespace vinledger {

Status fill_event_index(Store& store, int version) {
  if (version != kEventIndexVersion) return {};
  auto cursor = store.scan_all();
  if (!cursor) return std::unexpected(cursor.error());
  StoredEntry row;
  for (;;) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
    auto entry = parse_entry_leaf(row.leaf);
    if (!entry) continue;
    auto identity = event_identity(entry->statement);
    if (!identity) continue;
    // A log this old cannot hold a void (the type did not exist).
    if (auto ok = store.insert_event(StoredEvent{row.seq, identity->digest, std::nullopt}); !ok) return ok;
  }
}

EventIndexAuditor::EventIndexAuditor(Store& store, Report report) : store_(store), report_(std::move(report)) {}

Status EventIndexAuditor::start() {
  auto exists = store_.has_event_index();
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) return {};
  auto cursor = store_.scan_events();
  if (!cursor) return std::unexpected(cursor.error());
  cursor_.emplace(std::move(*cursor));
  auto first = advance();
  if (!first) return std::unexpected(first.error());
  return {};
}

Result<bool> EventIndexAuditor::advance() {
  StoredEvent row;
  auto more = cursor_->next(row);
  if (!more) return std::unexpected(more.error());
  if (*more) pending_ = row;
  else pending_.reset();
  return *more;
}

Status EventIndexAuditor::add(std::int64_t seq, const std::optional<Hash>& identity,
                              const std::optional<Hash>& void_target) {
  if (!cursor_) return {};
  while (pending_ && pending_->seq < seq) {
    report_(pending_->seq, "event index: a row for seq " + std::to_string(pending_->seq) + " has no entry");
    if (auto moved = advance(); !moved) return std::unexpected(moved.error());
  }
  if (!pending_ || pending_->seq != seq) {
    // An entry whose bytes cannot be read has no row by design (it is
    // reported as that entry's own finding).
    if (identity) report_(seq, "event index: entry " + std::to_string(seq) + " has no row");
    return {};
  }
  const StoredEvent row = *pending_;
  if (auto moved = advance(); !moved) return std::unexpected(moved.error());
  if (!identity) return {};
  if (row.identity != *identity)
    report_(seq, "event index: column identity disagrees with the hashed entry");
  if (void_target) voids_.push_back(PendingVoid{seq, *void_target, row.withdraws});
  else if (row.withdraws)
    report_(seq, "event index: column withdraws is set, but the entry is not a void");
  return {};
}

Status EventIndexAuditor::finish() {
  if (!cursor_) return {};
  while (pending_) {
    report_(pending_->seq, "event index: a row for seq " + std::to_string(pending_->seq) + " has no entry");
    if (auto moved = advance(); !moved) return std::unexpected(moved.error());
  }
  for (const auto& item : voids_) {
    bool sound = false;
    if (item.withdraws && *item.withdraws < item.seq) {
      auto target = store_.entry_at(*item.withdraws);
      if (!target) return std::unexpected(target.error());
      sound = *target && leaf_hash((*target)->leaf) == item.target;
    }
    if (!sound)
      report_(item.seq, "event index: column withdraws does not name the entry whose hash the void names (" +
                            to_hex(item.target) + ")");
  }
  return {};
}

}  // namespace vinledger
