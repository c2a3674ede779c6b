// vinledger screen [--as-of DATE] [--arrival-window DAYS] [--rules FILE] [--fail-on SEVERITY] [--min SEVERITY]
// Streams: findings are printed as each vehicle is verified, so memory does
// not grow with the ledger; the summary comes last.
#include <iostream>

#include "command.h"
#include "verification_options.h"
#include "vinledger/json.h"

namespace vinledger::cli {
namespace {

std::string counts_text(const std::array<std::int64_t, 5>& counts) {
  std::string text;
  for (int level = 4; level >= 0; --level)
    text += (text.empty() ? "" : ", ") + std::to_string(counts[static_cast<std::size_t>(level)]) + " " +
            std::string(to_string(static_cast<Severity>(level)));
  return text;
}

void print_summary(const ScreenSummary& summary, const VerifyOptions& options, const TimeZone& zone, Severity min) {
  std::cout << "Screened " << summary.vehicles << " vehicle(s), " << summary.entries << " entries, as of "
            << zone.format(options.as_of) << " (arrival window " << options.arrival_window_days
            << " days)\n";
  auto by_worst = summary.vehicles_by_worst;
  std::cout << "Vehicles by worst finding: " << counts_text(by_worst) << " (info = clean)\n";
  std::cout << "Findings: " << counts_text(summary.findings_by_severity) << "\n";
  if (!summary.findings_by_code.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [code, counts] : summary.findings_by_code) {
      std::vector<std::string> row = {code};
      for (int level = 4; level >= 0; --level) row.push_back(std::to_string(counts[static_cast<std::size_t>(level)]));
      rows.push_back(std::move(row));
    }
    print_table(std::cout, {"CODE", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"}, rows);
  }
  if (summary.worst.empty()) {
    std::cout << "No vehicle has a finding above info.\n";
    return;
  }
  std::cout << "\nWorst vehicles first:\n";
  for (const auto& report : summary.worst) {
    std::cout << "\nVIN " << report.vin << ": " << verdict_for(report.findings).words << "\n";
    std::vector<Finding> listed;
    for (const auto& finding : report.findings)
      if (finding.severity >= min) listed.push_back(finding);
    print_findings(std::cout, listed);
  }
  std::cout << "\nRun `vinledger verify VIN` for one vehicle's findings.\n";
}

}  // namespace

int run_screen(Context& context) {
  cxxopts::Options options("vinledger screen", "Verify every VIN in the ledger and summarize the findings.");
  add_verification_options(options);
  options.add_options()("min", "list only findings at or above this severity (the summary counts all)",
                        cxxopts::value<std::string>()->default_value("info"));
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto min = severity_from((*parsed.result)["min"].as<std::string>());
  if (!min) return fail_usage(context, "--min must be info, low, medium, high or critical");
  auto loaded = load_verification_settings(*parsed.result, context);
  if (!loaded.settings) return loaded.exit_code;
  const VerificationSettings& settings = *loaded.settings;
  auto zone = time_zone_of(context);
  if (!zone) return fail(zone.error());

  auto ledger = open_ledger_to_read(context);
  if (!ledger) return fail(ledger.error());
  bool failing = false;
  ScreenJsonWriter writer(*min);
  if (context.json) std::cout << writer.begin();
  auto summary = ledger->screen(settings.reference, settings.verify, [&](const VehicleReport& report) -> Status {
    failing = failing || any_at_or_above(report.findings, settings.fail_on);
    if (context.json) std::cout << writer.vehicle(report);
    return {};
  });
  if (!summary) {
    if (context.json) std::cout << writer.abort() << std::flush;  // keep stdout one JSON document
    return fail(summary.error());
  }
  if (context.json) std::cout << writer.end(*summary, settings.verify);
  else print_summary(*summary, settings.verify, *zone, *min);
  return failing ? kExitFindings : kExitOk;
}

}  // namespace vinledger::cli
