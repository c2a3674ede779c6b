// RFC 3339 UTC timestamps: the one accepted form, every refusal, and
// format/parse round trips checked against std::chrono's civil calendar.
#include "vinledger/timestamp.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>

namespace vinledger {
namespace {

using Catch::Matchers::Contains;

UtcTime parse_ok(std::string_view text) {
  INFO("timestamp: " << text);
  const Result<UtcTime> time = parse_timestamp(text);
  if (!time) FAIL("refused: " << time.error().message);
  return *time;
}

// "YYYY-MM-DDTHH:MM:SSZ" from the standard library's calendar, independent
// of the code under test.
std::string civil_text(std::chrono::sys_seconds instant) {
  using namespace std::chrono;
  const sys_days day = floor<days>(instant);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> tod(instant - day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  return buffer;
}

std::int64_t seconds_of(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days(year{y} / month{m} / day{d}).time_since_epoch().count() * 86400;
}

}  // namespace

TEST_CASE("parse_timestamp reads whole-second UTC timestamps", "[timestamp]") {
  struct Case {
    const char* text;
    std::int64_t seconds;
  };
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2023-05-01T09:30:00Z", 1682933400},
      {"2000-02-29T00:00:00Z", 951782400},
      {"1900-01-01T00:00:00Z", -2208988800},  // first accepted instant
      {"2999-12-31T23:59:59Z", 32503679999},  // last accepted instant
      {"1969-12-31T23:59:59Z", -1},
      {"2024-02-29T23:59:59Z", seconds_of(2024, 3, 1) - 1},
  };
  for (const Case& c : cases) {
    const UtcTime time = parse_ok(c.text);
    CHECK(time.seconds == c.seconds);
    CHECK(time.nanos == 0);
  }
}

TEST_CASE("parse_timestamp reads 1 to 9 fractional digits as nanoseconds", "[timestamp]") {
  struct Case {
    const char* text;
    std::int32_t nanos;
  };
  const Case cases[] = {
      {"2023-05-01T09:30:00.5Z", 500000000},       {"2023-05-01T09:30:00.05Z", 50000000},
      {"2023-05-01T09:30:00.123Z", 123000000},     {"2023-05-01T09:30:00.000001Z", 1000},
      {"2023-05-01T09:30:00.123456789Z", 123456789}, {"2023-05-01T09:30:00.000000001Z", 1},
      {"2023-05-01T09:30:00.0Z", 0},               {"2023-05-01T09:30:00.999999999Z", 999999999},
  };
  for (const Case& c : cases) {
    const UtcTime time = parse_ok(c.text);
    CHECK(time.seconds == 1682933400);
    CHECK(time.nanos == c.nanos);
  }
}

TEST_CASE("parse_timestamp refuses everything but RFC 3339 UTC in range", "[timestamp]") {
  struct Case {
    std::string text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "bad date"},
      {"2023-05-01", "bad time of day"},  // a plain date is not a timestamp
      {"2023-13-01T00:00:00Z", "month out of range"},
      {"2023-00-01T00:00:00Z", "month out of range"},
      {"2023-05-00T00:00:00Z", "no such day"},
      {"2023-05-32T00:00:00Z", "no such day"},
      {"2023-04-31T00:00:00Z", "no such day"},
      {"2023-02-29T00:00:00Z", "no such day"},  // not a leap year
      {"1900-02-29T00:00:00Z", "no such day"},  // divisible by 100, not by 400
      {"2100-02-29T00:00:00Z", "no such day"},
      {"2024-02-30T00:00:00Z", "no such day"},  // leap year, but only 29 days
      {"2000-02-30T00:00:00Z", "no such day"},
      {"1899-12-31T23:59:59Z", "year outside 1900-2999"},
      {"3000-01-01T00:00:00Z", "year outside 1900-2999"},
      {"0000-01-01T00:00:00Z", "year outside 1900-2999"},
      {"2023-05-01T24:00:00Z", "time of day out of range"},
      {"2023-05-01T23:60:00Z", "time of day out of range"},
      {"2023-05-01T23:59:60Z", "time of day out of range"},  // no leap seconds
      {"2023-05-01T09:30:00+09:00", "must end in Z"},
      {"2023-05-01T09:30:00+00:00", "must end in Z"},  // UTC, but not spelled Z
      {"2023-05-01T09:30:00-00:00", "must end in Z"},
      {"2023-05-01t09:30:00Z", "bad time of day"},
      {"2023-05-01T09:30:00z", "must end in Z"},
      {"2023-05-01 09:30:00Z", "bad time of day"},
      {"2023-05-01T09:30:00", "bad time of day"},  // missing Z, 19 characters
      {"2023-05-01T09:30:00.5", "must end in Z"},  // missing Z after a fraction
      {"2023-05-01T09:30:00.Z", "empty fraction"},
      {"2023-05-01T09:30:00.1234567890Z", "more than 9 fractional digits"},
      {"2023-05-01T09:30:00ZZ", "must end in Z"},
      {"2023-05-01T09:30:00Z ", "must end in Z"},
      {"2023-05-01T09:30:00.5Zjunk", "must end in Z"},
      {std::string("2023-05-01T09:30:00Z\0", 21), "must end in Z"},
      {" 2023-05-01T09:30:00Z", "bad date"},
      {"2023/05/01T09:30:00Z", "bad date"},
      {"2023-5-01T09:30:00Z", "bad date"},
      {"+023-05-01T09:30:00Z", "bad date"},
      {"2023-05-01T9:30:00Z", "bad time of day"},
      {"2023-05-01T09:3a:00Z", "time of day out of range"},
      {"2023-05-01T09:30:00,5Z", "must end in Z"},
      {"20230501T093000Z", "bad date"},  // basic format is not RFC 3339
  };
  for (const Case& c : cases) {
    INFO("timestamp: \"" << c.text << "\"");
    const Result<UtcTime> time = parse_timestamp(c.text);
    REQUIRE_FALSE(time.has_value());
    CHECK(time.error().kind == ErrorKind::invalid_input);
    CHECK_THAT(time.error().message, Contains(c.reason));
    CHECK_THAT(time.error().message, Contains("invalid timestamp"));
  }
}

