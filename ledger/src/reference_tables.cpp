// The trade tables of the reference data (ledger/data/README.md): each file
// is a CSV with a header row and a source and verification column per row,
// except locodes.csv, a bare list read with a loader of its own because it
// holds 115,000 rows and every `verify` process reads it.
#include "reference_tables.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "country_codes.h"
#include "csv_table.h"
#include "name_matching.h"

namespace vinledger {
namespace {

// A UN/LOCODE packed into 25 bits (5 characters of A-Z 2-9, 5 bits each)
// above 16 bits of function flags.
std::optional<std::uint64_t> pack_locode(std::string_view code) {
  if (code.size() != 5) return std::nullopt;
  std::uint64_t packed = 0;
  for (char c : code) {
    std::uint64_t value = 0;
    if (c >= 'A' && c <= 'Z') value = static_cast<std::uint64_t>(c - 'A');
    else if (c >= '2' && c <= '9') value = 26 + static_cast<std::uint64_t>(c - '2');
    else return std::nullopt;
    packed = packed * 34 + value;
  }
  return packed << 16;
}

// Function string "12-4----" to flags: bit i for a non-dash at position i;
// position 8 may be B (border crossing).
std::uint64_t function_bits(std::string_view function) {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < function.size() && i < 8; ++i)
    if (function[i] != '-') bits |= 1u << i;
  return bits;
}

std::string function_text(std::uint64_t bits) {
  static constexpr char kDigits[] = "1234567B";
  std::string text(8, '-');
  for (std::size_t i = 0; i < 8; ++i)
    if (bits & (1u << i)) text[i] = kDigits[i];
  return text;
}

Result<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status load_locodes(ReferenceData& data, const std::filesystem::path& dir) {
  const auto path = dir / "locodes.csv";
  auto text = read_text(path);
  if (!text) return std::unexpected(text.error());
  std::string_view rest = *text;
  std::size_t line_number = 0;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    ++line_number;
    if (line_number == 1 || line.empty()) continue;  // the header
    const std::size_t comma = line.find(',');
    if (comma != 5 || !pack_locode(line.substr(0, 5)))
      return invalid_input(path.string() + ":" + std::to_string(line_number) + ": not \"LOCODE,FUNCTION\"");
    data.add_locode(line.substr(0, 5), line.substr(6));
  }
  return {};
}

// The columns every provenance-carrying table has.
struct ProvenanceColumns {
  std::size_t source = 0, verification = 0;
};

Result<ProvenanceColumns> provenance_columns(const CsvTable& table) {
  auto source = table.column("source"), verification = table.column("verification");
  if (!source) return std::unexpected(source.error());
  if (!verification) return std::unexpected(verification.error());
  return ProvenanceColumns{*source, *verification};
}

Result<Provenance> provenance_of(const CsvTable& table, std::size_t row, const ProvenanceColumns& columns,
                                 const std::string& where) {
  const std::string& mark = table.cell(row, columns.verification);
  if (mark != "V" && mark != "U") return invalid_input(where + ": verification must be V or U");
  if (table.cell(row, columns.source).empty()) return invalid_input(where + ": every row names its source");
  return Provenance{table.cell(row, columns.source), mark == "V"};
}

// Reads `file` and hands each row, with its provenance, to `each`.
template <class Each>
Status for_each_row(const std::filesystem::path& dir, const char* file, std::initializer_list<const char*> names,
                    Each each) {
  auto table = CsvTable::read(dir / file);
  if (!table) return std::unexpected(table.error());
  std::vector<std::size_t> columns;
  for (const char* name : names) {
    auto column = table->column(name);
    if (!column) return std::unexpected(column.error());
    columns.push_back(*column);
  }
  auto provenance = provenance_columns(*table);
  if (!provenance) return std::unexpected(provenance.error());
  for (std::size_t row = 0; row < table->rows(); ++row) {
    const std::string where = (dir / file).string() + " row " + std::to_string(row + 2);
    auto origin = provenance_of(*table, row, *provenance, where);
    if (!origin) return std::unexpected(origin.error());
    std::vector<std::string> cells;
    for (std::size_t column : columns) cells.push_back(table->cell(row, column));
    if (auto ok = each(cells, std::move(*origin), where); !ok) return ok;
  }
  return {};
}

Result<std::int64_t> integer_cell(const std::string& text, const std::string& where) {
  std::int64_t value = 0;
  std::size_t used = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) return invalid_input(where + ": \"" + text + "\" is not an integer");
  return value;
}

Status check_country(const std::string& code, const std::string& where) {
  if (is_country_code(code)) return {};
  return invalid_input(where + ": \"" + code + "\" is not an ISO 3166-1 alpha-2 code");
}

