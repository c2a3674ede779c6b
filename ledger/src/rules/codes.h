// The finding codes of verification, one name each. The registry
// (rules/registry.cpp) gives each its default severity and its check;
// docs/rules.md has a `### CODE (severity)` entry for each, and
// fixtures/scenarios/ a scenario that shows it (tests/unit/rule_registry_test.cpp).
#pragma once

namespace vinledger::rules::code {

// Custody.
inline constexpr const char* kNoOrigin = "NO_ORIGIN";
inline constexpr const char* kDuplicateOrigin = "DUPLICATE_ORIGIN";
inline constexpr const char* kCustodyGap = "CUSTODY_GAP";
inline constexpr const char* kUnconfirmedTransfer = "UNCONFIRMED_TRANSFER";
inline constexpr const char* kTimeReversal = "TIME_REVERSAL";
inline constexpr const char* kBackdated = "BACKDATED";
inline constexpr const char* kAfterTerminal = "AFTER_TERMINAL";
inline constexpr const char* kRoleMismatch = "ROLE_MISMATCH";
inline constexpr const char* kVinCheckDigit = "VIN_CHECK_DIGIT";
inline constexpr const char* kWmiMismatch = "WMI_MISMATCH";

// The record itself.
inline constexpr const char* kDuplicateEvent = "DUPLICATE_EVENT";
// Not a check of the registry: the report for a VIN the ledger has no entry
// for (no_record_report); docs/rules.md documents it beside the others.
inline constexpr const char* kNoRecord = "NO_RECORD";

// Destination and route.
inline constexpr const char* kRouteDeviation = "ROUTE_DEVIATION";
inline constexpr const char* kDestinationMismatch = "DESTINATION_MISMATCH";
inline constexpr const char* kUndeclaredExport = "UNDECLARED_EXPORT";
inline constexpr const char* kConsigneeCountryMismatch = "CONSIGNEE_COUNTRY_MISMATCH";
inline constexpr const char* kUnregisteredConsignee = "UNREGISTERED_CONSIGNEE";
inline constexpr const char* kNoArrival = "NO_ARRIVAL";
inline constexpr const char* kArrivalWithoutLeg = "ARRIVAL_WITHOUT_LEG";
inline constexpr const char* kUnknownLocode = "UNKNOWN_LOCODE";
inline constexpr const char* kLegToNoPort = "LEG_TO_NO_PORT";
inline constexpr const char* kPortCountryMismatch = "PORT_COUNTRY_MISMATCH";
inline constexpr const char* kQuickReexport = "QUICK_REEXPORT";
inline constexpr const char* kGoneDark = "GONE_DARK";
inline constexpr const char* kPaperDestruction = "PAPER_DESTRUCTION";

// Embargoes, values and parties.
inline constexpr const char* kEmbargoedDestination = "EMBARGOED_DESTINATION";
inline constexpr const char* kDivertedViaThirdCountry = "DIVERTED_VIA_THIRD_COUNTRY";
inline constexpr const char* kUndervalued = "UNDERVALUED";
inline constexpr const char* kDesignatedVessel = "DESIGNATED_VESSEL";
inline constexpr const char* kSanctionedParty = "SANCTIONED_PARTY";
inline constexpr const char* kEmbargoedMission = "EMBARGOED_MISSION";

}  // namespace vinledger::rules::code
