#include "vinledger/reference_data.h"

#include <algorithm>

#include "csv_table.h"
#include "data_dir.h"
#include "name_matching.h"
#include "reference_tables.h"

namespace vinledger {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Status load_wmi(ReferenceData& data, const std::filesystem::path& dir) {
  auto table = CsvTable::read(dir / "wmi.csv");
  if (!table) return std::unexpected(table.error());
  auto code = table->column("wmi"), maker = table->column("manufacturer"), country = table->column("country"),
       source = table->column("source");
  for (auto* column : {&code, &maker, &country, &source})
    if (!*column) return std::unexpected(column->error());
  for (std::size_t row = 0; row < table->rows(); ++row)
    data.add_wmi(WmiInfo{table->cell(row, *code), table->cell(row, *maker), table->cell(row, *country),
                         table->cell(row, *source)});
  auto prefixes = CsvTable::read(dir / "wmi_country_prefixes.csv");
  if (!prefixes) return std::unexpected(prefixes.error());
  auto prefix = prefixes->column("prefix2"), prefix_country = prefixes->column("country");
  if (!prefix) return std::unexpected(prefix.error());
  if (!prefix_country) return std::unexpected(prefix_country.error());
  for (std::size_t row = 0; row < prefixes->rows(); ++row)
    data.add_wmi_prefix(prefixes->cell(row, *prefix), prefixes->cell(row, *prefix_country));
  return {};
}

Status load_countries(ReferenceData& data, const std::filesystem::path& dir) {
  auto table = CsvTable::read(dir / "countries.csv");
  if (!table) return std::unexpected(table.error());
  auto code = table->column("alpha2"), short_name = table->column("cldr_display_name"),
       official = table->column("name_official_en");
  for (auto* column : {&code, &short_name, &official})
    if (!*column) return std::unexpected(column->error());
  for (std::size_t row = 0; row < table->rows(); ++row) {
    // CLDR's short names read best ("North Korea"), but some are bare
    // abbreviations ("US", "UK"): use the official name for those.
    const std::string& name = table->cell(row, *short_name);
    data.add_country(table->cell(row, *code), name.size() > 3 ? name : table->cell(row, *official));
  }
  return {};
}

Status load_ports(ReferenceData& data, const std::filesystem::path& dir) {
  auto table = CsvTable::read(dir / "ports.csv");
  if (!table) return std::unexpected(table.error());
  auto code = table->column("locode"), name = table->column("name");
  if (!code) return std::unexpected(code.error());
  if (!name) return std::unexpected(name.error());
  for (std::size_t row = 0; row < table->rows(); ++row) data.add_port(table->cell(row, *code), table->cell(row, *name));
  return {};
}

}  // namespace

bool EmbargoRule::binds_exports_from(std::string_view country) const {
  return exporting_countries.empty() || contains(exporting_countries, country);
}

bool EmbargoRule::covers_destination(std::string_view country) const { return contains(destinations, country); }

Result<ReferenceData> ReferenceData::load(const std::filesystem::path& data_dir) {
  ReferenceData data;
  for (auto loader : {load_wmi, load_countries, load_ports})
    if (auto ok = loader(data, data_dir); !ok) return std::unexpected(ok.error());
  if (auto ok = load_trade_tables(data, data_dir); !ok) return std::unexpected(ok.error());
  if (auto ok = data.load_rules(data_dir / "rules.json"); !ok) return std::unexpected(ok.error());
  return data;
}

Result<ReferenceData> ReferenceData::load_installed() {
  auto dir = find_data_dir();
  if (!dir) return std::unexpected(dir.error());
  return load(*dir);
}

void ReferenceData::add_wmi(WmiInfo info) {
  std::string code = info.code;
  wmi_.try_emplace(std::move(code), std::move(info));  // the first row of a code wins
}

void ReferenceData::add_wmi_prefix(std::string prefix2, std::string country) {
  wmi_prefix_country_.try_emplace(std::move(prefix2), std::move(country));
}

void ReferenceData::add_country(std::string code, std::string name) { countries_[std::move(code)] = std::move(name); }

void ReferenceData::add_port(std::string locode, std::string name) { ports_.try_emplace(std::move(locode), std::move(name)); }

void ReferenceData::add_embargo(EmbargoRule rule) { embargoes_.push_back(std::move(rule)); }

