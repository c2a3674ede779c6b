// VIN_CHECK_DIGIT: position 9 is not the 49 CFR 565 check digit. Where it
// is mandatory (North America, China) the ledger refuses such a VIN; where
// it is not, a wrong digit is only a hint of a mistyped or altered VIN.
// WMI_MISMATCH: the manufacturer's registration does not list the VIN's
// world manufacturer identifier: the VIN is not one this maker issues.
#include <algorithm>

#include "rules/describe.h"
#include "rules/rules.h"
#include "vinledger/vin.h"

namespace vinledger::rules {
namespace {

std::string wmi_table_text(const VehicleContext& context) {
  const std::string wmi(vin_wmi(context.vin));
  auto info = context.reference.wmi_of(context.vin);
  if (!info || info->manufacturer.empty())
    return "WMI " + wmi + (info ? " (country of manufacture " + info->country + " per ISO 3780)" : "");
  return "WMI " + wmi + " (" + info->manufacturer + ", " + info->country + ", per the WMI table)";
}

}  // namespace

void check_vin_check_digit(const VehicleContext& context, Findings& out) {
  if (context.events.empty() || !is_vin_syntax(context.vin) || check_digit_matches(context.vin)) return;
  const bool mandatory = check_digit_mandatory(context.vin);
  const std::int64_t first = context.events.front().seq;
  out.push_back(make_finding(
      context, code::kVinCheckDigit, mandatory ? Severity::kHigh : Severity::kLow, first,
      "VIN " + std::string(context.vin) + " (first recorded at seq " + std::to_string(first) + ") has '" +
          std::string(1, context.vin[8]) + "' at position 9 where the 49 CFR 565 check digit is '" +
          std::string(1, expected_check_digit(context.vin)) + "'" +
          (mandatory ? "; the check digit is mandatory for this WMI"
                     : "; it is not mandatory outside North America and China, but a wrong one can mean a "
                       "mistyped or altered VIN"),
      {first}));
}

void check_wmi(const VehicleContext& context, Findings& out) {
  if (context.vin.size() < 3) return;
  const std::string wmi(vin_wmi(context.vin));
  for (const auto& event : context.events) {
    if (event.statement.type != StatementType::kManufacture) continue;
    const PartyVersion* maker = context.parties.as_of(event.statement.actor, event.seq);
    if (!maker) continue;
    const auto& owned = maker->record.wmi;
    const std::string who = party_label(context, event.statement.actor, event.seq);
    if (owned.empty()) {
      out.push_back(make_finding(context, code::kWmiMismatch, Severity::kInfo, event.seq,
                                 "the manufacturer " + who + " has no WMI list in its registration (seq " +
                                     std::to_string(maker->seq) + "), so " + wmi_table_text(context) +
                                     " of the manufacture at seq " + std::to_string(event.seq) + " cannot be checked",
                                 {maker->seq, event.seq}));
      continue;
    }
    if (std::find(owned.begin(), owned.end(), wmi) != owned.end()) continue;
    std::string list;
    for (const auto& code : owned) list += (list.empty() ? "" : ", ") + code;
    out.push_back(make_finding(context, code::kWmiMismatch, Severity::kHigh, event.seq,
                               "the manufacture at seq " + std::to_string(event.seq) + " by " + who + " is for " +
                                   wmi_table_text(context) + ", but that manufacturer's registration (seq " +
                                   std::to_string(maker->seq) + ") lists only " + list +
                                   ": the VIN is not one this manufacturer issues",
                               {maker->seq, event.seq}));
  }
}

}  // namespace vinledger::rules
