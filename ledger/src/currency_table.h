// The ISO 4217 minor units, compiled from ledger/data/currencies.csv by
// ledger/CMakeLists.txt (currency_table_generated.cpp), sorted by code.
#pragma once

#include <span>
#include <string_view>

namespace vinledger {

struct CurrencyMinorUnit {
  std::string_view code;
  int minor_unit;
};

std::span<const CurrencyMinorUnit> iso4217_minor_units();

}  // namespace vinledger
