// Verification defaults and bounds, and the reference data verification
// reads: one place for every front (command line, HTTP) to take them from.
#include "vinledger/encoding.h"
#include "vinledger/verification.h"

namespace vinledger {

Result<VerifyOptions> verify_options_from(const VerifyOptionsText& given, std::int64_t now) {
  VerifyOptions options;
  options.as_of = UtcTime{now, 0};
  if (given.as_of) {
    auto as_of = parse_date_or_timestamp(*given.as_of);
    if (!as_of) return invalid_input("as of \"" + *given.as_of + "\": " + as_of.error().message);
    options.as_of = *as_of;
  }
  if (given.arrival_window) {
    const auto days = parse_strict_decimal(*given.arrival_window);
    if (!days || *days > static_cast<std::uint64_t>(kMaxArrivalWindowDays))
      return invalid_input("arrival window \"" + *given.arrival_window + "\" must be a whole number of days from 0 to " +
                           std::to_string(kMaxArrivalWindowDays));
    options.arrival_window_days = static_cast<int>(*days);
  }
  return options;
}

Result<ReferenceData> load_verification_data(const std::optional<std::filesystem::path>& rules_file) {
  auto reference = ReferenceData::load_installed();
  if (!reference) {
    Error error = reference.error();
    if (error.kind == ErrorKind::not_found) error.kind = ErrorKind::internal;
    return std::unexpected(error);
  }
  if (rules_file)
    if (auto ok = reference->load_rules(*rules_file); !ok) return std::unexpected(ok.error());
  return reference;
}

}  // namespace vinledger
