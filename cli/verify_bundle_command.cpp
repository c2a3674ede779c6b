// vinledger verify-bundle FILE --log-key VKEY [--witness VKEY ...] [--min-witnesses K]
//                         [--as-of DATE] [--arrival-window DAYS] [--rules FILE] [--fail-on SEVERITY]
// Needs no database: everything is proved by the bundle itself against the
// keys given here.
#include <future>
#include <iostream>

#include "command.h"
#include "vehicle_report.h"
#include "verification_options.h"
#include "vinledger/bundle.h"
#include "vinledger/json.h"

namespace vinledger::cli {
namespace {

// Integrity failures are a verification result (exit 1), malformed files
// bad input (exit 2); both name the item and why.
int refuse(const Context& context, const std::string& file, const BundleFailure& failure) {
  const bool integrity = failure.kind == BundleFailure::Kind::integrity;
  if (context.json && integrity)
    print_json({{"file", file}, {"valid", false}, {"item", failure.item}, {"reason", failure.reason}});
  std::cerr << "vinledger: bundle " << file << (integrity ? " refused: " : " is not a bundle: ") << failure.message()
            << "\n";
  return integrity ? kExitFindings : kExitBadInput;
}

}  // namespace

int run_verify_bundle(Context& context) {
  cxxopts::Options options("vinledger verify-bundle",
                           "Check an evidence bundle offline, with no database, then judge the VIN as `verify` does.");
  options.positional_help("FILE");
  options.add_options()("file", "the bundle", cxxopts::value<std::string>())(
      "log-key", "the log's verifier key (the only key trusted for the checkpoint)", cxxopts::value<std::string>())(
      "witness", "a witness's cosigner key (repeatable)", cxxopts::value<std::vector<std::string>>())(
      "min-witnesses", "cosignatures required from the --witness keys (default: all of them)",
      cxxopts::value<std::size_t>());
  add_verification_options(options);
  options.parse_positional({"file"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto file = required(args, context, "file");
  if (!file) return kExitBadInput;
  auto log_key_text = required(args, context, "log-key");
  if (!log_key_text) return kExitBadInput;
  auto log_key = VerifierKey::parse(*log_key_text);
  if (!log_key) return fail_usage(context, "--log-key: " + log_key.error().message);

  BundleTrust trust{*log_key, {}, 0};
  if (args.count("witness")) {
    for (const auto& text : args["witness"].as<std::vector<std::string>>()) {
      auto witness = parse_trusted_key(text);
      if (!witness) return fail_usage(context, "--witness " + text + ": " + witness.error().message);
      trust.witnesses.push_back(std::move(*witness));
    }
  }
  trust.min_witnesses = args.count("min-witnesses") ? args["min-witnesses"].as<std::size_t>() : trust.witnesses.size();
  if (trust.min_witnesses > trust.witnesses.size())
    return fail_usage(context, "--min-witnesses " + std::to_string(trust.min_witnesses) + " is more than the " +
                                   std::to_string(trust.witnesses.size()) + " --witness keys given");

  auto text = read_input_file(*file, kMaxBundleBytes);
  if (!text) return fail(text.error());
  // The bundle is checked while the reference data loads: each takes a few
  // milliseconds, and they share nothing.
  auto checking = std::async(std::launch::async, [&] { return verify_bundle(*text, trust); });
  auto loaded = load_verification_settings(args, context);
  auto verified = checking.get();
  if (!loaded.settings) return loaded.exit_code;
  const VerificationSettings& settings = *loaded.settings;
  if (!verified) return refuse(context, *file, verified.error());

  VehicleReport report{verified->vin, static_cast<std::int64_t>(verified->events.size()), {}};
  report.findings = verify_vehicle(verified->vin, verified->events, verified->parties, settings.reference, settings.verify);
  const Checkpoint& checkpoint = verified->checkpoint.checkpoint;
  nlohmann::json witnesses = nlohmann::json::array();
  for (const auto& cosignature : verified->checkpoint.cosignatures) witnesses.push_back(cosignature.name);
  if (context.json) {
    nlohmann::json document = to_json(report);
    document["checkpoint"] = checkpoint_summary_json(checkpoint);
    document["witnesses"] = witnesses;
    print_json(document);
  } else {
    std::cout << "Bundle " << *file << ": " << verified->events.size() << " entries and " << verified->party_entries
              << " party entries proved against the checkpoint of " << checkpoint.origin << " at size "
              << checkpoint.size << " (root " << to_hex(checkpoint.root) << ")";
    if (!witnesses.empty()) {
      std::cout << ", cosigned by";
      for (const auto& name : witnesses) std::cout << " " << name.get<std::string>();
    }
    std::cout << "\n";
    print_vehicle_report(report, settings.reference);
    // What a bundle cannot show (docs/format.md): a note for people only.
    std::cerr << "vinledger: the bundle shows VIN " << verified->vin << " up to seq " << verified->events.back().seq
              << "; entries recorded after it (up to the checkpoint's size " << checkpoint.size
              << ") cannot be excluded by a bundle\n";
  }
  return any_at_or_above(report.findings, settings.fail_on) ? kExitFindings : kExitOk;
}

}  // namespace vinledger::cli
