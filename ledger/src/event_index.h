// The event index (schema/004_event_index.sql): for each entry, the
// identity of the business event it asserts and, for a void, the entry it
// withdraws. Append writes a row with each entry; the migration fills the
// rows of a log written before the index existed; audit re-derives every
// row from the hashed bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store.h"

namespace vinledger {

// Schema version that creates the index.
inline constexpr int kEventIndexVersion = 4;

// The migration hook for Store::open: after schema 4's SQL, one row per
// entry already in the log. An entry whose bytes cannot be read gets no row
// (audit reports the entry and the missing row).
[[nodiscard]] Status fill_event_index(Store& store, int version);

// Audit of the index beside the entries streaming past: each entry has
// exactly its row, each row its entry, and each void's row names the entry
// whose recomputed hash its statement names.
class EventIndexAuditor {
 public:
  using Report = std::function<void(std::optional<std::int64_t> seq, std::string message)>;
  EventIndexAuditor(Store& store, Report report);

  // Opens the index (nothing to check on a ledger that has none yet).
  [[nodiscard]] Status start();
  // The next entry, in seq order: its recomputed identity (nullopt when its
  // bytes could not be read) and, for a void, the hash it withdraws.
  [[nodiscard]] Status add(std::int64_t seq, const std::optional<Hash>& identity, const std::optional<Hash>& void_target);
  // Rows with no entry, and the voids' targets.
  [[nodiscard]] Status finish();

 private:
  Result<bool> advance();

  struct PendingVoid {
    std::int64_t seq = 0;
    Hash target{};
    std::optional<std::int64_t> withdraws;
  };

  Store& store_;
  Report report_;
  std::optional<EventCursor> cursor_;
  std::optional<StoredEvent> pending_;
  std::vector<PendingVoid> voids_;
};

}  // namespace vinledger
