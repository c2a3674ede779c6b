// vinledger checkpoint [--operator-key FILE] [--cosigned FILE ...] [--out FILE [--force]] [--list]
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/witness.h"

namespace vinledger::cli {
namespace {

nlohmann::json checkpoint_json(const IssuedCheckpoint& issued) {
  return {{"id", issued.id},
          {"issued", issued.issued},
          {"origin", issued.checkpoint.origin},
          {"size", issued.checkpoint.size},
          {"root", to_hex(issued.checkpoint.root)},
          {"note", issued.note}};
}

int list_checkpoints(const Context& context, Ledger& ledger) {
  auto issued = ledger.checkpoints();
  if (!issued) return fail(issued.error());
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& checkpoint : *issued) list.push_back(checkpoint_json(checkpoint));
    print_json({{"checkpoints", list}});
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& checkpoint : *issued)
    rows.push_back({std::to_string(checkpoint.id), checkpoint.issued, std::to_string(checkpoint.checkpoint.size),
                    to_hex(checkpoint.checkpoint.root)});
  print_table(std::cout, {"ID", "ISSUED", "SIZE", "ROOT (hex)"}, rows);
  return kExitOk;
}

// The latest checkpoint the ledger stored, if it covers every entry.
Result<IssuedCheckpoint> latest_covering(Ledger& ledger) {
  auto stored = ledger.checkpoints();
  if (!stored) return std::unexpected(stored.error());
  auto size = ledger.size();
  if (!size) return std::unexpected(size.error());
  const IssuedCheckpoint* latest = nullptr;
  for (const auto& checkpoint : *stored)
    if (!latest || checkpoint.id > latest->id) latest = &checkpoint;
  if (!latest)
    return invalid_input("no checkpoint is stored and no operator key was found to issue one (give --operator-key)");
  if (static_cast<std::int64_t>(latest->checkpoint.size) != *size)
    return invalid_input("the latest stored checkpoint covers " + std::to_string(latest->checkpoint.size) + " of " +
                         std::to_string(*size) + " entries, and no operator key was found to issue a new one "
                         "(give --operator-key)");
  return *latest;
}

}  // namespace

int run_checkpoint(Context& context) {
  cxxopts::Options options("vinledger checkpoint",
                           "Print a signed C2SP checkpoint of the whole ledger (recorded in the ledger), or list them.");
  options.add_options()
      ("operator-key", "the operator's private key file (default: beside the database)", cxxopts::value<std::string>())
      ("cosigned", "merge the cosignatures of this copy of the checkpoint, as `witness cosign` printed it (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("out", "write the checkpoint to this file (atomically, only on success) instead of standard output",
       cxxopts::value<std::string>())
      ("force", "with --out: replace an existing file (never a key or a database)")
      ("list", "list every checkpoint the ledger issued instead");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  if (args.count("list")) return list_checkpoints(context, *ledger);

  // Without the operator key (none given, none beside the database) the
  // latest stored checkpoint is printed, if it covers the whole log.
  const std::filesystem::path key_path = operator_key_path(args, context);
  Result<IssuedCheckpoint> issued = std::unexpected(Error{});
  if (!args.count("operator-key") && !std::filesystem::exists(key_path)) {
    issued = latest_covering(*ledger);
  } else {
    auto key = SigningKey::load(key_path);
    if (!key) return fail(key.error());
    issued = ledger->checkpoint(*key);
  }
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
  if (args.count("out")) {
    const std::string out = args["out"].as<std::string>();
    if (auto written = write_output_file(out, issued->note, args.count("force") > 0); !written)
      return fail(written.error());
    if (context.json) print_json(checkpoint_json(*issued));
    return kExitOk;
  }
  if (context.json)
    print_json(checkpoint_json(*issued));
  else
    std::cout << issued->note;
  return kExitOk;
}

}  // namespace vinledger::cli
