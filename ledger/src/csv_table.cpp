#include "csv_table.h"

#include "durable_file.h"

namespace vinledger {
namespace {

// A CSV export this large is not one batch of vehicle records.
constexpr std::size_t kMaxCsvBytes = std::size_t{256} << 20;

// Splits one record starting at `pos`; advances `pos` past its line end.
Result<std::vector<std::string>> parse_record(std::string_view text, std::size_t& pos) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (pos < text.size() && text[pos] == '"') {
        field += '"';
        ++pos;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) return invalid_input("unterminated quoted field");
  fields.push_back(std::move(field));
  return fields;
}

}  // namespace

Result<CsvTable> CsvTable::read(const std::filesystem::path& path) {
  // Read whole through the one bounded reader: a read error partway is a
  // storage error, never a shorter file whose first rows would be imported.
  auto text = read_small_file(path, kMaxCsvBytes);
  if (!text) return std::unexpected(text.error());
  return parse(*text, path.string());
}

Result<CsvTable> CsvTable::parse(std::string_view text, const std::string& name) {
  CsvTable table;
  table.name_ = name;
  std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0, line = 0;
  while (pos < text.size()) {
    ++line;
    auto record = parse_record(text, pos);
    if (!record) return invalid_input(name + ": row " + std::to_string(line) + ": " + record.error().message);
    if (record->size() == 1 && record->front().empty()) continue;  // blank line
    if (table.headers_.empty()) {
      table.headers_ = std::move(*record);
      continue;
    }
    if (record->size() != table.headers_.size())
      return invalid_input(name + ": row " + std::to_string(line) + ": " + std::to_string(record->size()) +
                           " fields, the header has " + std::to_string(table.headers_.size()));
    table.rows_.push_back(std::move(*record));
    table.row_numbers_.push_back(static_cast<std::int64_t>(line));
  }
  if (table.headers_.empty()) return invalid_input(name + ": empty file (a header row is required)");
  return table;
}

Result<std::size_t> CsvTable::column(std::string_view header) const {
  for (std::size_t i = 0; i < headers_.size(); ++i)
    if (headers_[i] == header) return i;
  return invalid_input(name_ + " has no column \"" + std::string(header) + "\"");
}

}  // namespace vinledger
