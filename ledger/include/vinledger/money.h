// Amounts of money: what a declared `value` holds (minor units of an ISO
// 4217 currency, docs/format.md), read from what people write ("65,000.00
// EUR", "10000000 JPY") and printed back in major units.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

// An amount in minor units of an ISO 4217 currency, as in an export's `value`.
struct Money {
  std::int64_t amount = 0;
  std::string currency;
  bool operator==(const Money&) const = default;
};

// The currency's ISO 4217 minor unit (JPY 0, EUR 2, KWD 3), from the table
// in ledger/data/currencies.csv compiled into the library; nullopt for a
// code that is not in it (including the codes ISO lists with no minor unit,
// such as XAU).
std::optional<int> currency_minor_unit(std::string_view code);

// Reads an amount as people write it: "65000 EUR", "65,000.00 EUR",
// "EUR 65,000", "10000000 JPY"; ',' groups thousands (in threes) and '.'
// marks decimals. When the text has no currency, `default_currency` is used
// (a CSV column whose currency the mapping names). Refused, with a one-line
// reason: an unknown currency, more decimals than the currency has, a
// negative amount, digit groups that are not threes ("65.000,00" is read
// as neither), and amounts beyond 2^53-1 minor units.
Result<Money> parse_money(std::string_view text, std::string_view default_currency = {});

// "10,000,000 JPY", "50,000.00 EUR": the amount in major units. A currency
// not in the table is printed in minor units and says so.
std::string format_money(const Money& money);

}  // namespace vinledger
