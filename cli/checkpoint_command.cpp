// vinledger checkpoint [--operator-key FILE] [--cosigned FILE ... --witness VKEY ...] [--list]
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/untrusted_text.h"
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

}  // namespace

int run_checkpoint(Context& context) {
  cxxopts::Options options("vinledger checkpoint",
                           "Print a signed C2SP checkpoint of the whole ledger (recorded in the ledger), or list them.");
  options.add_options()
      ("operator-key", "the operator's private key file (default: beside the database)", cxxopts::value<std::string>())
      ("cosigned", "merge the cosignatures of this copy of the checkpoint, as `witness cosign` printed it (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("witness", "a witness's cosigner key: only cosignatures by these keys are merged (repeatable; needed with "
                  "--cosigned)", cxxopts::value<std::vector<std::string>>())
      ("list", "list every checkpoint the ledger issued instead");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;

  std::vector<TrustedKey> witnesses;
  if (args.count("witness"))
    for (const auto& text : args["witness"].as<std::vector<std::string>>()) {
      auto witness = parse_trusted_key(text);
      if (!witness) return fail_usage(context, "--witness " + quote_untrusted(text) + ": " + witness.error().message);
      witnesses.push_back(std::move(*witness));
    }
  if (args.count("cosigned") && witnesses.empty())
    return fail_usage(context, "--cosigned needs the witnesses' keys (--witness VKEY): only their cosignatures are merged");

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  if (args.count("list")) return list_checkpoints(context, *ledger);

  const std::filesystem::path key_path = operator_key_path(args, context);
  auto key = SigningKey::load(key_path);
  if (!key) return fail(key.error());
  auto issued = ledger->checkpoint(*key);
  if (!issued) return fail(issued.error());
  nlohmann::json merged_json = nlohmann::json::array(), skipped_json = nlohmann::json::array();
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
    auto merged = merge_cosignatures(issued->note, copies, files, *log_key, witnesses);
    if (!merged) return fail(merged.error());
    issued->note = std::move(merged->note);
    for (const auto& skipped : merged->skipped) {
      std::cerr << "vinledger: skipped " << escape_untrusted(skipped.source) << ": " << escape_untrusted(skipped.reason)
                << "\n";
      skipped_json.push_back({{"file", escape_untrusted(skipped.source)}, {"reason", escape_untrusted(skipped.reason)}});
    }
    for (const auto& name : merged->witnesses) merged_json.push_back(escape_untrusted(name));
  }
  if (context.json) {
    nlohmann::json document = checkpoint_json(*issued);
    if (args.count("cosigned")) {
      document["cosigned_by"] = merged_json;
      document["skipped"] = skipped_json;
    }
    print_json(document);
  } else {
    std::cout << issued->note;
  }
  return kExitOk;
}

}  // namespace vinledger::cli
