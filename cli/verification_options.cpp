#include "verification_options.h"

#include "vinledger/timestamp.h"

namespace vinledger::cli {

void add_verification_options(cxxopts::Options& options) {
  options.add_options()("as-of", "judge as of this date or time (RFC 3339 with any offset, or YYYY-MM-DD, UTC); default now",
                        cxxopts::value<std::string>())(
      "arrival-window", "days an export has to arrive at its destination (NO_ARRIVAL)",
      cxxopts::value<std::string>()->default_value(std::to_string(kDefaultArrivalWindowDays)))(
      "rules", "embargo and denied-party rules file to use instead of the shipped rules.json",
      cxxopts::value<std::string>())("fail-on", "exit 1 if a finding is at or above this severity",
                                     cxxopts::value<std::string>()->default_value("medium"));
}

// The defaults, the bounds and the reference data come from the library,
// which the HTTP API reads too.
LoadedSettings load_verification_settings(const cxxopts::ParseResult& parsed, const Context& context) {
  LoadedSettings loaded;
  VerificationSettings settings;
  auto fail_on = parse_fail_on(parsed["fail-on"].as<std::string>());
  if (!fail_on) {
    loaded.exit_code = fail_usage(context, "--fail-on must be info, low, medium, high or critical");
    return loaded;
  }
  settings.fail_on = *fail_on;
  VerifyOptionsText given;
  if (parsed.count("as-of")) given.as_of = parsed["as-of"].as<std::string>();
  given.arrival_window = parsed["arrival-window"].as<std::string>();
  auto verify = verify_options_from(given, now_seconds());
  if (!verify) {
    loaded.exit_code = fail_usage(context, verify.error().message);
    return loaded;
  }
  settings.verify = *verify;
  auto reference = load_verification_data(
      parsed.count("rules") ? std::optional<std::filesystem::path>(parsed["rules"].as<std::string>()) : std::nullopt);
  if (!reference) {
    loaded.exit_code = fail(reference.error());
    return loaded;
  }
  settings.reference = std::move(*reference);
  loaded.settings = std::move(settings);
  return loaded;
}

}  // namespace vinledger::cli
