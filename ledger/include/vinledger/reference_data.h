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
// from anywhere when empty) of the goods it covers are prohibited.
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

  // Denied-party entries whose normalized name or alias equals the
  // normalized `name` (see name_matching.h). Exact after normalization:
  // no fuzzy matching, so nothing is reported that a person must doubt.
  std::vector<DeniedPartyMatch> screen_name(std::string_view name) const;

 private:
  void index_denied_party(std::size_t index);

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