TEST_CASE("February 29 exists exactly in Gregorian leap years", "[timestamp]") {
  for (int year = 1900; year <= 2999; ++year) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    char text[32];
    std::snprintf(text, sizeof text, "%04d-02-29T12:00:00Z", year);
    INFO(text);
    const Result<UtcTime> time = parse_timestamp(text);
    CHECK(time.has_value() == leap);
    if (leap && time) {
      CHECK(time->seconds == seconds_of(year, 2, 29) + 12 * 3600);
      CHECK(format_timestamp(time->seconds) == text);
    }
  }
  // The century rules, spelled out.
  CHECK_FALSE(parse_timestamp("1900-02-29T00:00:00Z").has_value());
  CHECK(parse_timestamp("2000-02-29T00:00:00Z").has_value());
  CHECK(parse_timestamp("2400-02-29T00:00:00Z").has_value());
  CHECK_FALSE(parse_timestamp("2023-02-29T00:00:00Z").has_value());
  CHECK(parse_timestamp("2024-02-29T00:00:00Z").has_value());
}

TEST_CASE("format_timestamp and parse_timestamp agree with the civil calendar over 1900-2999", "[timestamp]") {
  using namespace std::chrono;
  const std::int64_t first = seconds_of(1900, 1, 1);
  const std::int64_t last = seconds_of(3000, 1, 1) - 1;
  // A stride that is not a whole number of days or hours visits every time
  // of day and, over the range, days in every month of many years.
  const std::int64_t stride = 86400 * 3 + 3600 * 5 + 60 * 7 + 11;
  int mismatches = 0, visited = 0;
  auto visit = [&](std::int64_t seconds) {
    ++visited;
    const std::string expected = civil_text(sys_seconds(std::chrono::seconds(seconds)));
    const std::string formatted = format_timestamp(seconds);
    const Result<UtcTime> parsed = parse_timestamp(formatted);
    if (formatted != expected || !parsed || parsed->seconds != seconds || parsed->nanos != 0) {
      if (++mismatches <= 5) {
        FAIL_CHECK("instant " << seconds << ": formatted " << formatted << ", expected " << expected
                              << (parsed ? "" : ", refused: " + parsed.error().message));
      }
    }
  };
  for (std::int64_t s = first; s <= last; s += stride) visit(s);
  // Every day boundary, including each leap day and the day after it.
  for (std::int64_t s = first; s <= last; s += 86400) {
    visit(s);
    visit(s + 86399);
  }
  visit(first);
  visit(last);
  CHECK(mismatches == 0);
  CHECK(visited > 800000);
}

