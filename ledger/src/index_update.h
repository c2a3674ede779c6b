// Keeping the stored VIN index current: the appender and the checkpoint
// feed it inside their write transaction, so the index always covers
// exactly the committed entries (index_tree.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "index_tree.h"
#include "store.h"

namespace vinledger {

class IndexUpdater {
 public:
  explicit IndexUpdater(Store& store) : store_(store), tree_(store) {}

  // Call inside the write transaction, with the log's size: queues the
  // entries the stored index lacks (a ledger from before the index). A
  // stored index past the log is damage: a storage error naming both.
  [[nodiscard]] Status start(std::uint64_t log_size);
  // The next entry of the log.
  void add(std::string_view chain, std::uint64_t seq, const Hash& entry_hash);
  // Writes the tiles the queued entries change, as the index at `log_size`;
  // call before commit. Returns the index root at that size.
  [[nodiscard]] Result<Hash> finish(std::uint64_t log_size);

  // The queued changes, to put back after a savepoint is rolled back.
  using Pending = std::unordered_map<std::string, IndexChange>;
  Pending pending() const { return pending_; }
  void restore(Pending pending) { pending_ = std::move(pending); }

 private:
  Store& store_;
  IndexTree tree_;
  Pending pending_;  // by chain
};

}  // namespace vinledger
