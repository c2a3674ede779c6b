// A small reader for RFC 4180 CSV: quoted fields (which may hold commas and
// line breaks), doubled quotes, a header row naming the columns. Reads the
// reference data and the spreadsheets of `vinledger import`; a UTF-8 byte
// order mark (as spreadsheet programs write) is skipped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/result.h"

namespace vinledger {

class CsvTable {
 public:
  // Reads and parses the whole file; an error names the file and line.
  static Result<CsvTable> read(const std::filesystem::path& path);
  static Result<CsvTable> parse(std::string_view text, const std::string& name);

  std::size_t rows() const { return rows_.size(); }
  const std::vector<std::string>& headers() const { return headers_; }
  // Where row `row` is, counted as a spreadsheet counts its rows: the header
  // is row 1, blank lines count too (a quoted line break does not).
  std::int64_t row_number(std::size_t row) const { return row_numbers_[row]; }
  // The column's index, or an error naming the file if it has none.
  Result<std::size_t> column(std::string_view header) const;
  const std::string& cell(std::size_t row, std::size_t column) const { return rows_[row][column]; }

 private:
  std::string name_;
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::int64_t> row_numbers_;
};

}  // namespace vinledger
