#include "verification_options.h"

#include "vinledger/timestamp.h"

namespace vinledger::cli {
namespace {

// Ten years: a longer window would hide every missing arrival.
constexpr int kMaxArrivalWindowDays = 3650;

Result<ReferenceData> load_reference(const cxxopts::ParseResult& parsed) {
  auto reference = ReferenceData::load_installed();
  if (!reference) {
    // The shipped data belongs to the installation, not to the user's input.
    Error error = reference.error();
    if (error.kind == ErrorKind::not_found) error.kind = ErrorKind::internal;
    return std::unexpected(error);
  }
  if (parsed.count("rules"))
    if (auto ok = reference->load_rules(parsed["rules"].as<std::string>()); !ok) return std::unexpected(ok.error());
  return reference;
}

}  // namespace

void add_verification_options(cxxopts::Options& options) {
  options.add_options()("as-of", "judge as of this date or time (RFC 3339 with any offset, or YYYY-MM-DD, UTC); default now",
                        cxxopts::value<std::string>())(
      "arrival-window", "days an export has to arrive at its destination (NO_ARRIVAL)",
      cxxopts::value<int>()->default_value("90"))(
      "rules", "embargo and denied-party rules file to use instead of the shipped rules.json",
      cxxopts::value<std::string>())("fail-on", "exit 1 if a finding is at or above this severity",
                                     cxxopts::value<std::string>()->default_value("medium"));
}

LoadedSettings load_verification_settings(const cxxopts::ParseResult& parsed, const Context& context) {
  LoadedSettings loaded;
  VerificationSettings settings;
  auto fail_on = parse_fail_on(parsed["fail-on"].as<std::string>());
  if (!fail_on) {
    loaded.exit_code = fail_usage(context, "--fail-on must be info, low, medium, high or critical");
    return loaded;
  }
  settings.fail_on = *fail_on;
  settings.verify.as_of = UtcTime{now_seconds(), 0};
  if (parsed.count("as-of")) {
    auto as_of = parse_date_or_timestamp(parsed["as-of"].as<std::string>());
    if (!as_of) {
      loaded.exit_code = fail_usage(context, "--as-of: " + as_of.error().message);
      return loaded;
    }
    settings.verify.as_of = *as_of;
  }
  settings.verify.arrival_window_days = parsed["arrival-window"].as<int>();
  if (settings.verify.arrival_window_days < 0 || settings.verify.arrival_window_days > kMaxArrivalWindowDays) {
    loaded.exit_code = fail_usage(context, "--arrival-window must be 0 to " + std::to_string(kMaxArrivalWindowDays) + " days");
    return loaded;
  }
  auto reference = load_reference(parsed);
  if (!reference) {
    loaded.exit_code = fail(reference.error());
    return loaded;
  }
  settings.reference = std::move(*reference);
  loaded.settings = std::move(settings);
  return loaded;
}

}  // namespace vinledger::cli