void ReferenceData::add_denied_party(DeniedParty party) {
  denied_.push_back(std::move(party));
  index_denied_party(denied_.size() - 1);
}

void ReferenceData::index_denied_party(std::size_t index) {
  const DeniedParty& party = denied_[index];
  auto index_name = [&](const std::string& name) {
    std::string normalized = normalize_name(name);
    if (!normalized.empty()) denied_by_name_.emplace(std::move(normalized), std::make_pair(index, name));
  };
  index_name(party.name);
  for (const auto& alias : party.aliases) index_name(alias);
  auto index_loose = [&](const std::string& name) {
    LooseNameKeys keys = loose_name_keys(name);
    if (keys.ordered.empty()) return;
    denied_by_loose_key_.emplace("o:" + keys.ordered, std::make_pair(index, name));
    denied_by_loose_key_.emplace("s:" + keys.sorted, std::make_pair(index, name));
  };
  index_loose(party.name);
  for (const auto& alias : party.aliases) index_loose(alias);
}

std::optional<WmiInfo> ReferenceData::wmi_of(std::string_view vin) const {
  if (vin.size() < 3) return std::nullopt;
  std::vector<std::string> keys;
  if (vin.size() >= 14 && vin[2] == '9') keys.push_back(std::string(vin.substr(0, 3)) + std::string(vin.substr(11, 3)));
  keys.emplace_back(vin.substr(0, 3));
  keys.emplace_back(vin.substr(0, 2));
  for (const auto& key : keys) {
    auto found = wmi_.find(key);
    if (found == wmi_.end()) continue;
    WmiInfo info = found->second;
    if (info.country.empty())
      if (auto country = wmi_prefix_country_.find(std::string(vin.substr(0, 2))); country != wmi_prefix_country_.end())
        info.country = country->second;
    return info;
  }
  if (auto country = wmi_prefix_country_.find(std::string(vin.substr(0, 2))); country != wmi_prefix_country_.end())
    return WmiInfo{std::string(vin.substr(0, 2)), "", country->second, "ISO 3780 country prefix"};
  return std::nullopt;
}

std::string ReferenceData::country_label(std::string_view code) const {
  auto found = countries_.find(std::string(code));
  if (found == countries_.end()) return std::string(code);
  return found->second + " (" + std::string(code) + ")";
}

std::string ReferenceData::port_label(std::string_view locode) const {
  auto found = ports_.find(std::string(locode));
  if (found == ports_.end()) return std::string(locode);
  return found->second + " (" + std::string(locode) + ")";
}

std::vector<DeniedPartyMatch> ReferenceData::screen_name(std::string_view name) const {
  std::vector<DeniedPartyMatch> matches;
  if (denied_by_name_.empty()) return matches;
  auto add = [&](const std::pair<std::size_t, std::string>& hit, const std::string& shared, const char* how) {
    const DeniedParty* entry = &denied_[hit.first];
    const bool seen = std::any_of(matches.begin(), matches.end(), [&](const auto& m) { return m.entry == entry; });
    if (!seen) matches.push_back(DeniedPartyMatch{entry, hit.second, shared, how});
  };
  const std::string normalized = normalize_name(name);
  auto [begin, end] = denied_by_name_.equal_range(normalized);
  for (auto it = begin; it != end; ++it) add(it->second, normalized, "");
  if (!matches.empty() || denied_by_loose_key_.empty()) return matches;
  // The loose keys cost more than the exact lookup; one process screens the
  // same few party names over and over, so each thread remembers them.
  // The keys depend on the name only, never on the lists.
  thread_local std::unordered_map<std::string, LooseNameKeys> cache;
  if (cache.size() > 4096) cache.clear();
  auto found = cache.find(normalized);
  if (found == cache.end()) found = cache.emplace(normalized, loose_name_keys(name)).first;
  const LooseNameKeys& keys = found->second;
  if (keys.ordered.empty()) return matches;
  auto [obegin, oend] = denied_by_loose_key_.equal_range("o:" + keys.ordered);
  for (auto it = obegin; it != oend; ++it)
    add(it->second, keys.ordered, "after transliteration to Latin, spelling out abbreviations and folding romanization variants");
  auto [sbegin, send] = denied_by_loose_key_.equal_range("s:" + keys.sorted);
  for (auto it = sbegin; it != send; ++it)
    add(it->second, keys.sorted, "with the words in another order, after transliteration and folding romanization variants");
  return matches;
}

}  // namespace vinledger
