// A monitor: follows a tiled log through a local mirror, and for each new
// checkpoint checks that it extends the last one (the mirror refuses
// otherwise) and verifies the vehicles the new entries touched, reporting
// each finding once, as it appears.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "vinledger/finding.h"
#include "vinledger/ledger.h"
#include "vinledger/mirror.h"
#include "vinledger/reference_data.h"
#include "vinledger/tile_source.h"
#include "vinledger/verification.h"

namespace vinledger {

struct MonitorRound {
  MirrorUpdate update;
  // New findings: for a refused update the consistency finding
  // (CHECKPOINT_MISMATCH or TRUNCATED, or what the audit found in the
  // entries served), else those of the touched vehicles not reported before.
  std::vector<Finding> findings;
  bool consistent() const { return update.outcome != MirrorUpdate::Outcome::refused; }
};

class Monitor {
 public:
  // `mirror` is a mirror ledger (Ledger::create_mirror) of the log `source`
  // serves. `options.as_of` is replaced by `now()` at every round.
  Monitor(Ledger& mirror, TileSource& source, VerifierKey log_key, const ReferenceData& reference,
          VerifyOptions options, std::function<UtcTime()> now);

  // One round: mirror what is new, then verify the touched vehicles.
  [[nodiscard]] Result<MonitorRound> poll();

 private:
  Ledger& mirror_;
  TileSource& source_;
  VerifierKey log_key_;
  const ReferenceData& reference_;
  VerifyOptions options_;
  std::function<UtcTime()> now_;
  std::set<std::string> reported_;  // findings already reported, by their JSON
};

// The refusal of a mirror update as a finding about the log: TRUNCATED when
// the log's checkpoint is smaller than what was kept, CHECKPOINT_MISMATCH
// otherwise. Its message carries both checkpoints.
Finding consistency_finding(const MirrorUpdate& refused);

}  // namespace vinledger
