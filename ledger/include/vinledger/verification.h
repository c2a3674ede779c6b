// Verification of one vehicle's custody chain: custody findings (who held
// it, where, in which order) and destination findings (what the export
// declared against where the vehicle went), brief section 4.
//
// Independent of the database: the ledger feeds it entries it read, and an
// offline evidence-bundle verifier can feed it entries it proved itself.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/finding.h"
#include "vinledger/reference_data.h"
#include "vinledger/result.h"
#include "vinledger/statement.h"
#include "vinledger/timestamp.h"

namespace vinledger {

// One entry of a vehicle's chain.
struct VehicleEvent {
  std::int64_t seq = 0;
  std::string recorded;  // the entry's log time
  Statement statement;
};

// Reads a vehicle event out of an entry's statement object (as stored or as
// proved), checking it against the statement contract.
Result<VehicleEvent> vehicle_event_from(std::int64_t seq, std::string recorded, nlohmann::json statement);

// Every registration of every party, by seq (PartyVersion is statement.h's):
// the party in force for an event is the latest registration recorded
// before it (a rotation can change the name, country and roles too).
// PartyRegistry (the ledger's, internal) keeps only the latest of each, for
// appending; this keeps all of them, for judging any entry.
class PartyHistory {
 public:
  // Registrations must be added in seq order.
  void add(PartyRecord record, std::int64_t seq);
  // The registration of `id` in force at entry `seq`, or null if none yet.
  const PartyVersion* as_of(std::string_view id, std::int64_t seq) const;
  std::size_t size() const { return parties_.size(); }

 private:
  std::map<std::string, std::vector<PartyVersion>, std::less<>> parties_;
};

struct VerifyOptions {
  UtcTime as_of;                 // "now" for NO_ARRIVAL; the CLI defaults it to the current time
  int arrival_window_days = 90;  // an export must arrive within this many days
};

// Every custody and destination finding for one VIN's events (in seq
// order), sorted by seq, then worst first, then code.
std::vector<Finding> verify_vehicle(std::string_view vin, std::span<const VehicleEvent> events,
                                    const PartyHistory& parties, const ReferenceData& reference,
                                    const VerifyOptions& options);

// One vehicle's verification: its findings and how many entries it has.
struct VehicleReport {
  std::string vin;
  std::int64_t entries = 0;
  std::vector<Finding> findings;
};

// What `screen` counts over every vehicle. Bounded: it keeps the findings
// of the worst few vehicles only, so memory does not grow with the ledger.
struct ScreenSummary {
  static constexpr std::size_t kWorstKept = 10;

  std::int64_t vehicles = 0;
  std::int64_t entries = 0;
  std::array<std::int64_t, 5> findings_by_severity{};  // indexed by Severity
  std::array<std::int64_t, 5> vehicles_by_worst{};     // a vehicle with nothing counts as info
  std::map<std::string, std::array<std::int64_t, 5>> findings_by_code;
  std::vector<VehicleReport> worst;  // worst first: severity, then number of findings

  void add(const VehicleReport& report);
  nlohmann::json to_json() const;
};

// What a customs officer should do with a vehicle, from its findings.
struct Verdict {
  Severity worst = Severity::kInfo;
  bool clean = true;  // nothing above info
  std::string words;  // one sentence, e.g. "HOLD: ..."
};

Verdict verdict_for(std::span<const Finding> findings);

}  // namespace vinledger