Status load_places(ReferenceData& data, const std::filesystem::path& dir) {
  return for_each_row(dir, "trade_places.csv", {"code", "kind", "toward", "note"},
                      [&](const std::vector<std::string>& cells, Provenance origin, const std::string& where) -> Status {
                        TradePlace place{cells[0], TradePlace::Kind::kTransshipmentHub, cells[2], cells[3],
                                         std::move(origin)};
                        if (cells[1] == "transit_country") place.kind = TradePlace::Kind::kTransitCountry;
                        else if (cells[1] == "transit_point") place.kind = TradePlace::Kind::kTransitPoint;
                        else if (cells[1] != "transshipment_hub")
                          return invalid_input(where + ": kind must be transshipment_hub, transit_country or transit_point");
                        const bool country = place.kind == TradePlace::Kind::kTransitCountry;
                        if (country) {
                          if (auto ok = check_country(place.code, where); !ok) return ok;
                        } else if (!pack_locode(place.code) || !is_country_code(place.code.substr(0, 2))) {
                          return invalid_input(where + ": \"" + place.code + "\" is not a UN/LOCODE");
                        }
                        if (!place.toward.empty())
                          if (auto ok = check_country(place.toward, where); !ok) return ok;
                        data.add_trade_place(std::move(place));
                        return {};
                      });
}

Status load_customs_unions(ReferenceData& data, const std::filesystem::path& dir) {
  return for_each_row(dir, "customs_unions.csv", {"union", "country"},
                      [&](const std::vector<std::string>& cells, Provenance origin, const std::string& where) -> Status {
                        if (auto ok = check_country(cells[1], where); !ok) return ok;
                        data.add_customs_union_member(cells[0], cells[1], std::move(origin));
                        return {};
                      });
}

Status load_rates(ReferenceData& data, const std::filesystem::path& dir) {
  return for_each_row(dir, "exchange_rates.csv", {"currency", "from", "per_eur"},
                      [&](const std::vector<std::string>& cells, Provenance origin, const std::string& where) -> Status {
                        auto from = parse_date_or_timestamp(cells[1]);
                        if (!from) return invalid_input(where + ": " + from.error().message);
                        double rate = 0;
                        try {
                          rate = std::stod(cells[2]);
                        } catch (const std::exception&) {
                          rate = 0;
                        }
                        if (!(rate > 0) || cells[0].size() != 3)
                          return invalid_input(where + ": needs a currency code and a positive rate per euro");
                        data.add_exchange_rate(cells[0], *from, rate, std::move(origin));
                        return {};
                      });
}

Status load_reference_values(ReferenceData& data, const std::filesystem::path& dir) {
  return for_each_row(
      dir, "reference_values.csv", {"make", "model", "year_from", "year_to", "value", "currency"},
      [&](const std::vector<std::string>& cells, Provenance origin, const std::string& where) -> Status {
        auto from = integer_cell(cells[2], where), to = integer_cell(cells[3], where), value = integer_cell(cells[4], where);
        for (auto* number : {&from, &to, &value})
          if (!*number) return std::unexpected(number->error());
        std::int64_t scale = 1;
        for (int i = 0; i < currency_minor_unit(cells[5]).value_or(2); ++i) scale *= 10;
        data.add_reference_value(ReferenceValue{cells[0], cells[1], static_cast<int>(*from), static_cast<int>(*to),
                                                Money{*value * scale, cells[5]}, std::move(origin)});
        return {};
      });
}

Status load_vessels(ReferenceData& data, const std::filesystem::path& dir) {
  return for_each_row(dir, "designated_vessels.csv", {"imo", "name", "list", "listed_on"},
                      [&](const std::vector<std::string>& cells, Provenance origin, const std::string&) -> Status {
                        data.add_designated_vessel(DesignatedVessel{cells[0], cells[1], cells[2], cells[3], std::move(origin)});
                        return {};
                      });
}

Status load_missions(ReferenceData& data, const std::filesystem::path& dir) {
  return for_each_row(dir, "missions.csv", {"country", "words"},
                      [&](const std::vector<std::string>& cells, Provenance origin, const std::string& where) -> Status {
                        if (!cells[0].empty())
                          if (auto ok = check_country(cells[0], where); !ok) return ok;
                        data.add_mission_words(cells[0], cells[1], std::move(origin));
                        return {};
                      });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// " embassy of the dprk " contains " dprk ": whole words only.
bool contains_words(const std::string& padded_name, const std::string& words) {
  return padded_name.find(" " + words + " ") != std::string::npos;
}

}  // namespace

Status load_trade_tables(ReferenceData& data, const std::filesystem::path& dir) {
  for (auto loader : {load_locodes, load_places, load_customs_unions, load_rates, load_reference_values, load_vessels,
                      load_missions})
    if (auto ok = loader(data, dir); !ok) return ok;
  return {};
}

