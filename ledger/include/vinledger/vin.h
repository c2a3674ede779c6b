// Vehicle identification numbers: ISO 3779 syntax, ISO 3780 WMI, and the
// 49 CFR 565 check digit at position 9.
#pragma once

#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

inline constexpr std::size_t kVinLength = 17;

// The check digit ('0'-'9' or 'X') that 49 CFR 565 gives for `vin`.
// Precondition: `vin` passed is_vin_syntax.
char expected_check_digit(std::string_view vin);

// 17 characters from 0-9 A-H J-N P R-Z (upper case only).
bool is_vin_syntax(std::string_view vin);

// North American (first character 1-5) and Chinese (first character L) WMIs
// must carry a correct check digit; elsewhere it is only advisory.
bool check_digit_mandatory(std::string_view vin);

bool check_digit_matches(std::string_view vin);

// The world manufacturer identifier: positions 1-3.
std::string_view vin_wmi(std::string_view vin);

// Accepts a VIN the ledger may record: correct syntax, and a correct check
// digit where it is mandatory. The error names the first offending position
// or the expected check digit. Lower case is refused, not corrected: the
// ledger records what a party signed.
Status validate_vin(std::string_view vin);

}  // namespace vinledger
