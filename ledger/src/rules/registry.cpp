#include "rules/registry.h"

#include <array>

namespace vinledger::rules {
namespace {

// One row per code. The order is the order checks run in; findings are
// sorted afterwards, so it changes nothing but speed.
constexpr std::array<RuleSpec, 30> kRegistry = {{
    {code::kNoOrigin, Severity::kMedium, check_no_origin},
    {code::kDuplicateOrigin, Severity::kHigh, check_duplicate_origin},
    {code::kCustodyGap, Severity::kHigh, check_custody_gaps},
    {code::kUnconfirmedTransfer, Severity::kMedium, check_unconfirmed_transfers},
    {code::kTimeReversal, Severity::kMedium, check_time_reversal},
    {code::kBackdated, Severity::kHigh, check_backdating},
    {code::kAfterTerminal, Severity::kHigh, check_after_terminal},
    {code::kRoleMismatch, Severity::kMedium, check_roles},
    {code::kVinCheckDigit, Severity::kLow, check_vin_check_digit},
    {code::kWmiMismatch, Severity::kHigh, check_wmi},
    {code::kDuplicateEvent, Severity::kMedium, check_duplicate_events},
    {code::kRouteDeviation, Severity::kHigh, check_route_deviation},
    {code::kDestinationMismatch, Severity::kHigh, check_destination_mismatch},
    {code::kUndeclaredExport, Severity::kHigh, check_undeclared_export},
    {code::kConsigneeCountryMismatch, Severity::kMedium, check_consignee_country},
    {code::kUnregisteredConsignee, Severity::kHigh, check_unregistered_consignee},
    {code::kNoArrival, Severity::kMedium, check_arrival},
    {code::kArrivalWithoutLeg, Severity::kHigh, check_arrival_without_leg},
    {code::kUnknownLocode, Severity::kHigh, check_unknown_locodes},
    {code::kLegToNoPort, Severity::kHigh, check_legs_to_no_port},
    {code::kPortCountryMismatch, Severity::kHigh, check_port_country},
    {code::kQuickReexport, Severity::kHigh, check_quick_reexport},
    {code::kGoneDark, Severity::kHigh, check_gone_dark},
    {code::kPaperDestruction, Severity::kHigh, check_paper_destruction},
    {code::kEmbargoedDestination, Severity::kCritical, check_embargoes},
    {code::kDivertedViaThirdCountry, Severity::kCritical, check_diversions},
    {code::kUndervalued, Severity::kHigh, check_undervaluation},
    {code::kDesignatedVessel, Severity::kCritical, check_designated_vessels},
    {code::kSanctionedParty, Severity::kCritical, check_sanctioned_parties},
    {code::kEmbargoedMission, Severity::kHigh, check_embargoed_missions},
}};

}  // namespace

std::span<const RuleSpec> rule_registry() { return kRegistry; }

}  // namespace vinledger::rules