void ReferenceData::add_locode(std::string_view code, std::string_view function) {
  auto packed = pack_locode(code);
  if (!packed) return;
  const std::uint64_t entry = *packed | function_bits(function);
  // The file is sorted; keep the vector sorted whatever the order of calls.
  if (locodes_.empty() || locodes_.back() < entry) locodes_.push_back(entry);
  else locodes_.insert(std::upper_bound(locodes_.begin(), locodes_.end(), entry), entry);
}

LocodeInfo ReferenceData::locode(std::string_view code) const {
  auto packed = pack_locode(code);
  if (!packed) return {};
  auto it = std::lower_bound(locodes_.begin(), locodes_.end(), *packed);
  if (it == locodes_.end() || (*it >> 16) != (*packed >> 16)) return {};
  const std::uint64_t bits = *it & 0xffff;
  return LocodeInfo{true, (bits & 1u) != 0, function_text(bits)};
}

void ReferenceData::add_trade_place(TradePlace place) {
  place_index_.try_emplace(place.code, places_.size());
  places_.push_back(std::move(place));
}

const TradePlace* ReferenceData::trade_place(std::string_view code) const {
  auto found = place_index_.find(std::string(code));
  return found == place_index_.end() ? nullptr : &places_[found->second];
}

void ReferenceData::add_customs_union_member(std::string union_name, std::string country, Provenance) {
  customs_union_[std::move(country)] = std::move(union_name);
}

std::string ReferenceData::shared_customs_union(std::string_view a, std::string_view b) const {
  auto first = customs_union_.find(std::string(a)), second = customs_union_.find(std::string(b));
  if (first == customs_union_.end() || second == customs_union_.end() || first->second != second->second) return "";
  return first->second;
}

void ReferenceData::add_exchange_rate(std::string currency, UtcTime from, double per_eur, Provenance) {
  Rate rate{std::move(currency), from, per_eur};
  auto before = [](const Rate& x, const Rate& y) {
    return x.currency != y.currency ? x.currency < y.currency : x.from < y.from;
  };
  rates_.insert(std::upper_bound(rates_.begin(), rates_.end(), rate, before), std::move(rate));
}

std::optional<Money> ReferenceData::convert(const Money& money, std::string_view currency, const UtcTime& at) const {
  auto rate_of = [&](std::string_view code) -> std::optional<double> {
    if (code == "EUR") return 1.0;
    std::optional<double> found;
    for (const auto& rate : rates_)
      if (rate.currency == code && !(at < rate.from)) found = rate.per_eur;
    return found;
  };
  if (money.currency == currency) return money;
  auto from = rate_of(money.currency), to = rate_of(currency);
  if (!from || !to) return std::nullopt;
  const double major = static_cast<double>(money.amount) / std::pow(10.0, currency_minor_unit(money.currency).value_or(2));
  const double converted = major / *from * *to * std::pow(10.0, currency_minor_unit(currency).value_or(2));
  return Money{static_cast<std::int64_t>(std::llround(converted)), std::string(currency)};
}

void ReferenceData::add_reference_value(ReferenceValue value) { reference_values_.push_back(std::move(value)); }

const ReferenceValue* ReferenceData::reference_value(std::string_view make, std::string_view model,
                                                     std::int64_t year) const {
  const std::string wanted_make = lower(make), wanted_model = lower(model);
  for (const auto& value : reference_values_)
    if (year >= value.year_from && year <= value.year_to && lower(value.make) == wanted_make &&
        lower(value.model) == wanted_model)
      return &value;
  return nullptr;
}

void ReferenceData::add_designated_vessel(DesignatedVessel vessel) { vessels_.push_back(std::move(vessel)); }

const DesignatedVessel* ReferenceData::designated_vessel(std::string_view imo) const {
  for (const auto& vessel : vessels_)
    if (vessel.imo == imo) return &vessel;
  return nullptr;
}

const DesignatedVessel* ReferenceData::designated_vessel_named(std::string_view name) const {
  const std::string wanted = normalize_name(name);
  for (const auto& vessel : vessels_)
    if (normalize_name(vessel.name) == wanted) return &vessel;
  return nullptr;
}

void ReferenceData::add_mission_words(std::string country, std::string words, Provenance) {
  mission_words_.push_back(MissionWords{std::move(country), normalize_name(transliterate_to_latin(words))});
}

std::string ReferenceData::mission_country(std::string_view name) const {
  if (mission_words_.empty()) return "";
  // Whole words of the normalized name, padded so that " dprk " matches
  // a word and never part of one.
  const std::string padded = " " + normalize_name(transliterate_to_latin(name)) + " ";
  bool is_mission = false;
  for (const auto& words : mission_words_)
    if (words.country.empty() && contains_words(padded, words.words)) is_mission = true;
  if (!is_mission) return "";
  for (const auto& words : mission_words_)
    if (!words.country.empty() && contains_words(padded, words.words)) return words.country;
  return "";
}

}  // namespace vinledger
