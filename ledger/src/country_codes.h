// ISO 3166-1 alpha-2 country codes.
#pragma once

#include <string_view>

namespace vinledger {

// True for the assigned ISO 3166-1 alpha-2 codes (upper case).
bool is_country_code(std::string_view code);

}  // namespace vinledger
