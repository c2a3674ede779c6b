// vinledger checkpoint [--operator-key FILE] [--list]
#include <iostream>

#include "command.h"
#include "parse_options.h"

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
      ("list", "list every checkpoint the ledger issued instead");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  if (args.count("list")) return list_checkpoints(context, *ledger);

  const std::filesystem::path key_path = args.count("operator-key")
                                             ? std::filesystem::path(args["operator-key"].as<std::string>())
                                             : default_operator_key_path(context.db);
  auto key = SigningKey::load(key_path);
  if (!key) return fail(key.error());
  auto issued = ledger->checkpoint(*key);
  if (!issued) return fail(issued.error());
  if (context.json)
    print_json(checkpoint_json(*issued));
  else
    std::cout << issued->note;
  return kExitOk;
}

}  // namespace vinledger::cli
