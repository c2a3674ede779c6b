// Statements from a spreadsheet: a dealer-management system's CSV export
// and a mapping file that says, for each statement field, which column (or
// which constant) it comes from, the time zone of the time columns and the
// currency of the amount column (docs/format.md "CSV import"). The rows
// become unsigned statements; `Ledger::record_all` signs and appends them,
// all or nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/result.h"
#include "vinledger/time_zone.h"

namespace vinledger {

// Where one statement field's value comes from.
struct CsvSource {
  std::optional<std::string> column;     // the column's header
  std::optional<nlohmann::json> constant;
  std::optional<std::string> currency;   // `value` from a bare number: its currency
  std::optional<std::string> currency_column;
  // `consignee` written as two columns (a foreign buyer with no party id).
  std::optional<std::string> name_column, country_column;
};

enum class DateOrder { kYearMonthDay, kDayMonthYear, kMonthDayYear };

struct CsvMapping {
  std::map<std::string, CsvSource> fields;  // statement field -> source; "type" included
  TimeZone time_zone;                       // of times written without an offset
  DateOrder date_order = DateOrder::kYearMonthDay;

  // Reads a mapping file's JSON (format "vinledger-csv-mapping/1"); errors
  // name the member.
  [[nodiscard]] static Result<CsvMapping> parse(std::string_view json_text);
};

// One row's statement; `row` counts as a spreadsheet does (the header is
// row 1, the first data row is row 2).
struct CsvRowStatement {
  std::int64_t row = 0;
  nlohmann::json statement;  // unsigned, without actor when the mapping has none
};

// Every row as an unsigned statement, each field converted and checked
// against the statement contract as it is read: an error names the file,
// the row and the column ("sales.csv: row 14, column \"Chassis/VIN\": VIN
// check digit ..."). The first error stops: nothing is half-read.
[[nodiscard]] Result<std::vector<CsvRowStatement>> statements_from_csv(std::string_view csv_text,
                                                                      std::string_view csv_name,
                                                                      const CsvMapping& mapping);

}  // namespace vinledger
