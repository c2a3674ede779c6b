// vinledger verify VIN [--as-of DATE] [--arrival-window DAYS] [--rules FILE] [--fail-on SEVERITY]
#include "command.h"
#include "vehicle_report.h"
#include "verification_options.h"
#include "vinledger/json.h"
#include "vinledger/vin.h"

namespace vinledger::cli {

int run_verify(Context& context) {
  cxxopts::Options options("vinledger verify", "Custody and destination findings for one VIN.");
  options.positional_help("VIN");
  options.add_options()("vin", "the VIN", cxxopts::value<std::string>());
  add_verification_options(options);
  options.parse_positional({"vin"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto vin = required(*parsed.result, context, "vin");
  if (!vin) return kExitBadInput;
  if (auto valid = validate_vin(*vin); !valid) return fail(with_context(valid.error(), "VIN " + *vin));
  auto loaded = load_verification_settings(*parsed.result, context);
  if (!loaded.settings) return loaded.exit_code;
  const VerificationSettings& settings = *loaded.settings;

  auto ledger = open_ledger_to_read(context);
  if (!ledger) return fail(ledger.error());
  auto report = ledger->verify(*vin, settings.reference, settings.verify);
  if (!report) return fail(report.error());
  if (context.json)
    print_json(to_json(*report));
  else
    print_vehicle_report(*report, settings.reference);
  return any_at_or_above(report->findings, settings.fail_on) ? kExitFindings : kExitOk;
}

}  // namespace vinledger::cli
