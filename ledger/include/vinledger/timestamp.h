// RFC 3339 timestamps in UTC ("2023-05-01T09:30:00Z"), the only time form in
// the contract.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

struct UtcTime {
  std::int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  std::int32_t nanos = 0;    // from an optional fraction of a second
  auto operator<=>(const UtcTime&) const = default;
};

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z", years 1900-2999, a real calendar date,
// 'T' and 'Z' upper case. Offsets other than Z are refused: the contract is UTC.
Result<UtcTime> parse_timestamp(std::string_view text);

// A plain date "YYYY-MM-DD" (its start, 00:00:00Z), or an RFC 3339 time
// with any offset (parse_rfc3339), for options such as --as-of.
Result<UtcTime> parse_date_or_timestamp(std::string_view text);

// RFC 3339 with any offset, as people and their systems write times
// ("2023-05-12T09:30:00+09:00", 't' and 'z' in lower case too); the moment
// it names, which must fall in 1900-2999 UTC.
Result<UtcTime> parse_rfc3339(std::string_view text);

// The contract's UTC text for an RFC 3339 time with any offset: the text
// itself if it already is one (its bytes may be signed), else the same
// moment ending in Z, fraction kept.
Result<std::string> utc_timestamp_text(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" (whole seconds).
std::string format_timestamp(std::int64_t seconds);
// The same with the fraction, if any ("...:00.5Z").
std::string format_timestamp(UtcTime time);

// The current time, whole seconds.
std::int64_t now_seconds();

}  // namespace vinledger
