// The verification rules. Each reads one vehicle's chain, through the
// custody and voyage models built once for it, and appends its findings.
// verify_vehicle (rules/run.cpp) runs every check of the registry
// (rules/registry.h); docs/rules.md#adding-a-rule says how to add one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <optional>

#include "custody_model.h"
#include "rules/codes.h"
#include "voyage_model.h"
#include "vinledger/finding.h"
#include "vinledger/reference_data.h"
#include "vinledger/verification.h"

namespace vinledger::rules {

// What the vehicle's manufacture says about it (the first one).
struct VehicleFacts {
  std::int64_t manufacture_seq = -1;
  std::string_view origin_country;  // where it was made
  std::string_view make, model;
  std::int64_t year = 0;
  std::optional<std::int64_t> engine_cc;
  std::string_view fuel, hs_code;
};

// Everything a rule may read about one vehicle.
struct VehicleContext {
  VehicleContext(std::string_view vin, std::span<const VehicleEvent> events, const PartyHistory& parties,
                 const ReferenceData& reference, const VerifyOptions& options);

  std::string_view vin;
  // The chain in the order rules judge it: recording order, except that a
  // leg (ship, move) recorded after later events is placed by its time (a
  // carrier recording its leg late is ordinary).
  std::span<const VehicleEvent> events;
  std::span<const VehicleEvent> recorded;  // the chain in seq order
  const PartyHistory& parties;
  const ReferenceData& reference;
  const VerifyOptions& options;
  VehicleFacts facts;
  CustodyTimeline custody;
  VoyageTimeline voyages;

 private:
  std::vector<VehicleEvent> reordered_;  // holds `events` when legs moved
};

using Findings = std::vector<Finding>;

// A finding about this vehicle; evidence is sorted and de-duplicated.
Finding make_finding(const VehicleContext& context, const char* code, Severity severity, std::int64_t seq,
                     std::string message, std::vector<std::int64_t> evidence);

// The checks, one per code (rules/registry.cpp lists them with their codes).
void check_no_origin(const VehicleContext& context, Findings& out);
void check_duplicate_origin(const VehicleContext& context, Findings& out);
void check_custody_gaps(const VehicleContext& context, Findings& out);
void check_unconfirmed_transfers(const VehicleContext& context, Findings& out);
void check_time_reversal(const VehicleContext& context, Findings& out);
void check_backdating(const VehicleContext& context, Findings& out);
void check_after_terminal(const VehicleContext& context, Findings& out);
void check_roles(const VehicleContext& context, Findings& out);
void check_vin_check_digit(const VehicleContext& context, Findings& out);
void check_wmi(const VehicleContext& context, Findings& out);
void check_route_deviation(const VehicleContext& context, Findings& out);
void check_destination_mismatch(const VehicleContext& context, Findings& out);
void check_undeclared_export(const VehicleContext& context, Findings& out);
void check_consignee_country(const VehicleContext& context, Findings& out);
void check_unregistered_consignee(const VehicleContext& context, Findings& out);
void check_arrival(const VehicleContext& context, Findings& out);
void check_arrival_without_leg(const VehicleContext& context, Findings& out);
void check_unknown_locodes(const VehicleContext& context, Findings& out);
void check_legs_to_no_port(const VehicleContext& context, Findings& out);
void check_port_country(const VehicleContext& context, Findings& out);
void check_quick_reexport(const VehicleContext& context, Findings& out);
void check_gone_dark(const VehicleContext& context, Findings& out);
void check_paper_destruction(const VehicleContext& context, Findings& out);
void check_embargoes(const VehicleContext& context, Findings& out);
void check_diversions(const VehicleContext& context, Findings& out);
void check_undervaluation(const VehicleContext& context, Findings& out);
void check_designated_vessels(const VehicleContext& context, Findings& out);
void check_sanctioned_parties(const VehicleContext& context, Findings& out);
void check_embargoed_missions(const VehicleContext& context, Findings& out);

// Records.
void check_duplicate_events(const VehicleContext& context, Findings& out);   // DUPLICATE_EVENT

}  // namespace vinledger::rules
