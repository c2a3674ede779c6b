#include "vinledger/vin.h"

#include <array>
#include <cctype>
#include <string>

namespace vinledger {
namespace {

// 49 CFR 565.15: position weights, position 9 (the check digit itself) is 0.
constexpr std::array<int, kVinLength> kWeights = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};

// 49 CFR 565.15 transliteration. I, O and Q never occur in a VIN.
int transliterate(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  switch (c) {
    case 'A': case 'J': return 1;
    case 'B': case 'K': case 'S': return 2;
    case 'C': case 'L': case 'T': return 3;
    case 'D': case 'M': case 'U': return 4;
    case 'E': case 'N': case 'V': return 5;
    case 'F': case 'W': return 6;
    case 'G': case 'P': case 'X': return 7;
    case 'H': case 'Y': return 8;
    case 'R': case 'Z': return 9;
    default: return -1;
  }
}

bool is_vin_char(char c) {
  if (c >= '0' && c <= '9') return true;
  return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q';
}

// A printable rendering of one byte for an error message.
std::string describe_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf];
}

}  // namespace

char expected_check_digit(std::string_view vin) {
  int sum = 0;
  for (std::size_t i = 0; i < kVinLength; ++i) sum += transliterate(vin[i]) * kWeights[i];
  int remainder = sum % 11;
  return remainder == 10 ? 'X' : static_cast<char>('0' + remainder);
}

bool is_vin_syntax(std::string_view vin) {
  if (vin.size() != kVinLength) return false;
  for (char c : vin)
    if (!is_vin_char(c)) return false;
  return true;
}

bool check_digit_mandatory(std::string_view vin) {
  if (vin.empty()) return false;
  char first = vin[0];
  return (first >= '1' && first <= '5') || first == 'L';
}

bool check_digit_matches(std::string_view vin) { return vin[8] == expected_check_digit(vin); }

std::string_view vin_wmi(std::string_view vin) { return vin.substr(0, 3); }

Status validate_vin(std::string_view vin) {
  if (vin.size() != kVinLength)
    return invalid_input("VIN must be 17 characters, got " + std::to_string(vin.size()));
  for (std::size_t i = 0; i < vin.size(); ++i) {
    char c = vin[i];
    if (is_vin_char(c)) continue;
    std::string where = "VIN position " + std::to_string(i + 1) + ": " + describe_char(c);
    if (c >= 'a' && c <= 'z') return invalid_input(where + " is lower case (VINs are upper case)");
    if (c == 'I' || c == 'O' || c == 'Q')
      return invalid_input(where + " is not used in VINs (I, O and Q are excluded)");
    return invalid_input(where + " is not a VIN character (0-9, A-Z except I, O, Q)");
  }
  if (check_digit_mandatory(vin) && !check_digit_matches(vin)) {
    return invalid_input(std::string("VIN check digit (position 9) is '") + vin[8] + "', expected '" +
                         expected_check_digit(vin) + "' (mandatory for WMI " + std::string(vin_wmi(vin)) + ")");
  }
  return {};
}

}  // namespace vinledger
