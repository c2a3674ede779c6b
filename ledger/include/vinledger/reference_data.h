// Reference data for verification: the WMI table, country and port names,
// embargo rules and denied-party lists. All of it is data shipped in
// ledger/data (installed to share/vinledger) and replaceable: the rules by
// `--rules FILE`, the whole directory by $VINLEDGER_DATA_DIR.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/result.h"
#include "vinledger/money.h"
#include "vinledger/timestamp.h"

namespace vinledger {

// What the WMI table says about a VIN's first characters.
struct WmiInfo {
  std::string code;          // the matching table key: 2, 3 or 6 characters
  std::string manufacturer;  // e.g. "Lexus"
  std::string country;       // country of manufacture as the table names it, e.g. "Japan"
  std::string source;        // where the row comes from
};

// One embargo: exports to `destinations` (from `exporting_countries`, or
// from anywhere when empty) of the goods it covers are prohibited. Who and
// what it binds beyond the country of export is data too: parties
// registered in an exporting country wherever they act (`binds_nationals`),
// vehicles made in `origin_countries` wherever they are, and a vehicle that
// left an exporting country for a third country (`follows_vehicle`: the
// measure forbids indirect supply).
struct EmbargoRule {
  std::string id;
  std::string title;
  std::string legal_basis;
  std::vector<std::string> sources;
  bool verified = false;  // the cited wording was seen in a stored source (V) or not (U)
  std::string verification_note;
  std::vector<std::string> destinations;
  std::vector<std::string> exporting_countries;  // empty: binds every exporting country
  std::string goods;
  std::optional<Money> value_above;  // covered only when the value exceeds this
  std::optional<UtcTime> in_force_from;
  bool binds_nationals = false;
  bool follows_vehicle = false;
  std::vector<std::string> origin_countries;
  // Covered when the engine exceeds this (cm3) or the fuel is one of
  // `fuels`; with neither set, engine and fuel do not matter.
  std::optional<std::int64_t> engine_cc_above;
  std::vector<std::string> fuels;
  std::vector<std::string> hs_prefixes;  // covered HS codes; empty: every passenger vehicle

  bool binds_exports_from(std::string_view country) const;
  bool covers_destination(std::string_view country) const;
};

// One entry of a denied-party list.
struct DeniedParty {
  std::string id;  // the list's own reference, e.g. "KPe.001"
  std::string name;
  std::vector<std::string> aliases;
  std::string country;
  std::vector<std::string> identifiers;  // "type: value"
  std::string source;
  std::string listed_on;
  bool verified = false;
  std::string verification_note;
  std::string list;  // the list it came from
};

// A denied-party entry that a name matched, and how.
struct DeniedPartyMatch {
  const DeniedParty* entry = nullptr;
  std::string matched;     // the entry's name or alias that matched
  std::string normalized;  // the normalized form both sides share
  std::string how;         // "" when equal after normalization; else e.g. "after transliteration"
};

// Where a line of reference data comes from, and whether its wording or
// figure was seen in a stored copy of the source (V) or not (U).
struct Provenance {
  std::string source;
  bool verified = false;
};

// A place with a known role in trade: a liner transshipment hub (quiet),
// a country or point known as a transit route toward an embargoed country.
struct TradePlace {
  enum class Kind { kTransshipmentHub, kTransitCountry, kTransitPoint };
  std::string code;    // UN/LOCODE, or an ISO 3166 country for a transit country
  Kind kind = Kind::kTransshipmentHub;
  std::string toward;  // the embargoed country a transit route leads to
  std::string note;
  Provenance provenance;
};

// A reference value for a make and model: what such a vehicle is worth
// new, so that a declared value far below it can be seen.
struct ReferenceValue {
  std::string make, model;  // compared case-insensitively
  int year_from = 0, year_to = 0;
  Money value;
  Provenance provenance;
};

// A vessel designated on a sanctions list (asset freeze, port-entry ban).
struct DesignatedVessel {
  std::string imo, name, list, listed_on;
  Provenance provenance;
};

// A UN/LOCODE's function string ("1-3-----": 1 port, 2 rail, 3 road,
// 4 airport, 5 postal, 6 multimodal, 7 fixed, B border crossing).
struct LocodeInfo {
  bool known = false;
  bool port = false;
  std::string function;
};

class ReferenceData {
 public:
  // Reads every file of a data directory: wmi.csv, wmi_country_prefixes.csv,
  // countries.csv, ports.csv and rules.json (with its denied-party files).
  static Result<ReferenceData> load(const std::filesystem::path& data_dir);
  // load() from the data directory this program finds: $VINLEDGER_DATA_DIR,
  // else <executable dir>/../share/vinledger, else the install prefix's,
  // else the source tree's ledger/data.
  static Result<ReferenceData> load_installed();

