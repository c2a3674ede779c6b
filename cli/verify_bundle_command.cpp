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
#include "vinledger/untrusted_text.h"

namespace vinledger::cli {
namespace {

// Integrity failures are a verification result (exit 1), malformed files
// bad input (exit 2); both name the item and why.
// What the file holds is the bundle author's: the refusal's text is escaped
// (untrusted_text.h) before it reaches a terminal.
int refuse(const Context& context, const std::string& file, const BundleFailure& failure) {
  const bool integrity = failure.kind == BundleFailure::Kind::integrity;
  if (context.json && integrity)
    print_json({{"file", escape_untrusted(file)},
                {"valid", false},
                {"item", escape_untrusted(failure.item)},
                {"reason", escape_untrusted(failure.reason)}});
  std::cerr << "vinledger: bundle " << escape_untrusted(file) << (integrity ? " refused: " : " is not a bundle: ")
            << escape_untrusted(failure.message()) << "\n";
  return integrity ? kExitFindings : kExitBadInput;
}

nlohmann::json extent_json(const EvidenceExtent& extent) {
  return {{"through_seq", extent.through_seq}, {"checkpoint_size", extent.checkpoint_size}, {"complete", extent.complete()}};
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
      cxxopts::value<std::size_t>())(
      "checkpoint", "a signed checkpoint of the log you already hold (from the operator or a witness): a bundle "
      "proved against an older one is refused", cxxopts::value<std::string>());
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

  BundleTrust trust{*log_key, {}, 0, {}};
  if (args.count("witness")) {
    for (const auto& text : args["witness"].as<std::vector<std::string>>()) {
      auto witness = parse_trusted_key(text);
      if (!witness) return fail_usage(context, "--witness " + quote_untrusted(text) + ": " + witness.error().message);
      trust.witnesses.push_back(std::move(*witness));
    }
  }
  trust.min_witnesses = args.count("min-witnesses") ? args["min-witnesses"].as<std::size_t>() : trust.witnesses.size();
  if (trust.min_witnesses > trust.witnesses.size())
    return fail_usage(context, "--min-witnesses " + std::to_string(trust.min_witnesses) + " is more than the " +
                                   std::to_string(trust.witnesses.size()) + " --witness keys given");

  if (args.count("checkpoint")) {
    auto known = read_input_file(args["checkpoint"].as<std::string>(), kMaxCheckpointBodyBytes * 2);
    if (!known) return fail(known.error());
    trust.known_checkpoint = std::move(*known);
  }

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

  const Checkpoint& checkpoint = verified->checkpoint.checkpoint;
  if (verified->completeness == VerifiedBundle::Completeness::kAbsent) {
    if (context.json)
      print_json({{"vin", verified->vin},
                  {"valid", true},
                  {"absent", true},
                  {"complete", true},
                  {"checkpoint", checkpoint_summary_json(checkpoint)}});
    else
      std::cout << "Bundle " << escape_untrusted(*file) << ": no entry for VIN " << verified->vin
                << " in this ledger at size " << checkpoint.size << " (" << escape_untrusted(checkpoint.origin)
                << ", root " << to_hex(checkpoint.root) << "), as its VIN index proves\n";
    return kExitOk;
  }
  VehicleReport report{verified->vin, static_cast<std::int64_t>(verified->events.size()), {}, {}};
  report.findings = verify_vehicle(verified->vin, verified->events, verified->parties, settings.reference, settings.verify);
  report.withdrawn = withdrawals(verified->events, verified->parties.operator_id());
  // Witness names come from the checkpoint's signature lines: shown escaped.
  nlohmann::json witnesses = nlohmann::json::array();
  for (const auto& cosignature : verified->checkpoint.cosignatures) witnesses.push_back(escape_untrusted(cosignature.name));
  const bool complete = verified->completeness == VerifiedBundle::Completeness::kComplete;
  const Verdict verdict = bundle_verdict(report.findings, verified->extent);
  if (context.json) {
    nlohmann::json document = to_json(report);
    document["checkpoint"] = checkpoint_summary_json(checkpoint);
    document["witnesses"] = witnesses;
    document["complete"] = complete;
    document["evidence"] = extent_json(verified->extent);
    // What this bundle proves decides the verdict, not the findings alone.
    document["verdict"] = to_json(verdict);
    print_json(document);
  } else {
    std::cout << "Bundle " << escape_untrusted(*file) << ": " << verified->events.size() << " entries and "
              << verified->party_entries << " party entries proved against the checkpoint of "
              << escape_untrusted(checkpoint.origin) << " at size " << checkpoint.size << " (root "
              << to_hex(checkpoint.root) << ")";
    if (verified->checkpoint.log_key != trust.log_key.text())
      std::cout << ", signed by the log's later key " << verified->checkpoint.log_key << ", which "
                << trust.log_key.text() << " endorses";
    if (!witnesses.empty()) {
      std::cout << ", cosigned by";
      for (const auto& name : witnesses) std::cout << " " << name.get<std::string>();
    }
    std::cout << "\n";
    if (complete)
      std::cout << "complete: these are all " << verified->events.size() << " entries recorded for VIN "
                << verified->vin << " up to checkpoint size " << checkpoint.size << "\n";
    else
      std::cout << "not shown complete: a " << kBundleFormatV1 << " bundle carries no VIN index proof; it shows VIN "
                << verified->vin << " up to seq " << verified->events.back().seq
                << ", and entries recorded after it (up to the checkpoint's size " << checkpoint.size
                << ") cannot be excluded\n";
    print_vehicle_report(report, settings.reference, &verdict);
  }
  return any_at_or_above(report.findings, settings.fail_on) ? kExitFindings : kExitOk;
}

}  // namespace vinledger::cli
