// vinledger append [--skip-recorded] FILE|-
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"

namespace vinledger::cli {
namespace {

// Standard input is copied to an unlinked temporary file before the append
// starts: the append holds the ledger's write lock while it reads, and a
// slow or stalled producer (a pipe from `vinledger sign` that itself reads
// the ledger) must not hold every other writer up, or wait on itself.
class SpooledInput {
 public:
  Status spool(std::istream& in) {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/vinledger-append-XXXXXX";
    int fd = ::mkstemp(path.data());
    if (fd < 0) return storage_error("cannot create a temporary file in " + path.substr(0, path.rfind('/')));
    ::close(fd);
    file_.open(path, std::ios::in | std::ios::out | std::ios::binary | std::ios::trunc);
    ::unlink(path.c_str());
    if (!file_) return storage_error("cannot open a temporary file");
    // Copied by hand: `file_ << in.rdbuf()` sets failbit when it copies
    // nothing, and empty input is an empty batch, not an error.
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
      if (!file_.write(buffer, in.gcount())) return storage_error("cannot spool standard input");
    if (in.bad()) return storage_error("cannot read standard input: read error");
    file_.flush();
    file_.seekg(0);
    if (!file_) return storage_error("cannot spool standard input");
    return {};
  }
  std::istream& stream() { return file_; }

 private:
  std::fstream file_;
};

}  // namespace

int run_append(Context& context) {
  cxxopts::Options options("vinledger append",
                           "Append signed statements, one JSON object per line, all or nothing.");
  options.positional_help("FILE|-");
  options.add_options()("file", "the JSONL file, or - for standard input", cxxopts::value<std::string>())(
      "skip-recorded", "skip statements the ledger already holds (a batch sent again) instead of refusing them");
  options.parse_positional({"file"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto file = required(*parsed.result, context, "file");
  if (!file) return kExitBadInput;

  std::ifstream stream;
  SpooledInput spooled;
  std::istream* input = &stream;
  if (*file == "-") {
    if (auto ok = spooled.spool(std::cin); !ok) return fail(ok.error());
    input = &spooled.stream();
  } else {
    if (auto opened = open_input_file(*file, stream); !opened) return fail(opened.error());
  }
  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  AppendOptions append_options;
  append_options.skip_recorded = parsed.result->count("skip-recorded") > 0;
  auto report = ledger->append(*input, *file == "-" ? "<stdin>" : *file, append_options);
  if (!report) return fail(report.error());
  if (context.json) {
    print_json(to_json(*report));
  } else {
    std::cerr << "appended " << report->count << " statement" << (report->count == 1 ? "" : "s");
    if (report->count > 0)
      std::cerr << " (seq " << report->first_seq << ".." << report->first_seq + report->count - 1 << ")";
    if (report->skipped > 0) std::cerr << "; skipped " << report->skipped << " already recorded";
    std::cerr << "\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