  // Replaces the embargo rules and denied-party lists with those of a rules
  // file (the format of ledger/data/rules.json); `denied_party_files` are
  // read relative to the rules file.
  Status load_rules(const std::filesystem::path& rules_file);
  // The same from an already parsed document.
  Status set_rules(const nlohmann::json& rules, const std::filesystem::path& base_dir);

  // Builders, for tests and for callers that bring their own data.
  void add_wmi(WmiInfo info);
  void add_wmi_prefix(std::string prefix2, std::string country);
  void add_country(std::string code, std::string name);
  void add_port(std::string locode, std::string name);
  void add_embargo(EmbargoRule rule);
  void add_denied_party(DeniedParty party);

  // The longest WMI table key that matches the VIN (6 characters for small
  // manufacturers, whose third character is 9, then 3, then 2), with the
  // country filled in from the ISO 3780 prefix table when the row has none.
  std::optional<WmiInfo> wmi_of(std::string_view vin) const;

  // "Bangladesh (BD)"; the bare code when the name is unknown.
  std::string country_label(std::string_view code) const;
  // "Chattogram (BDCGP)"; the bare code when the name is unknown.
  std::string port_label(std::string_view locode) const;

  std::span<const EmbargoRule> embargoes() const { return embargoes_; }
  std::span<const DeniedParty> denied_parties() const { return denied_; }
  const std::string& rules_source() const { return rules_source_; }

  // Denied-party entries whose name or alias matches `name` (see
  // name_matching.h): equal after normalization, or after transliteration
  // and folding of romanization variants, or with the words in another
  // order. No edit-distance matching, so nothing is reported that a person
  // must doubt.
  std::vector<DeniedPartyMatch> screen_name(std::string_view name) const;

  // The rest of the trade tables (reference_tables.cpp): each file is
  // optional to a caller that builds its own data, required in a data dir.
  void add_locode(std::string_view code, std::string_view function);
  void add_trade_place(TradePlace place);
  void add_customs_union_member(std::string union_name, std::string country, Provenance provenance);
  void add_exchange_rate(std::string currency, UtcTime from, double per_eur, Provenance provenance);
  void add_reference_value(ReferenceValue value);
  void add_designated_vessel(DesignatedVessel vessel);
  void add_mission_words(std::string country, std::string words, Provenance provenance);

  // Whether the UN/LOCODE list is loaded at all (no list: nothing is judged
  // "not a real UN/LOCODE"), and what it says about one code.
  bool has_locodes() const { return !locodes_.empty(); }
  LocodeInfo locode(std::string_view code) const;
  // A hub, transit country or transit point for `code` (a UN/LOCODE or a country).
  const TradePlace* trade_place(std::string_view code) const;
  std::span<const TradePlace> trade_places() const { return places_; }
  // The customs union both countries belong to ("EU", "EAEU"), or "".
  std::string shared_customs_union(std::string_view a, std::string_view b) const;
  // `money` in `currency` at the rates in force at `at` (ECB reference
  // rates per euro), or nothing when a rate is missing.
  std::optional<Money> convert(const Money& money, std::string_view currency, const UtcTime& at) const;
  // The reference value of a make, model and model year, if the table has one.
  const ReferenceValue* reference_value(std::string_view make, std::string_view model, std::int64_t year) const;
  const DesignatedVessel* designated_vessel(std::string_view imo) const;
  const DesignatedVessel* designated_vessel_named(std::string_view name) const;
  // The embargoed country whose diplomatic mission or trade office `name`
  // reads as ("Embassy of the DPRK" -> KP), or "".
  std::string mission_country(std::string_view name) const;

 private:
  void index_denied_party(std::size_t index);

  struct Rate {
    std::string currency;
    UtcTime from;
    double per_eur = 0;
  };
  struct MissionWords {
    std::string country;
    std::string words;  // normalized
  };
  std::vector<std::uint64_t> locodes_;  // packed code << 16 | function bits, sorted
  std::vector<TradePlace> places_;
  std::unordered_map<std::string, std::size_t> place_index_;
  std::unordered_map<std::string, std::string> customs_union_;  // country -> union
  std::vector<Rate> rates_;  // sorted by currency, then date
  std::vector<ReferenceValue> reference_values_;
  std::vector<DesignatedVessel> vessels_;
  std::vector<MissionWords> mission_words_;  // kind words have country ""
  // Second-chance keys of the denied-party names (name_matching.h).
  std::unordered_multimap<std::string, std::pair<std::size_t, std::string>> denied_by_loose_key_;

  std::unordered_map<std::string, WmiInfo> wmi_;
  std::unordered_map<std::string, std::string> wmi_prefix_country_;
  std::unordered_map<std::string, std::string> countries_;
  std::unordered_map<std::string, std::string> ports_;
  std::vector<EmbargoRule> embargoes_;
  std::vector<DeniedParty> denied_;
  // normalized name -> (entry index, the name or alias as listed)
  std::unordered_multimap<std::string, std::pair<std::size_t, std::string>> denied_by_name_;
  std::string rules_source_;
};

}  // namespace vinledger
