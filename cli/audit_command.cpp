// vinledger audit [--checkpoint FILE ...] [--since FILE] [--resume-file FILE] [--fail-on SEVERITY]
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
      ("since", "check only the entries after this checkpoint, which an earlier clean audit verified "
                "(and that the log still extends it)", cxxopts::value<std::string>())
      ("resume-file", "after a clean audit, write the checkpoint to resume from here (replacing the file): "
                      "the --since of the next run", cxxopts::value<std::string>())
      ("fail-on", "exit 1 if a finding is at or above this severity",
                        cxxopts::value<std::string>()->default_value("medium"));
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto fail_on = parse_fail_on(args["fail-on"].as<std::string>());
  if (!fail_on) return fail_usage(context, "--fail-on must be info, low, medium, high or critical");

  std::vector<ExternalCheckpoint> checkpoints;
  if (args.count("checkpoint")) {
    for (const auto& file : args["checkpoint"].as<std::vector<std::string>>()) {
      auto note = read_input_file(file, kMaxNoteBytes);
      if (!note) return fail(note.error());
      checkpoints.push_back(ExternalCheckpoint{file, std::move(*note)});
    }
  }
  std::optional<ExternalCheckpoint> since;
  if (args.count("since")) {
    const std::string file = args["since"].as<std::string>();
    auto note = read_input_file(file, kMaxNoteBytes);
    if (!note) return fail(note.error());
    since = ExternalCheckpoint{file, std::move(*note)};
  }
  // Not open_ledger: opening refuses a ledger whose party entries or origin
  // are damaged, and reporting exactly that is the audit's job.
  auto report = Ledger::audit_file(context.db, checkpoints, {}, since);
  if (!report) return fail(report.error());
  if (report->resume && args.count("resume-file"))
    // The resume file is rewritten by every run that names it (the same
    // file is the next run's --since): replacing it is the point.
    if (auto written = write_output_file(args["resume-file"].as<std::string>(), report->resume->note, /*force=*/true);
        !written)
      return fail(written.error());
  if (context.json) {
    print_json(to_json(*report));
  } else {
    print_findings(std::cout, report->findings);
    std::cerr << "audited " << (report->first_seq > 0 ? "entries " + std::to_string(report->first_seq) + " to " +
                                                            std::to_string(report->size - 1) + " of " : std::string())
              << report->size << " entries: "
              << (report->findings.empty() ? std::string("clean")
                                           : std::to_string(report->findings.size()) + " finding(s)")
              << "\n";
    if (report->resume)
      std::cerr << "resume next time from the checkpoint of size " << report->resume->size
                << (args.count("resume-file") ? " (written to " + args["resume-file"].as<std::string>() + ")"
                                              : std::string(" (--resume-file FILE keeps it)"))
                << "\n";
  }
  return any_at_or_above(report->findings, *fail_on) ? kExitFindings : kExitOk;
}

}  // namespace vinledger::cli
