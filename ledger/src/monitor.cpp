#include "vinledger/monitor.h"

#include "vinledger/checkpoint.h"

namespace vinledger {

Finding consistency_finding(const MirrorUpdate& refused) {
  Finding finding;
  finding.severity = Severity::kCritical;
  auto offered = parse_unverified_checkpoint(refused.offered_checkpoint);
  auto kept = parse_unverified_checkpoint(refused.kept_checkpoint);
  const bool truncated = offered && offered->checkpoint.size < refused.old_size;
  finding.code = truncated ? "TRUNCATED" : "CHECKPOINT_MISMATCH";
  if (!refused.findings.empty()) finding.seq = refused.findings.front().seq;
  else if (truncated) finding.seq = static_cast<std::int64_t>(offered->checkpoint.size);
  if (finding.seq) finding.evidence.push_back(*finding.seq);
  finding.message = refused.reason;
  if (kept) finding.message += "; kept checkpoint: size " + std::to_string(kept->checkpoint.size) + " root " + to_hex(kept->checkpoint.root);
  if (offered) finding.message += "; offered checkpoint: size " + std::to_string(offered->checkpoint.size) + " root " + to_hex(offered->checkpoint.root);
  return finding;
}

Monitor::Monitor(Ledger& mirror, TileSource& source, VerifierKey log_key, const ReferenceData& reference,
                 VerifyOptions options, std::function<UtcTime()> now)
    : mirror_(mirror),
      source_(source),
      log_key_(std::move(log_key)),
      reference_(reference),
      options_(options),
      now_(std::move(now)) {}

Result<MonitorRound> Monitor::poll() {
  auto update = mirror_.mirror_from(source_, log_key_);
  if (!update) return std::unexpected(update.error());
  MonitorRound round{std::move(*update), {}};
  if (!round.consistent()) {
    round.findings.push_back(consistency_finding(round.update));
    return round;
  }
  options_.as_of = now_();
  for (const std::string& vin : round.update.touched_vins) {
    auto report = mirror_.verify(vin, reference_, options_);
    if (!report) return std::unexpected(report.error());
    for (auto& finding : report->findings)
      if (reported_.insert(to_json(finding).dump()).second) round.findings.push_back(std::move(finding));
  }
  return round;
}

}  // namespace vinledger
