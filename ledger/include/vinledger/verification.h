// Verification of one vehicle's custody chain: custody findings (who held
// it, where, in which order) and destination findings (what the export
// declared against where the vehicle went), docs/rules.md.
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
  Hash hash{};           // the entry's hash, which a void names
};

// An entry a `void` withdrew (docs/format.md "Corrections"): it stays in the
// log and in `history`, and verification leaves it out of every rule.
struct Withdrawal {
  std::int64_t seq = 0;  // the entry withdrawn
  std::int64_t by = 0;   // the void
  std::string reason;
  // A correction's replacement: the entry right after the void (seq by+1),
  // by the void's actor, about the same VIN. Verification reads it in the
  // withdrawn entry's place, where the event it corrects happened.
  std::optional<std::int64_t> replaced_by;
};

// The entries of one vehicle's chain (in seq order) that its voids withdraw:
// a void withdraws an earlier entry of the chain that is not a void, not
// withdrawn already, and was signed by the void's actor or the void's actor
// is `operator_id`; any other void withdraws nothing.
std::vector<Withdrawal> withdrawals(std::span<const VehicleEvent> events, std::string_view operator_id);

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
  // Every registration of `id`, in seq order (every name it ever had).
  std::span<const PartyVersion> versions(std::string_view id) const;
  std::size_t size() const { return parties_.size(); }
  // The party registered at seq 0 (it may withdraw any entry); empty if none.
  const std::string& operator_id() const { return operator_id_; }

 private:
  std::map<std::string, std::vector<PartyVersion>, std::less<>> parties_;
  std::string operator_id_;
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
// order), sorted by seq, then worst first, then code. Withdrawn entries and
// the voids that withdrew them are left out of every rule.
std::vector<Finding> verify_vehicle(std::string_view vin, std::span<const VehicleEvent> events,
                                    const PartyHistory& parties, const ReferenceData& reference,
                                    const VerifyOptions& options);

// One vehicle's verification: its findings and how many entries it has.
struct VehicleReport {
  std::string vin;
  std::int64_t entries = 0;
  std::vector<Finding> findings;
  std::vector<Withdrawal> withdrawn;  // entries left out of the analysis
};

// The report for a VIN the ledger has no entry for: one NO_RECORD finding
// (medium; docs/rules.md).
VehicleReport no_record_report(std::string_view vin);

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
