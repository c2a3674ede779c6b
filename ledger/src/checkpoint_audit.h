// The audit's check of checkpoints: the roots the log committed to (the
// checkpoints it issued) or that someone kept (an auditor's copies) must be
// the roots of the tree rebuilt from the entries at those sizes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "merkle_tree.h"
#include "vinledger/hash.h"

namespace vinledger {

// A root some checkpoint says the log had at `size`.
struct ExpectedRoot {
  std::string label;  // names the checkpoint in messages
  std::uint64_t size = 0;
  Hash root{};
  std::optional<Hash> index_root;  // the VIN index root it commits to, if any
};

class CheckpointAuditor {
 public:
  // `report(code, seq, message)` receives CHECKPOINT_MISMATCH and TRUNCATED.
  using Reporter = std::function<void(const char* code, std::optional<std::int64_t> seq, std::string message)>;
  CheckpointAuditor(std::vector<ExpectedRoot> expected, Reporter report);

  // After each leaf: compares the checkpoints of exactly this size. Cheap
  // when none is due, which is nearly always.
  void observe(const TileBuilder& tree);
  // At the end of the log: every checkpoint not yet reached is beyond it.
  void finish(const TileBuilder& tree);

 private:
  void compare(const ExpectedRoot& expected, const Hash& actual);

  std::vector<ExpectedRoot> expected_;  // by size
  std::size_t next_ = 0;
  Reporter report_;
};

}  // namespace vinledger
