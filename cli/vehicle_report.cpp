#include "vehicle_report.h"

#include <iostream>

#include "command.h"
#include "vinledger/vin.h"

namespace vinledger::cli {
namespace {

// "Lexus, made in Japan (WMI JTJ)", from the WMI table.
std::string vehicle_origin_text(const ReferenceData& reference, const std::string& vin) {
  auto info = reference.wmi_of(vin);
  const std::string wmi(vin_wmi(vin));
  if (!info) return "WMI " + wmi + " is not in the WMI table";
  std::string text = info->manufacturer.empty() ? std::string("unknown make") : info->manufacturer;
  if (!info->country.empty()) text += ", made in " + info->country;
  return text + " (WMI " + wmi + ")";
}

}  // namespace

void print_vehicle_report(const VehicleReport& report, const ReferenceData& reference, const Verdict* verdict) {
  std::cout << "VIN " << report.vin << ": " << vehicle_origin_text(reference, report.vin) << "\n"
            << report.entries << " entries, " << report.findings.size() << " finding(s)\n";
  for (const auto& withdrawal : report.withdrawn) {
    std::cout << "withdrawn: seq " << withdrawal.seq << " by seq " << withdrawal.by;
    if (withdrawal.replaced_by) std::cout << ", replaced by seq " << *withdrawal.replaced_by;
    std::cout << " (" << withdrawal.reason << ")\n";
  }
  print_findings(std::cout, report.findings);
  std::cout << "Verdict: " << (verdict ? verdict->words : verdict_for(report.findings).words) << "\n";
}

}  // namespace vinledger::cli
