// vinledger append FILE|-
#include <fstream>
#include <iostream>

#include "command.h"
#include "parse_options.h"

namespace vinledger::cli {

int run_append(Context& context) {
  cxxopts::Options options("vinledger append",
                           "Append signed statements, one JSON object per line, all or nothing.");
  options.positional_help("FILE|-");
  options.add_options()("file", "the JSONL file, or - for standard input", cxxopts::value<std::string>());
  options.parse_positional({"file"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto file = required(*parsed.result, context, "file");
  if (!file) return kExitBadInput;

  std::ifstream stream;
  std::istream* input = &std::cin;
  if (*file != "-") {
    stream.open(*file, std::ios::binary);
    if (!stream) return fail(Error{ErrorKind::not_found, "cannot read " + *file});
    input = &stream;
  }
  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  auto report = ledger->append(*input, *file == "-" ? "<stdin>" : *file);
  if (!report) return fail(report.error());
  if (context.json) {
    print_json({{"appended", report->count}, {"first_seq", report->first_seq}});
  } else {
    std::cerr << "appended " << report->count << " statement" << (report->count == 1 ? "" : "s");
    if (report->count > 0)
      std::cerr << " (seq " << report->first_seq << ".." << report->first_seq + report->count - 1 << ")";
    std::cerr << "\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
