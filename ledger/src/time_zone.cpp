// Backed by Howard Hinnant's date/tz.h (Debian's libhowardhinnant-date-dev,
// built to read the OS tz database): g++ 12's libstdc++ has no C++20
// chrono::tzdb. docs/architecture.md says why this rather than a TZif reader.
#include "vinledger/time_zone.h"

#include <date/tz.h>

#include <cstdio>
#include <exception>

namespace vinledger {
namespace {

using Seconds = std::chrono::sys_seconds;

const date::time_zone* zone_of(const void* zone) { return static_cast<const date::time_zone*>(zone); }

std::string shown(std::string_view text) {
  std::string out(text.substr(0, 64));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return "\"" + out + "\"";
}

}  // namespace

TimeZone::TimeZone() = default;

Result<TimeZone> TimeZone::locate(std::string_view name) {
  TimeZone zone;
  if (name == "UTC" || name == "Z" || name == "Etc/UTC") return zone;
  // The database is read on first use; a zone it lacks, or a missing
  // database, is an exception in date/tz.h.
  try {
    zone.zone_ = date::locate_zone(name);
  } catch (const std::exception&) {
    return invalid_input("time zone " + shown(name) +
                         " is not an IANA time zone name known to this system (e.g. Asia/Tokyo, Europe/Berlin, UTC)");
  }
  zone.name_ = std::string(name);
  return zone;
}

std::string TimeZone::format(UtcTime time) const {
  if (!zone_) return format_timestamp(time.seconds);
  const auto info = zone_of(zone_)->get_info(Seconds(std::chrono::seconds(time.seconds)));
  const std::int64_t offset = info.offset.count();
  std::string text = format_timestamp(time.seconds + offset);
  text.pop_back();  // the Z
  if (offset == 0) return text + "+00:00";
  char buffer[16];
  const std::int64_t magnitude = offset < 0 ? -offset : offset;
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", offset < 0 ? '-' : '+', static_cast<int>(magnitude / 3600),
                static_cast<int>(magnitude / 60 % 60));
  return text + buffer;
}

Result<UtcTime> TimeZone::from_local(const LocalTime& local) const {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", local.year, local.month, local.day, local.hour,
                local.minute, local.second);
  // Read as if UTC, which checks the calendar date and the time of day.
  auto as_utc = parse_timestamp(text);
  if (!as_utc) return std::unexpected(as_utc.error());
  if (!zone_) return UtcTime{as_utc->seconds, local.nanos};
  const date::local_seconds wall{std::chrono::seconds(as_utc->seconds)};
  const auto info = zone_of(zone_)->get_info(wall);
  std::string shown_time(text);
  shown_time.pop_back();
  switch (info.result) {
    case date::local_info::unique:
      return UtcTime{as_utc->seconds - info.first.offset.count(), local.nanos};
    case date::local_info::nonexistent:
      return invalid_input("local time " + shown_time + " does not exist in " + name_ +
                           " (the clocks went forward): give the time with its offset");
    case date::local_info::ambiguous:
      return invalid_input("local time " + shown_time + " happened twice in " + name_ +
                           " (the clocks went back): give the time with its offset");
  }
  return internal_error("unhandled local time kind");
}

}  // namespace vinledger
