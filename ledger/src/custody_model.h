// The custody model (docs/rules.md, each type's effect on custody): who holds the
// vehicle and in which country, event by event.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vinledger/verification.h"

namespace vinledger {

// What the ledger says about a vehicle at one point of its chain. The
// string views point into the events' statements.
struct CustodyState {
  std::string_view custodian;  // empty: nobody known (no manufacture yet)
  std::int64_t custodian_seq = -1;  // the event that made them custodian
  std::string_view giver;      // who handed it to the custodian, when a transfer did
  // A hand-over asserted only by its receiver takes custody on paper only
  // once the giver confirms it: until then the receiver is a claimant.
  std::string_view claimant;
  std::int64_t claim_seq = -1;
  std::string_view country;    // where the vehicle is; empty: unknown
  std::int64_t country_seq = -1;
  std::int64_t origin_seq = -1;    // the first manufacture
  std::int64_t terminal_seq = -1;  // the first destroy
  std::int64_t latest_time_seq = -1;  // the event with the latest `time` so far
  UtcTime latest_time;
};

// manufacture: custodian = actor; transfer recorded by the giver (or by a
// third party): custodian = `to`; transfer recorded only by its receiver:
// a claim, custody stays until the giver confirms; import: custodian =
// actor; every event with a place moves the vehicle there (a leg to its
// destination's country); destroy is terminal.
CustodyState apply_custody(CustodyState state, const VehicleEvent& event);

struct CustodyTimeline {
  std::vector<CustodyState> before;  // before[i]: the state event i meets
  CustodyState after;                // after the last event
};

CustodyTimeline build_custody_timeline(std::span<const VehicleEvent> events);

}  // namespace vinledger
