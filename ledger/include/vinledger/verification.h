// Verification of one vehicle's custody chain: custody findings (who held
// it, where, in which order) and destination findings (what the export
// declared against where the vehicle went), brief section 4.
//
// Independent of the database: the ledger feeds it entries it read, and an
// offline evidence-bundle verifier can feed it entries it proved itself.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
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

// One registration (or key rotation) of a party, and the entry that made it.
struct PartyVersion {
  PartyRecord record;
  std::int64_t seq = 0;
};

// Every registration of every party, by seq: the party in force for an
// event is the latest registration recorded before it (a rotation can
// change the name, country and roles too).
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

inline constexpr int kDefaultArrivalWindowDays = 90;
// Ten years: a longer window would hide every missing arrival.
inline constexpr int kMaxArrivalWindowDays = 3650;

struct VerifyOptions {
  UtcTime as_of;                                        // "now" for NO_ARRIVAL
  int arrival_window_days = kDefaultArrivalWindowDays;  // an export must arrive within this many days
};

// The options a user gives as text (command-line options, query
// parameters); absent ones take their defaults.
struct VerifyOptionsText {
  std::optional<std::string> as_of;           // RFC 3339 UTC time, or YYYY-MM-DD; default `now`
  std::optional<std::string> arrival_window;  // whole days, 0 to kMaxArrivalWindowDays
};

// Checks and fills verification options (verify_options.cpp), so that every
// front judges as of the same default and within the same bounds.
// invalid_input naming the option ("as of", "arrival window") otherwise.
[[nodiscard]] Result<VerifyOptions> verify_options_from(const VerifyOptionsText& given, std::int64_t now);

// The reference data verification uses: the shipped data directory
// (ReferenceData::load_installed), with `rules_file` in place of the shipped
// rules when given. Missing shipped data is an internal error (it belongs to
// the installation, not to the user's input); a bad rules file is the
// user's (invalid_input naming it).
[[nodiscard]] Result<ReferenceData> load_verification_data(const std::optional<std::filesystem::path>& rules_file);

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
