// Loading the trade tables of a data directory: UN/LOCODEs, trade places
// (hubs, transit routes), customs unions, exchange rates, reference
// values, designated vessels and diplomatic-mission words.
#pragma once

#include <filesystem>

#include "vinledger/reference_data.h"

namespace vinledger {

[[nodiscard]] Status load_trade_tables(ReferenceData& data, const std::filesystem::path& dir);

}  // namespace vinledger
