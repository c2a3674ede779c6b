// vinledger consistency --from OLD_CHECKPOINT [--to NEW_CHECKPOINT] [--operator-key FILE]
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"
#include "vinledger/witness.h"

namespace vinledger::cli {

int run_consistency(Context& context) {
  cxxopts::Options options("vinledger consistency",
                           "Print the RFC 6962 consistency proof from an earlier checkpoint to a later one "
                           "(base64 hashes, one a line).");
  options.add_options()
      ("from", "the earlier checkpoint (a signed note file of this log)", cxxopts::value<std::string>())
      ("to", "the later checkpoint (default: a fresh checkpoint of the whole ledger)", cxxopts::value<std::string>())
      ("operator-key", "for a fresh checkpoint: the operator's private key file (default: beside the database)",
       cxxopts::value<std::string>());
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto from = required(args, context, "from");
  if (!from) return kExitBadInput;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  auto earlier = read_input_file(*from, kMaxNoteBytes);
  if (!earlier) return fail(earlier.error());
  std::optional<ExternalCheckpoint> later;
  std::optional<SigningKey> key;
  if (args.count("to")) {
    const std::string file = args["to"].as<std::string>();
    auto note = read_input_file(file, kMaxNoteBytes);
    if (!note) return fail(note.error());
    later = ExternalCheckpoint{file, std::move(*note)};
  } else {
    auto loaded = SigningKey::load(operator_key_path(args, context));
    if (!loaded) return fail(loaded.error());
    key = std::move(*loaded);
  }
  // The ledger judges; a finding is what `audit --checkpoint` would report.
  auto report = ledger->check_consistency(ExternalCheckpoint{*from, std::move(*earlier)}, later, key ? &*key : nullptr);
  if (!report) return fail(report.error());
  if (context.json) print_json(to_json(*report));
  if (!report->findings.empty()) {
    const Finding& finding = report->findings.front();
    std::cerr << "vinledger consistency: " << finding.code << ": " << finding.message << "\n";
    return kExitFindings;
  }
  if (!context.json) std::cout << format_proof_lines(*report->proof);
  return kExitOk;
}

}  // namespace vinledger::cli
