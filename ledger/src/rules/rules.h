// The verification rules. Each reads one vehicle's chain, through the
// custody and voyage models built once for it, and appends its findings.
// verify_vehicle (verification.cpp) runs them all.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custody_model.h"
#include "voyage_model.h"
#include "vinledger/finding.h"
#include "vinledger/reference_data.h"
#include "vinledger/verification.h"

namespace vinledger::rules {

// Everything a rule may read about one vehicle.
struct VehicleContext {
  VehicleContext(std::string_view vin, std::span<const VehicleEvent> events, const PartyHistory& parties,
                 const ReferenceData& reference, const VerifyOptions& options);

  std::string_view vin;
  std::span<const VehicleEvent> events;
  const PartyHistory& parties;
  const ReferenceData& reference;
  const VerifyOptions& options;
  CustodyTimeline custody;
  VoyageTimeline voyages;
};

using Findings = std::vector<Finding>;

// A finding about this vehicle; evidence is sorted and de-duplicated.
Finding make_finding(const VehicleContext& context, const char* code, Severity severity, std::int64_t seq,
                     std::string message, std::vector<std::int64_t> evidence);

// Custody (custody_rules and friends).
void check_origin(const VehicleContext& context, Findings& out);          // NO_ORIGIN, DUPLICATE_ORIGIN
void check_custody_gaps(const VehicleContext& context, Findings& out);    // CUSTODY_GAP
void check_time_reversal(const VehicleContext& context, Findings& out);   // TIME_REVERSAL
void check_after_terminal(const VehicleContext& context, Findings& out);  // AFTER_TERMINAL
void check_roles(const VehicleContext& context, Findings& out);           // ROLE_MISMATCH
void check_vin_check_digit(const VehicleContext& context, Findings& out); // VIN_CHECK_DIGIT
void check_wmi(const VehicleContext& context, Findings& out);             // WMI_MISMATCH

// Destination.
void check_route(const VehicleContext& context, Findings& out);              // ROUTE_DEVIATION, DESTINATION_MISMATCH
void check_undeclared_export(const VehicleContext& context, Findings& out);  // UNDECLARED_EXPORT
void check_consignee_country(const VehicleContext& context, Findings& out);  // CONSIGNEE_COUNTRY_MISMATCH
void check_arrival(const VehicleContext& context, Findings& out);            // NO_ARRIVAL
void check_embargoes(const VehicleContext& context, Findings& out);          // EMBARGOED_DESTINATION
void check_sanctioned_parties(const VehicleContext& context, Findings& out); // SANCTIONED_PARTY

// Records.
void check_duplicate_events(const VehicleContext& context, Findings& out);   // DUPLICATE_EVENT

}  // namespace vinledger::rules
