// JSON Lines input, read as `append` reads it, for commands that pass
// statements on (submit) or check lines one by one (verify-receipt).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

// Calls `each` with every line that is not blank, and its 1-based number.
// A "\r" before the "\n" is dropped; a line longer than `max_line_bytes` is
// refused without being read into memory. Errors (the reader's, or the
// first one `each` returns) carry "<source>:<line>: " before the message.
[[nodiscard]] Status for_each_json_line(std::istream& in, std::string_view source, std::size_t max_line_bytes,
                                        const std::function<Status(std::int64_t number, std::string_view text)>& each);

}  // namespace vinledger
