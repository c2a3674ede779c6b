// vinledger verify VIN [--as-of DATE] [--arrival-window DAYS] [--rules FILE] [--fail-on SEVERITY]
#include <iostream>

#include "command.h"
#include "verification_options.h"
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

void print_report(const VehicleReport& report, const ReferenceData& reference) {
  std::cout << "VIN " << report.vin << ": " << vehicle_origin_text(reference, report.vin) << "\n"
            << report.entries << " entries, " << report.findings.size() << " finding(s)\n";
  print_findings(std::cout, report.findings);
  std::cout << "Verdict: " << verdict_for(report.findings).words << "\n";
}

}  // namespace

int run_verify(Context& context) {
  cxxopts::Options options("vinledger verify", "Custody and destination findings for one VIN.");
  options.positional_help("VIN");
  options.add_options()("vin", "the VIN", cxxopts::value<std::string>());
  add_verification_options(options);
  options.parse_positional({"vin"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto vin = required(*parsed.result, context, "vin");
  if (!vin) return kExitBadInput;
  if (auto valid = validate_vin(*vin); !valid) return fail(with_context(valid.error(), "VIN " + *vin));
  auto loaded = load_verification_settings(*parsed.result, context);
  if (!loaded.settings) return loaded.exit_code;
  const VerificationSettings& settings = *loaded.settings;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  auto report = ledger->verify(*vin, settings.reference, settings.verify);
  if (!report) return fail(report.error());
  if (context.json) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : report->findings) findings.push_back(to_json(finding));
    print_json({{"vin", report->vin}, {"findings", findings}});
  } else {
    print_report(*report, settings.reference);
  }
  return any_at_or_above(report->findings, settings.fail_on) ? kExitFindings : kExitOk;
}

}  // namespace vinledger::cli
