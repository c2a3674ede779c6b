// The audit's check of the VIN index: rebuild it from the entries as they
// stream past (IndexBuilder) and compare, at every checkpoint size and at the
// end of the log,
//  - the index root each checkpoint commits to with the rebuilt root, naming
//    the chain key where the stored index shows how it went wrong, and
//  - the stored tiles written since the previous such size with the rebuilt
//    tiles that changed since then (so every stored version is checked once).
// Memory grows with the number of chains, as the index does.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint_audit.h"
#include "index_tree.h"
#include "store.h"

namespace vinledger {

class IndexAuditor {
 public:
  // `report(code, seq, chain, message)` receives INDEX_MISMATCH.
  using Reporter = std::function<void(std::optional<std::int64_t> seq, std::optional<std::string> chain,
                                      std::string message)>;
  IndexAuditor(Store& store, const std::vector<ExpectedRoot>& checkpoints, Reporter report);

  // Call once before the first entry: reads where the stored index starts.
  [[nodiscard]] Status start();
  // The next entry (in seq order): its chain, as the hashed entry names it,
  // and its recomputed leaf hash.
  [[nodiscard]] Status add(const std::string& chain, std::uint64_t seq, const Hash& entry_hash);
  // At the end of the log of `size` entries.
  [[nodiscard]] Status finish(std::uint64_t size);

 private:
  Status compare_at(std::uint64_t size);
  Status compare_tiles(std::uint64_t size);
  Result<std::optional<Hash>> first_difference(std::uint64_t size);
  Result<std::string> chain_named(const Hash& key);

  Store& store_;
  std::vector<ExpectedRoot> checkpoints_;  // by size
  std::size_t next_ = 0;
  Reporter report_;
  IndexBuilder builder_;
  std::uint64_t count_ = 0;
  std::optional<std::uint64_t> stored_start_;  // the stored index's first size
  std::uint64_t compared_upto_ = 0;             // stored tiles up to here are checked
  std::optional<std::vector<std::pair<Hash, std::string>>> chains_;  // loaded on a mismatch
};

}  // namespace vinledger
