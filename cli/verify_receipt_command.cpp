// vinledger verify-receipt FILE|- --log-key VKEY
// Needs no database and no server: each receipt proves itself against the
// log's key.
#include <fstream>
#include <iostream>
#include <set>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"
#include "vinledger/json_lines.h"
#include "vinledger/receipt.h"

namespace vinledger::cli {

int run_verify_receipt(Context& context) {
  cxxopts::Options options("vinledger verify-receipt",
                           "Check receipts (what `submit` printed, one JSON object a line) offline: each entry is "
                           "proved in a checkpoint signed by the log's key.");
  options.positional_help("FILE|-");
  options.add_options()("file", "receipts, or - for standard input", cxxopts::value<std::string>())(
      "log-key", "the log's verifier key (the only key trusted)", cxxopts::value<std::string>());
  options.parse_positional({"file"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto file = required(*parsed.result, context, "file");
  auto key_text = file ? required(*parsed.result, context, "log-key") : std::nullopt;
  if (!file || !key_text) return kExitBadInput;
  auto log_key = VerifierKey::parse(*key_text);
  if (!log_key) return fail_usage(context, "--log-key: " + log_key.error().message);

  InputArgument input;
  if (auto opened = input.open(*file); !opened) return fail(opened.error());
  const std::string& source = input.name();
  std::int64_t verified = 0;
  std::set<std::uint64_t> sizes;
  // A receipt is at most an entry (16 KiB of statement) and a proof.
  auto checked = for_each_json_line(input.stream(), source, 256 * 1024, [&](std::int64_t, std::string_view line) -> Status {
    auto receipt = verify_receipt_line(line, *log_key);
    if (!receipt) return std::unexpected(receipt.error());
    ++verified;
    sizes.insert(receipt->checkpoint.size);
    return {};
  });
  if (!checked) {
    std::cerr << "vinledger: receipt refused: " << checked.error().message << "\n";
    return kExitFindings;
  }
  if (context.json) {
    print_json({{"verified", verified}, {"log_key", log_key->text()}});
  } else {
    std::cerr << "vinledger: " << verified << " receipt(s) verified against " << sizes.size()
              << " checkpoint(s) of " << log_key->name() << "\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