TEST_CASE("format_timestamp writes whole seconds, before and after 1970", "[timestamp]") {
  CHECK(format_timestamp(0) == "1970-01-01T00:00:00Z");
  CHECK(format_timestamp(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_timestamp(-86400) == "1969-12-31T00:00:00Z");
  CHECK(format_timestamp(1682933400) == "2023-05-01T09:30:00Z");
  CHECK(format_timestamp(951782400) == "2000-02-29T00:00:00Z");
  CHECK(format_timestamp(-2208988800) == "1900-01-01T00:00:00Z");
  CHECK(format_timestamp(32503679999) == "2999-12-31T23:59:59Z");
}

TEST_CASE("UtcTime orders by seconds, then by fraction", "[timestamp]") {
  const UtcTime a = parse_ok("2023-05-01T09:30:00Z");
  const UtcTime b = parse_ok("2023-05-01T09:30:00.000000001Z");
  const UtcTime c = parse_ok("2023-05-01T09:30:00.49Z");
  const UtcTime d = parse_ok("2023-05-01T09:30:00.5Z");
  const UtcTime e = parse_ok("2023-05-01T09:30:00.500000000Z");
  const UtcTime f = parse_ok("2023-05-01T09:30:00.999999999Z");
  const UtcTime g = parse_ok("2023-05-01T09:30:01Z");
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK(d == e);  // trailing zeros do not change the instant
  CHECK(d < f);
  CHECK(f < g);
  CHECK(g > a);
  CHECK((parse_ok("1969-12-31T23:59:59.9Z") < parse_ok("1970-01-01T00:00:00Z")));
}

TEST_CASE("parse_date_or_timestamp takes a plain date as its midnight UTC", "[timestamp]") {
  const Result<UtcTime> date = parse_date_or_timestamp("2023-05-01");
  REQUIRE(date.has_value());
  CHECK(date->seconds == seconds_of(2023, 5, 1));
  CHECK(date->nanos == 0);
  CHECK(*date == parse_ok("2023-05-01T00:00:00Z"));

  const Result<UtcTime> leap = parse_date_or_timestamp("2000-02-29");
  REQUIRE(leap.has_value());
  CHECK(leap->seconds == 951782400);

  // A full timestamp still works, with its fraction.
  const Result<UtcTime> full = parse_date_or_timestamp("2023-05-01T09:30:00.25Z");
  REQUIRE(full.has_value());
  CHECK(full->seconds == 1682933400);
  CHECK(full->nanos == 250000000);

  for (const char* bad : {"2023-02-29", "1900-02-29", "1899-12-31", "3000-01-01", "2023-13-01", "2023-05-1",
                          "2023-05-01Z", "2023-05-01T", "2023/05/01", "23-05-01", "", "2023-05-01 "}) {
    INFO("\"" << bad << "\"");
    const Result<UtcTime> time = parse_date_or_timestamp(bad);
    CHECK_FALSE(time.has_value());
    if (!time) CHECK(time.error().kind == ErrorKind::invalid_input);
  }
}

TEST_CASE("error messages do not echo control characters", "[timestamp]") {
  const Result<UtcTime> time = parse_timestamp("2023-05-01T09:30:00Z\n\x1b[31m");
  REQUIRE_FALSE(time.has_value());
  CHECK(time.error().message.find('\n') == std::string::npos);
  CHECK(time.error().message.find('\x1b') == std::string::npos);
}

TEST_CASE("now_seconds is the current time", "[timestamp]") {
  const std::int64_t now = now_seconds();
  CHECK(now > seconds_of(2024, 1, 1));
  CHECK(now < seconds_of(2999, 1, 1));
}

}  // namespace vinledger
