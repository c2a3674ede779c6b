#include "vinledger/timestamp.h"

#include <chrono>
#include <cstdio>

#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` digits at `pos`; -1 if any is not a digit.
int read_number(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int year, int month, int day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int year_of_era = static_cast<int>(year - era * 400);
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

Error bad_timestamp(std::string_view text, const char* why) {
  return Error{ErrorKind::invalid_input, "invalid timestamp " + quote_untrusted(text, 40) + ": " + why +
                                             " (expected RFC 3339 UTC, e.g. 2023-05-01T09:30:00Z)"};
}

Result<std::int64_t> parse_date_days(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::unexpected(bad_timestamp(text, "bad date"));
  const int year = read_number(text, 0, 4), month = read_number(text, 5, 2), day = read_number(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return std::unexpected(bad_timestamp(text, "bad date"));
  if (year < 1900 || year > 2999) return std::unexpected(bad_timestamp(text, "year outside 1900-2999"));
  if (month < 1 || month > 12) return std::unexpected(bad_timestamp(text, "month out of range"));
  if (day < 1 || day > days_in_month(year, month)) return std::unexpected(bad_timestamp(text, "no such day"));
  return days_from_civil(year, month, day);
}

}  // namespace

Result<UtcTime> parse_timestamp(std::string_view text) {
  auto days = parse_date_days(text);
  if (!days) return std::unexpected(days.error());
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return std::unexpected(bad_timestamp(text, "bad time of day"));
  const int hour = read_number(text, 11, 2), minute = read_number(text, 14, 2), second = read_number(text, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59)
    return std::unexpected(bad_timestamp(text, "time of day out of range"));
  std::size_t pos = 19;
  std::int32_t nanos = 0;
  if (text[pos] == '.') {
    std::size_t digits = 0;
    for (++pos; pos < text.size() && is_digit(text[pos]); ++pos, ++digits) {
      if (digits >= 9) return std::unexpected(bad_timestamp(text, "more than 9 fractional digits"));
      nanos = nanos * 10 + (text[pos] - '0');
    }
    if (digits == 0) return std::unexpected(bad_timestamp(text, "empty fraction"));
    for (; digits < 9; ++digits) nanos *= 10;
  }
  if (pos + 1 != text.size() || text[pos] != 'Z')
    return std::unexpected(bad_timestamp(text, "must end in Z (UTC)"));
  return UtcTime{*days * 86400 + hour * 3600 + minute * 60 + second, nanos};
}

namespace {

// As bad_timestamp, for input that may carry any offset.
Error bad_offset_time(std::string_view text, const char* why) {
  Error error = bad_timestamp(text, why);
  error.message = error.message.substr(0, error.message.rfind(" (expected")) +
                  " (expected RFC 3339, e.g. 2023-05-01T09:30:00Z or 2023-05-01T18:30:00+09:00)";
  return error;
}

}  // namespace

Result<UtcTime> parse_rfc3339(std::string_view text) {
  // The offset is the last 6 characters ("+09:00") unless the text ends in Z.
  if (text.size() < 20) return std::unexpected(bad_offset_time(text, "too short for a date, a time and an offset"));
  std::string utc(text);
  if (utc[10] == 't') utc[10] = 'T';  // RFC 3339 section 5.6 allows lower case
  if (utc.back() == 'z') utc.back() = 'Z';
  if (utc.back() == 'Z') return parse_timestamp(utc);
  const std::size_t sign_at = utc.size() - 6;
  const char sign = utc[sign_at];
  if ((sign != '+' && sign != '-') || utc[sign_at + 3] != ':')
    return std::unexpected(bad_offset_time(text, "must end in Z or an offset such as +09:00"));
  const int hours = read_number(utc, sign_at + 1, 2), minutes = read_number(utc, sign_at + 4, 2);
  if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59)
    return std::unexpected(bad_offset_time(text, "offset out of range"));
  utc.replace(sign_at, 6, "Z");
  auto local = parse_timestamp(utc);
  if (!local) return std::unexpected(bad_offset_time(text, "bad date or time of day"));
  const std::int64_t offset = (hours * 3600 + minutes * 60) * (sign == '+' ? 1 : -1);
  UtcTime time{local->seconds - offset, local->nanos};
  // The contract's years are 1900-2999 in UTC, after the offset too.
  if (time.seconds < -2208988800 || time.seconds > 32503680000 - 1)
    return std::unexpected(bad_offset_time(text, "year outside 1900-2999 in UTC"));
  return time;
}

Result<std::string> utc_timestamp_text(std::string_view text) {
  // Already the contract's form: keep the exact bytes (they may be signed).
  if (parse_timestamp(text)) return std::string(text);
  auto time = parse_rfc3339(text);
  if (!time) return std::unexpected(time.error());
  return format_timestamp(*time);
}

std::string format_timestamp(UtcTime time) {
  std::string text = format_timestamp(time.seconds);
  if (time.nanos == 0) return text;
  std::string fraction = std::to_string(1000000000 + time.nanos).substr(1);
  while (fraction.back() == '0') fraction.pop_back();
  text.insert(text.size() - 1, "." + fraction);
  return text;
}

Result<UtcTime> parse_date_or_timestamp(std::string_view text) {
  if (text.size() != 10) return parse_rfc3339(text);
  auto days = parse_date_days(text);
  if (!days) return std::unexpected(days.error());
  return UtcTime{*days * 86400, 0};
}

std::string format_timestamp(std::int64_t seconds) {
  std::int64_t days = seconds / 86400, rest = seconds % 86400;
  if (rest < 0) rest += 86400, --days;
  // Inverse of days_from_civil (H. Hinnant's civil_from_days).
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int day_of_era = static_cast<int>(days - era * 146097);
  const int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int mp = (5 * day_of_year + 2) / 153;
  const int day = day_of_year - (153 * mp + 2) / 5 + 1;
  const int month = mp < 10 ? mp + 3 : mp - 9;
  const long long year = year_of_era + era * 400 + (month <= 2);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02d:%02d:%02dZ", year, month, day,
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return buffer;
}

std::int64_t now_seconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace vinledger
