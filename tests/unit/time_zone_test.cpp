// Times with any RFC 3339 offset become the contract's UTC; IANA zones show
// times where people are and read local wall-clock times.
#include "vinledger/time_zone.h"

#include <catch2/catch.hpp>

namespace vinledger {
namespace {

using Catch::Matchers::Contains;

std::string utc(std::string_view text) {
  auto converted = utc_timestamp_text(text);
  INFO(text);
  if (!converted) FAIL(converted.error().message);
  return *converted;
}

TEST_CASE("RFC 3339 times with any offset are converted to UTC", "[time]") {
  CHECK(utc("2023-05-12T09:30:00+09:00") == "2023-05-12T00:30:00Z");
  CHECK(utc("2023-05-12T09:30:00-05:30") == "2023-05-12T15:00:00Z");
  CHECK(utc("2023-01-01T01:00:00+02:00") == "2022-12-31T23:00:00Z");  // across a year
  CHECK(utc("2024-03-01T00:30:00+01:00") == "2024-02-29T23:30:00Z");  // a leap day
  CHECK(utc("2023-05-12T09:30:00.250+09:00") == "2023-05-12T00:30:00.25Z");
  CHECK(utc("2023-05-12t09:30:00z") == "2023-05-12T09:30:00Z");
  CHECK(utc("2023-05-12T00:30:00+00:00") == "2023-05-12T00:30:00Z");
  // The contract's own form is kept byte for byte (it may be what was signed).
  CHECK(utc("2023-05-12T00:30:00.500000000Z") == "2023-05-12T00:30:00.500000000Z");
}

TEST_CASE("malformed offsets are refused with the expected form", "[time]") {
  for (const char* bad : {"2023-05-12T09:30:00+9:00", "2023-05-12T09:30:00+24:00", "2023-05-12T09:30:00+09:60",
                          "2023-05-12T09:30:00", "2023-05-12 09:30:00+09:00", "2023-02-30T09:30:00+09:00",
                          "2999-12-31T23:00:00-02:00"}) {
    INFO(bad);
    auto converted = utc_timestamp_text(bad);
    REQUIRE_FALSE(converted);
    CHECK_THAT(converted.error().message, Contains("expected RFC 3339"));
  }
}

TEST_CASE("a zone formats a moment with its offset at that moment", "[time][tz]") {
  auto tokyo = TimeZone::locate("Asia/Tokyo");
  REQUIRE(tokyo);
  CHECK(tokyo->format(*parse_timestamp("2023-05-12T00:30:00Z")) == "2023-05-12T09:30:00+09:00");
  auto berlin = TimeZone::locate("Europe/Berlin");
  REQUIRE(berlin);
  CHECK(berlin->format(*parse_timestamp("2023-01-15T12:00:00Z")) == "2023-01-15T13:00:00+01:00");
  CHECK(berlin->format(*parse_timestamp("2023-07-15T12:00:00Z")) == "2023-07-15T14:00:00+02:00");
  auto new_york = TimeZone::locate("America/New_York");
  REQUIRE(new_york);
  CHECK(new_york->format(*parse_timestamp("2023-07-15T12:00:00Z")) == "2023-07-15T08:00:00-04:00");
  CHECK(TimeZone().format(*parse_timestamp("2023-07-15T12:00:00Z")) == "2023-07-15T12:00:00Z");
  auto utc_zone = TimeZone::locate("UTC");
  REQUIRE(utc_zone);
  CHECK(utc_zone->is_utc());
}

TEST_CASE("an unknown zone is refused by name", "[time][tz]") {
  auto zone = TimeZone::locate("Asia/Tokio");
  REQUIRE_FALSE(zone);
  CHECK_THAT(zone.error().message, Contains("\"Asia/Tokio\"") && Contains("IANA"));
}

TEST_CASE("local wall-clock times are read in their zone, and refused where ambiguous", "[time][tz]") {
  auto berlin = TimeZone::locate("Europe/Berlin");
  REQUIRE(berlin);
  auto winter = berlin->from_local(LocalTime{2023, 1, 15, 13, 0, 0});
  REQUIRE(winter);
  CHECK(format_timestamp(*winter) == "2023-01-15T12:00:00Z");
  // 26 March 2023: 02:00 became 03:00; 29 October 2023: 03:00 became 02:00.
  auto skipped = berlin->from_local(LocalTime{2023, 3, 26, 2, 30, 0});
  REQUIRE_FALSE(skipped);
  CHECK_THAT(skipped.error().message, Contains("does not exist in Europe/Berlin"));
  auto twice = berlin->from_local(LocalTime{2023, 10, 29, 2, 30, 0});
  REQUIRE_FALSE(twice);
  CHECK_THAT(twice.error().message, Contains("happened twice"));
  auto no_day = berlin->from_local(LocalTime{2023, 2, 30, 0, 0, 0});
  REQUIRE_FALSE(no_day);
}

}  // namespace
}  // namespace vinledger
