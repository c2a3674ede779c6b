#include "vinledger/untrusted_text.h"
#include "vinledger/csv_import.h"

#include <algorithm>

#include "csv_table.h"
#include "vinledger/canonical_json.h"
#include "vinledger/money.h"
#include "vinledger/statement.h"
#include "vinledger/timestamp.h"

namespace vinledger {
namespace {

using nlohmann::json;

constexpr std::string_view kMappingFormat = "vinledger-csv-mapping/1";


Result<std::string> string_member(const json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end()) return std::string();
  if (!it->is_string() || it->get_ref<const std::string&>().empty())
    return invalid_input(where + "." + name + " must be a non-empty string");
  return it->get<std::string>();
}

Result<CsvSource> source_from(const std::string& field, const json& value) {
  const std::string where = "fields." + field;
  CsvSource source;
  if (value.is_string()) {  // shorthand: a column
    source.column = value.get<std::string>();
    return source;
  }
  if (!value.is_object()) return invalid_input(where + " must be a column name or an object");
  for (const auto& [key, member] : value.items())
    if (key != "column" && key != "constant" && key != "currency" && key != "currency_column" &&
        key != "name_column" && key != "country_column")
      return invalid_input(where + " has unknown member " + quote_untrusted(key) +
                           " (column, constant, currency, currency_column, name_column, country_column)");
  if (auto it = value.find("constant"); it != value.end()) source.constant = *it;
  for (auto [name, slot] : {std::pair{"column", &source.column}, std::pair{"currency", &source.currency},
                            std::pair{"currency_column", &source.currency_column},
                            std::pair{"name_column", &source.name_column},
                            std::pair{"country_column", &source.country_column}}) {
    auto text = string_member(value, name, where);
    if (!text) return std::unexpected(text.error());
    if (!text->empty()) *slot = std::move(*text);
  }
  // A consignee may come from an id column, falling back to name and
  // country columns on rows that leave the id empty (a foreign buyer).
  const bool inline_columns = source.name_column.has_value() || source.country_column.has_value();
  const int kinds = source.column.has_value() + source.constant.has_value() + (inline_columns && !source.column);
  if (kinds != 1 || (source.constant && inline_columns))
    return invalid_input(where + " needs exactly one of column, constant, or name_column with country_column");
  if (source.name_column.has_value() != source.country_column.has_value())
    return invalid_input(where + " needs both name_column and country_column");
  if ((source.name_column && field != "consignee") ||
      ((source.currency || source.currency_column) && field != "value"))
    return invalid_input(where + ": currency applies to \"value\" only, name_column/country_column to \"consignee\" only");
  if (source.currency && !currency_minor_unit(*source.currency))
    return invalid_input(where + ".currency " + quote_untrusted(*source.currency) + " is not an ISO 4217 currency code");
  return source;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` digits; -1 if any is not one.
int digits_at(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "2023-05-12", "12/05/2023", "05/12/2023", "12.05.2023" per the mapping's
// date order, then optionally " 09:30" or "T09:30:15".
Result<LocalTime> local_time_from(std::string_view text, DateOrder order) {
  LocalTime local;
  std::size_t rest = 10;
  const char* expected = order == DateOrder::kYearMonthDay   ? "YYYY-MM-DD"
                         : order == DateOrder::kDayMonthYear ? "DD/MM/YYYY"
                                                             : "MM/DD/YYYY";
  auto bad = [&] {
    return invalid_input(quote_untrusted(text) + " is not a time: expected RFC 3339 with an offset, or " + expected +
                         " with an optional HH:MM[:SS] in the mapping's time zone");
  };
  if (text.size() < 10) return bad();
  if (order == DateOrder::kYearMonthDay) {
    if (text[4] != '-' || text[7] != '-') return bad();
    local.year = digits_at(text, 0, 4), local.month = digits_at(text, 5, 2), local.day = digits_at(text, 8, 2);
  } else {
    const char separator = text[2];
    if ((separator != '/' && separator != '.' && separator != '-') || text[5] != separator) return bad();
    const int first = digits_at(text, 0, 2), second = digits_at(text, 3, 2);
    local.year = digits_at(text, 6, 4);
    local.day = order == DateOrder::kDayMonthYear ? first : second;
    local.month = order == DateOrder::kDayMonthYear ? second : first;
  }
  if (local.year < 0 || local.month < 0 || local.day < 0) return bad();
  if (rest == text.size()) return local;
  if (text[rest] != ' ' && text[rest] != 'T') return bad();
  const std::string_view clock = text.substr(rest + 1);
  if ((clock.size() != 5 && clock.size() != 8) || clock[2] != ':' || (clock.size() == 8 && clock[5] != ':')) return bad();
  local.hour = digits_at(clock, 0, 2), local.minute = digits_at(clock, 3, 2);
  local.second = clock.size() == 8 ? digits_at(clock, 6, 2) : 0;
  if (local.hour < 0 || local.minute < 0 || local.second < 0) return bad();
  return local;
}

// A time cell: RFC 3339 with an offset as written, else a local time in
// the mapping's zone; the statement holds UTC either way.
Result<json> time_from(std::string_view text, const CsvMapping& mapping) {
  if (auto exact = parse_rfc3339(text)) return json(format_timestamp(*exact));
  auto local = local_time_from(text, mapping.date_order);
  if (!local) return std::unexpected(local.error());
  auto moment = mapping.time_zone.from_local(*local);
  if (!moment) return std::unexpected(moment.error());
  return json(format_timestamp(*moment));
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// A list cell: "MY, TH" or "MY;TH".
json list_from(std::string_view text) {
  json list = json::array();
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(",;", start), text.size());
    if (std::string item = trimmed(text.substr(start, end - start)); !item.empty()) list.push_back(std::move(item));
    start = end + 1;
  }
  return list;
}

// Converts one cell to the field's JSON value (before the contract's check).
Result<json> value_from_cell(const std::string& field, std::string_view cell, const CsvSource& source,
                             std::string_view row_currency, const CsvMapping& mapping) {
  if (field == "time") return time_from(cell, mapping);
  if (field == "value") {
    auto money = parse_money(cell, row_currency.empty() ? std::string_view(source.currency.value_or(""))
                                                        : row_currency);
    if (!money) return std::unexpected(money.error());
    return json{{"amount", money->amount}, {"currency", money->currency}};
  }
  if (field == "via" || field == "roles" || field == "wmi") return list_from(cell);
  return field_value_from_text(field, cell);
}

}  // namespace

Result<CsvMapping> CsvMapping::parse(std::string_view json_text) {
  auto document = parse_strict_json(json_text);
  if (!document) return std::unexpected(document.error());
  if (!document->is_object()) return invalid_input("a mapping must be a JSON object");
  for (const auto& [key, value] : document->items())
    if (key != "format" && key != "fields" && key != "time_zone" && key != "date_order")
      return invalid_input("unknown member " + quote_untrusted(key) + " (format, fields, time_zone, date_order)");
  if (document->value("format", "") != kMappingFormat)
    return invalid_input("format must be " + quote_untrusted(kMappingFormat));
  CsvMapping mapping;
  if (auto zone = document->find("time_zone"); zone != document->end()) {
    if (!zone->is_string()) return invalid_input("time_zone must be an IANA time zone name");
    auto located = TimeZone::locate(zone->get<std::string>());
    if (!located) return invalid_input("time_zone: " + located.error().message);
    mapping.time_zone = *located;
  }
  if (auto order = document->find("date_order"); order != document->end()) {
    const std::string text = order->is_string() ? order->get<std::string>() : "";
    if (text == "YMD") mapping.date_order = DateOrder::kYearMonthDay;
    else if (text == "DMY") mapping.date_order = DateOrder::kDayMonthYear;
    else if (text == "MDY") mapping.date_order = DateOrder::kMonthDayYear;
    else return invalid_input("date_order must be \"YMD\", \"DMY\" or \"MDY\"");
  }
  auto fields = document->find("fields");
  if (fields == document->end() || !fields->is_object() || fields->empty())
    return invalid_input("fields must be an object mapping statement fields to columns or constants");
  for (const auto& [field, value] : fields->items()) {
    if (field == "sig" || field == "prev")
      return invalid_input("fields." + field + " is set when the statement is signed, not read from a CSV");
    auto source = source_from(field, value);
    if (!source) return std::unexpected(source.error());
    mapping.fields.emplace(field, std::move(*source));
  }
  if (!mapping.fields.contains("type")) return invalid_input("fields.type is required (a constant or a column)");
  return mapping;
}

Result<std::vector<CsvRowStatement>> statements_from_csv(std::string_view csv_text, std::string_view csv_name,
                                                        const CsvMapping& mapping) {
  auto table = CsvTable::parse(csv_text, std::string(csv_name));
  if (!table) return std::unexpected(table.error());
  // Every column the mapping names must exist before any row is read.
  std::map<std::string, std::size_t> columns;
  for (const auto& [field, source] : mapping.fields)
    for (const auto* name : {&source.column, &source.currency_column, &source.name_column, &source.country_column})
      if (*name) {
        auto index = table->column(**name);
        if (!index) return invalid_input(std::string(csv_name) + ": the mapping's fields." + field + " names column " +
                                         quote_untrusted(**name) + ", which the header row does not have");
        columns[**name] = *index;
      }

  std::vector<CsvRowStatement> statements;
  statements.reserve(table->rows());
  for (std::size_t row = 0; row < table->rows(); ++row) {
    const std::int64_t number = table->row_number(row);
    auto at = [&](const std::string& column) -> Error {
      return Error{ErrorKind::invalid_input,
                   std::string(csv_name) + ": row " + std::to_string(number) + ", column " + quote_untrusted(column) + ": "};
    };
    auto cell = [&](const std::string& column) { return trimmed(table->cell(row, columns.at(column))); };
    json statement = json::object();
    // The type first: it decides which fields the row may have.
    const CsvSource& type_source = mapping.fields.at("type");
    const std::string type_text =
        type_source.constant ? (type_source.constant->is_string() ? type_source.constant->get<std::string>() : "")
                             : cell(*type_source.column);
    auto type = statement_type_from(type_text);
    if (!type) {
      Error error = type_source.column ? at(*type_source.column)
                                       : Error{ErrorKind::invalid_input, std::string(csv_name) + ": row " +
                                                                             std::to_string(number) + ": "};
      error.message += quote_untrusted(type_text) + " is not a statement type";
      return std::unexpected(error);
    }
    statement["type"] = type_text;
    for (const auto& [field, source] : mapping.fields) {
      if (field == "type") continue;
      const std::string column = source.column && (!source.name_column || !cell(*source.column).empty())
                                     ? *source.column
                                     : source.name_column.value_or("");
      auto fail = [&](const Error& error) {
        Error located = source.constant ? Error{ErrorKind::invalid_input, std::string(csv_name) + ": row " +
                                                                              std::to_string(number) + ", constant for \"" +
                                                                              field + "\": "}
                                        : at(column);
        located.message += error.message;
        return std::unexpected(located);
      };
      const auto required = field_required(*type, field);
      if (!required) {
        if (source.constant) continue;  // a constant for other types of row
        return fail(Error{ErrorKind::invalid_input, "field \"" + field + "\" is not a field of a " + type_text});
      }
      json value;
      const bool id_given = source.column && !cell(*source.column).empty();
      if (source.constant) {
        value = *source.constant;
      } else if (source.name_column && !id_given) {
        const std::string name = cell(*source.name_column), country = cell(*source.country_column);
        if (name.empty() && country.empty()) value = nullptr;
        else value = json{{"name", name}, {"country", country}};
      } else {
        const std::string text = cell(*source.column);
        if (text.empty()) {
          value = nullptr;
        } else {
          const std::string currency = source.currency_column ? cell(*source.currency_column) : "";
          auto converted = value_from_cell(field, text, source, currency, mapping);
          if (!converted) return fail(converted.error());
          value = std::move(*converted);
        }
      }
      if (value.is_null()) {
        if (*required) return fail(Error{ErrorKind::invalid_input, "empty, but a " + type_text + " needs \"" + field + "\""});
        continue;  // an optional field left blank is absent
      }
      if (auto ok = check_statement_field(*type, field, value); !ok) return fail(ok.error());
      statement[field] = std::move(value);
    }
    statements.push_back(CsvRowStatement{number, std::move(statement)});
  }
  return statements;
}

}  // namespace vinledger
