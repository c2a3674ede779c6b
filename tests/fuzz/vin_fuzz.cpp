// VIN validation. Properties, from ISO 3779 and 49 CFR 565 rather than from
// the code: accepted means 17 characters of the VIN alphabet with a correct
// check digit wherever it is mandatory; the check digit is '0'-'9' or 'X';
// the WMI is the first three characters.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vinledger/vin.h"

namespace {

bool in_alphabet(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  const std::string_view vin = vinledger::fuzz::as_text(data, size);
  const bool accepted = vinledger::validate_vin(vin).has_value();

  bool syntax = vin.size() == vinledger::kVinLength;
  for (char c : vin) syntax = syntax && in_alphabet(c);
  require(vinledger::is_vin_syntax(vin) == syntax);
  if (!syntax) {
    require(!accepted);
    return 0;
  }
  const char expected = vinledger::expected_check_digit(vin);
  require((expected >= '0' && expected <= '9') || expected == 'X');
  require(vinledger::check_digit_matches(vin) == (vin[8] == expected));
  const bool mandatory = (vin[0] >= '1' && vin[0] <= '5') || vin[0] == 'L';
  require(vinledger::check_digit_mandatory(vin) == mandatory);
  require(accepted == (!mandatory || vin[8] == expected));
  require(vinledger::vin_wmi(vin) == vin.substr(0, 3));
  return 0;
}
