#include "checkpoint_audit.h"

#include <algorithm>

#include "vinledger/merkle.h"

namespace vinledger {

CheckpointAuditor::CheckpointAuditor(std::vector<ExpectedRoot> expected, Reporter report)
    : expected_(std::move(expected)), report_(std::move(report)) {
  std::stable_sort(expected_.begin(), expected_.end(),
                   [](const ExpectedRoot& a, const ExpectedRoot& b) { return a.size < b.size; });
  // No ledger is empty, but a checkpoint of the empty tree is still a claim.
  for (; next_ < expected_.size() && expected_[next_].size == 0; ++next_) compare(expected_[next_], empty_tree_root());
}

void CheckpointAuditor::observe(const TileBuilder& tree) {
  if (next_ == expected_.size() || expected_[next_].size != tree.size()) return;
  const Hash root = tree.root();
  for (; next_ < expected_.size() && expected_[next_].size == tree.size(); ++next_) compare(expected_[next_], root);
}

void CheckpointAuditor::finish(const TileBuilder& tree) {
  for (; next_ < expected_.size(); ++next_) {
    const ExpectedRoot& expected = expected_[next_];
    report_("TRUNCATED", static_cast<std::int64_t>(tree.size()),
            expected.label + " covers " + std::to_string(expected.size) + " entries but the log now has only " +
                std::to_string(tree.size()) + ": entries from seq " + std::to_string(tree.size()) +
                " on were removed");
  }
}

void CheckpointAuditor::compare(const ExpectedRoot& expected, const Hash& actual) {
  if (expected.root == actual) return;
  const auto last_seq = static_cast<std::int64_t>(expected.size) - 1;
  report_("CHECKPOINT_MISMATCH", last_seq >= 0 ? std::optional<std::int64_t>(last_seq) : std::nullopt,
          expected.label + " says the tree of " + std::to_string(expected.size) + " entries has root " +
              to_hex(expected.root) + ", but the entries give " + to_hex(actual) +
              ": history up to seq " + std::to_string(last_seq) + " was rewritten, or the log forked");
}

}  // namespace vinledger
