// IANA time zones, for showing times to people where they are (`--tz
// Asia/Tokyo`) and for reading local times written without an offset (a CSV
// export's time column). The ledger itself only ever stores UTC
// (docs/format.md); zones are read from the system's tz database
// (/usr/share/zoneinfo, Debian's tzdata).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vinledger/result.h"
#include "vinledger/timestamp.h"

namespace vinledger {

// A wall-clock time with no offset: what a person or a spreadsheet writes.
struct LocalTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int32_t nanos = 0;
};

class TimeZone {
 public:
  // UTC, the ledger's own zone.
  TimeZone();
  // An IANA zone by name ("Asia/Tokyo", "Europe/Berlin", "UTC"); an unknown
  // name is invalid_input.
  static Result<TimeZone> locate(std::string_view name);

  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == nullptr; }

  // RFC 3339 with this zone's offset at that moment, whole seconds:
  // "2023-05-12T09:30:00+09:00"; in UTC "2023-05-12T00:30:00Z".
  std::string format(UtcTime time) const;
  // The moment a wall-clock time in this zone names. A time that does not
  // exist (skipped when clocks go forward) or exists twice (when they go
  // back) is invalid_input: only an offset can say which moment was meant.
  [[nodiscard]] Result<UtcTime> from_local(const LocalTime& local) const;

 private:
  std::string name_ = "UTC";
  const void* zone_ = nullptr;  // date::time_zone; null for UTC
};

}  // namespace vinledger
