// vinledger prove VIN [--out FILE [--force]] [--operator-key FILE]
#include <iostream>
#include <optional>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"
#include "vinledger/vin.h"

namespace vinledger::cli {

int run_prove(Context& context) {
  cxxopts::Options options("vinledger prove",
                           "Write an evidence bundle for one VIN: its entries, the party entries they rely on, their "
                           "inclusion proofs and the VIN index's proof that they are all of them, against one signed "
                           "checkpoint (issued if none covers the VIN). For a VIN with no entry, an absence bundle.");
  options.positional_help("VIN");
  options.add_options()("vin", "the VIN", cxxopts::value<std::string>())(
      "out", "write the bundle to this file (atomically, only on success) instead of standard output",
      cxxopts::value<std::string>())("force", "with --out: replace an existing file (never a key or a database)")(
      "operator-key", "the operator's private key file, to issue a checkpoint if needed (default: beside the database)",
      cxxopts::value<std::string>());
  options.parse_positional({"vin"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto vin = required(args, context, "vin");
  if (!vin) return kExitBadInput;
  if (auto valid = validate_vin(*vin); !valid) return fail(with_context(valid.error(), "VIN " + *vin));

  // The key is only needed when no checkpoint covers the VIN yet: a missing
  // default key is not an error until then.
  std::optional<SigningKey> key;
  std::string key_problem;
  if (args.count("operator-key")) {
    auto loaded = SigningKey::load(args["operator-key"].as<std::string>());
    if (!loaded) return fail(loaded.error());
    key = std::move(*loaded);
  } else if (const auto path = default_operator_key_path(context.db); std::filesystem::exists(path)) {
    auto loaded = SigningKey::load(path);
    if (loaded) key = std::move(*loaded);
    else key_problem = loaded.error().message;
  }

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  auto proved = ledger->prove(*vin, key ? &*key : nullptr);
  if (!proved) {
    Error error = proved.error();
    if (!key && !key_problem.empty()) error.message += " (" + key_problem + ")";
    return fail(error);
  }
  const std::string text = format_bundle(proved->bundle);
  const Checkpoint& checkpoint = proved->checkpoint.checkpoint;
  if (proved->bundle.entries.empty())
    std::cerr << "vinledger: VIN " << *vin << " has no entry in this ledger: an absence bundle, proved by the VIN "
              << "index against the checkpoint of size " << checkpoint.size
              << (proved->issued_checkpoint ? " (issued now)" : "") << "\n";
  else
    std::cerr << "vinledger: VIN " << *vin << ": " << proved->bundle.entries.size() << " entries (all of them, "
              << "as the VIN index proves) and " << proved->bundle.parties.size()
              << " party entries, proved against the checkpoint of size " << checkpoint.size
              << (proved->issued_checkpoint ? " (issued now)" : "") << "\n";
  if (!args.count("out")) {
    std::cout << text;
    return kExitOk;
  }
  const std::string out = args["out"].as<std::string>();
  if (auto written = write_output_file(out, text, args.count("force") > 0); !written) return fail(written.error());
  if (context.json)
    print_json({{"out", out},
                {"vin", *vin},
                {"entries", proved->bundle.entries.size()},
                {"absent", proved->bundle.entries.empty()},
                {"parties", proved->bundle.parties.size()},
                {"checkpoint", checkpoint_summary_json(checkpoint)},
                {"issued_checkpoint", proved->issued_checkpoint}});
  return kExitOk;
}

}  // namespace vinledger::cli
