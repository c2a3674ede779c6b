// vinledger checkpoint [--operator-key FILE] [--cosigned FILE ...] [--list]
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"
#include "vinledger/witness.h"

namespace vinledger::cli {
namespace {

int list_checkpoints(const Context& context, Ledger& ledger) {
  auto issued = ledger.checkpoints();
  if (!issued) return fail(issued.error());
  if (context.json) {
    print_json(checkpoints_json(*issued));
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& checkpoint : *issued)
    rows.push_back({std::to_string(checkpoint.id), checkpoint.issued, std::to_string(checkpoint.checkpoint.size),
                    to_hex(checkpoint.checkpoint.root)});
  print_table(std::cout, {"ID", "ISSUED", "SIZE", "ROOT (hex)"}, rows);
  return kExitOk;
}

}  // namespace

int run_checkpoint(Context& context) {
  cxxopts::Options options("vinledger checkpoint",
                           "Print a signed C2SP checkpoint of the whole ledger (recorded in the ledger), or list them.");
  options.add_options()
      ("operator-key", "the operator's private key file (default: beside the database)", cxxopts::value<std::string>())
      ("cosigned", "merge the cosignatures of this copy of the checkpoint, as `witness cosign` printed it (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("list", "list every checkpoint the ledger issued instead");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  if (args.count("list")) return list_checkpoints(context, *ledger);

  const std::filesystem::path key_path = operator_key_path(args, context);
  auto key = SigningKey::load(key_path);
  if (!key) return fail(key.error());
  auto issued = ledger->checkpoint(*key);
  if (!issued) return fail(issued.error());
  if (args.count("cosigned")) {
    // Cosigned copies are merged into what is printed, not stored: the
    // ledger keeps what the operator signed; witnesses' copies are theirs.
    const auto files = args["cosigned"].as<std::vector<std::string>>();
    std::vector<std::string> copies;
    for (const auto& file : files) {
      auto copy = read_input_file(file, kMaxNoteBytes);
      if (!copy) return fail(copy.error());
      copies.push_back(std::move(*copy));
    }
    auto log_key = ledger->log_key();
    if (!log_key) return fail(log_key.error());
    auto merged = merge_cosignatures(issued->note, copies, files, *log_key);
    if (!merged) return fail(merged.error());
    issued->note = std::move(*merged);
  }
  if (context.json)
    print_json(to_json(*issued));
  else
    std::cout << issued->note;
  return kExitOk;
}

}  // namespace vinledger::cli
