// vinledger audit [--checkpoint FILE ...] [--fail-on SEVERITY]
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"

namespace vinledger::cli {

int run_audit(Context& context) {
  cxxopts::Options options("vinledger audit",
                           "Re-check the integrity of the whole ledger: hashes, chains, signatures, stored columns.");
  options.add_options()
      ("checkpoint", "also check the ledger against this earlier checkpoint (a signed note file; repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("fail-on", "exit 1 if a finding is at or above this severity",
                        cxxopts::value<std::string>()->default_value("medium"));
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto fail_on = parse_fail_on((*parsed.result)["fail-on"].as<std::string>());
  if (!fail_on) return fail_usage(context, "--fail-on must be info, low, medium, high or critical");

  std::vector<ExternalCheckpoint> checkpoints;
  if (parsed.result->count("checkpoint")) {
    for (const auto& file : (*parsed.result)["checkpoint"].as<std::vector<std::string>>()) {
      auto note = read_input_file(file, kMaxNoteBytes);
      if (!note) return fail(note.error());
      checkpoints.push_back(ExternalCheckpoint{file, std::move(*note)});
    }
  }
  // Not open_ledger: opening refuses a ledger whose party entries or origin
  // are damaged, and reporting exactly that is the audit's job.
  auto report = Ledger::audit_file(context.db, checkpoints);
  if (!report) return fail(report.error());
  if (context.json) {
    print_json(to_json(*report));
  } else {
    print_findings(std::cout, report->findings);
    std::cerr << "audited " << report->size << " entries: "
              << (report->findings.empty() ? std::string("clean")
                                           : std::to_string(report->findings.size()) + " finding(s)")
              << "\n";
  }
  return any_at_or_above(report->findings, *fail_on) ? kExitFindings : kExitOk;
}

}  // namespace vinledger::cli
