// A small reader for the RFC 4180 CSV files of the reference data: quoted
// fields, doubled quotes, a header row naming the columns.
#pragma once

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
  // The column's index, or an error naming the file if it has none.
  Result<std::size_t> column(std::string_view header) const;
  const std::string& cell(std::size_t row, std::size_t column) const { return rows_[row][column]; }

 private:
  std::string name_;
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace vinledger
