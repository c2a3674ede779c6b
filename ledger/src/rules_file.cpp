// Reading rules.json (embargo rules, denied-party lists) into ReferenceData.
// Every field is checked: a rules file is something a user writes, and a
// typo must be an error that names the field, not a rule that never fires.
#include <fstream>
#include <sstream>

#include "country_codes.h"
#include "vinledger/reference_data.h"
#include "vinledger/statement.h"

namespace vinledger {
namespace {

using nlohmann::json;

Result<json> read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::exception& e) {
    return invalid_input(path.string() + ": not valid JSON: " + e.what());
  }
}

Result<std::string> text_member(const json& object, const char* name, bool required) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) return invalid_input(std::string("lacks \"") + name + "\"");
    return std::string();
  }
  if (!it->is_string()) return invalid_input(std::string("\"") + name + "\" must be a string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> text_list(const json& object, const char* name) {
  std::vector<std::string> list;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return list;
  if (!it->is_array()) return invalid_input(std::string("\"") + name + "\" must be an array of strings");
  for (const auto& item : *it) {
    if (!item.is_string()) return invalid_input(std::string("\"") + name + "\" must be an array of strings");
    list.push_back(item.get<std::string>());
  }
  return list;
}

Result<std::vector<std::string>> country_list(const json& object, const char* name) {
  auto list = text_list(object, name);
  if (!list) return list;
  for (const auto& code : *list)
    if (!is_country_code(code))
      return invalid_input(std::string("\"") + name + "\" holds \"" + code + "\", not an ISO 3166-1 alpha-2 code");
  return list;
}

Result<bool> verification_of(const json& object) {
  auto mark = text_member(object, "verification", true);
  if (!mark) return std::unexpected(mark.error());
  if (*mark != "V" && *mark != "U") return invalid_input("\"verification\" must be \"V\" (verified) or \"U\" (unverified)");
  return *mark == "V";
}

Result<std::optional<Money>> money_member(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::optional<Money>{};
  if (!it->is_object() || !it->contains("amount") || !it->contains("currency") ||
      !it->at("amount").is_number_integer() || !it->at("currency").is_string() ||
      it->at("currency").get<std::string>().size() != 3)
    return invalid_input(std::string("\"") + name + "\" must be {\"amount\": integer minor units, \"currency\": ISO 4217}");
  return std::optional<Money>{Money{it->at("amount").get<std::int64_t>(), it->at("currency").get<std::string>()}};
}

Result<bool> flag_member(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean()) return invalid_input(std::string("\"") + name + "\" must be true or false");
  return it->get<bool>();
}

// What a rule covers beyond the destination: engine, fuel, HS code, who
// and what it binds (reference_data.h, EmbargoRule).
Status scope_from(const json& object, EmbargoRule& rule) {
  for (auto [name, out] : {std::pair{"binds_nationals", &rule.binds_nationals},
                           std::pair{"follows_vehicle", &rule.follows_vehicle}}) {
    auto flag = flag_member(object, name);
    if (!flag) return std::unexpected(flag.error());
    *out = *flag;
  }
  auto origins = country_list(object, "origin_countries");
  if (!origins) return std::unexpected(origins.error());
  rule.origin_countries = std::move(*origins);
  if (auto it = object.find("engine_cc_above"); it != object.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
      return invalid_input("\"engine_cc_above\" must be a non-negative integer (cm3)");
    rule.engine_cc_above = it->get<std::int64_t>();
  }
  auto fuels = text_list(object, "fuels");
  if (!fuels) return std::unexpected(fuels.error());
  for (const auto& fuel : *fuels)
    if (!is_fuel(fuel)) return invalid_input("\"fuels\" holds \"" + fuel + "\", not a fuel of the statement contract");
  rule.fuels = std::move(*fuels);
  auto prefixes = text_list(object, "hs_prefixes");
  if (!prefixes) return std::unexpected(prefixes.error());
  for (const auto& prefix : *prefixes)
    if (prefix.empty() || prefix.size() > 10 || prefix.find_first_not_of("0123456789") != std::string::npos)
      return invalid_input("\"hs_prefixes\" holds \"" + prefix + "\", not 1-10 digits");
  rule.hs_prefixes = std::move(*prefixes);
  return {};
}

Result<EmbargoRule> embargo_from(const json& object) {
  if (!object.is_object()) return invalid_input("must be an object");
  EmbargoRule rule;
  struct TextField {
    const char* name;
    std::string* out;
    bool required;
  };
  for (auto [name, out, required] : {TextField{"id", &rule.id, true}, TextField{"title", &rule.title, true},
                                     TextField{"legal_basis", &rule.legal_basis, true},
                                     TextField{"verification_note", &rule.verification_note, false},
                                     TextField{"goods", &rule.goods, true}}) {
    auto value = text_member(object, name, required);
    if (!value) return std::unexpected(value.error());
    *out = std::move(*value);
  }
  auto sources = text_list(object, "sources");
  if (!sources) return std::unexpected(sources.error());
  if (sources->empty()) return invalid_input("\"sources\" must name at least one source");
  rule.sources = std::move(*sources);
  auto verified = verification_of(object);
  if (!verified) return std::unexpected(verified.error());
  rule.verified = *verified;
  auto destinations = country_list(object, "destinations");
  if (!destinations) return std::unexpected(destinations.error());
  if (destinations->empty()) return invalid_input("\"destinations\" must name at least one country");
  rule.destinations = std::move(*destinations);
  auto exporters = country_list(object, "exporting_countries");
  if (!exporters) return std::unexpected(exporters.error());
  rule.exporting_countries = std::move(*exporters);
  auto value = money_member(object, "value_above");
  if (!value) return std::unexpected(value.error());
  rule.value_above = *value;
  auto in_force = text_member(object, "in_force_from", false);
  if (!in_force) return std::unexpected(in_force.error());
  if (!in_force->empty()) {
    auto date = parse_date_or_timestamp(*in_force);
    if (!date) return invalid_input("\"in_force_from\": " + date.error().message);
    rule.in_force_from = *date;
  }
  if (auto ok = scope_from(object, rule); !ok) return std::unexpected(ok.error());
  return rule;
}

Result<DeniedParty> denied_party_from(const json& object, const std::string& list) {
  if (!object.is_object()) return invalid_input("must be an object");
  DeniedParty party;
  party.list = list;
  struct TextField {
    const char* name;
    std::string* out;
    bool required;
  };
  for (auto [name, out, required] :
       {TextField{"id", &party.id, true}, TextField{"name", &party.name, true}, TextField{"country", &party.country, false},
        TextField{"source", &party.source, true}, TextField{"listed_on", &party.listed_on, false},
        TextField{"verification_note", &party.verification_note, false}}) {
    auto value = text_member(object, name, required);
    if (!value) return std::unexpected(value.error());
    *out = std::move(*value);
  }
  auto aliases = text_list(object, "aliases");
  if (!aliases) return std::unexpected(aliases.error());
  party.aliases = std::move(*aliases);
  if (auto it = object.find("identifiers"); it != object.end()) {
    if (!it->is_array()) return invalid_input("\"identifiers\" must be an array of {type, value}");
    for (const auto& id : *it) {
      if (!id.is_object() || !id.contains("type") || !id.contains("value") || !id.at("type").is_string() ||
          !id.at("value").is_string())
        return invalid_input("\"identifiers\" must be an array of {type, value}");
      party.identifiers.push_back(id.at("type").get<std::string>() + ": " + id.at("value").get<std::string>());
    }
  }
  auto verified = verification_of(object);
  if (!verified) return std::unexpected(verified.error());
  party.verified = *verified;
  return party;
}

Result<std::vector<DeniedParty>> denied_parties_from(const json& document) {
  if (!document.is_object() || !document.contains("entries") || !document.at("entries").is_array())
    return invalid_input("a denied-party list must be an object with an \"entries\" array");
  auto list_name = text_member(document, "list", false);
  if (!list_name) return std::unexpected(list_name.error());
  const std::string list = list_name->empty() ? std::string("unnamed list") : *list_name;
  std::vector<DeniedParty> parties;
  const json& entries = document.at("entries");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto party = denied_party_from(entries[i], list);
    if (!party) return invalid_input("entries[" + std::to_string(i) + "] " + party.error().message);
    parties.push_back(std::move(*party));
  }
  return parties;
}

}  // namespace

Status ReferenceData::load_rules(const std::filesystem::path& rules_file) {
  auto document = read_json_file(rules_file);
  if (!document) return std::unexpected(document.error());
  if (auto ok = set_rules(*document, rules_file.parent_path()); !ok)
    return std::unexpected(with_context(ok.error(), rules_file.string()));
  rules_source_ = rules_file.string();
  return {};
}

Status ReferenceData::set_rules(const json& rules, const std::filesystem::path& base_dir) {
  if (!rules.is_object() || !rules.contains("embargoes") || !rules.at("embargoes").is_array())
    return invalid_input("a rules file must be an object with an \"embargoes\" array");
  std::vector<EmbargoRule> embargoes;
  const json& list = rules.at("embargoes");
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto rule = embargo_from(list[i]);
    if (!rule) return invalid_input("embargoes[" + std::to_string(i) + "] " + rule.error().message);
    embargoes.push_back(std::move(*rule));
  }
  std::vector<DeniedParty> denied;
  if (rules.contains("denied_parties")) {
    auto inline_list = denied_parties_from(json{{"list", "inline in the rules file"}, {"entries", rules.at("denied_parties")}});
    if (!inline_list) return invalid_input("denied_parties: " + inline_list.error().message);
    denied = std::move(*inline_list);
  }
  auto files = text_list(rules, "denied_party_files");
  if (!files) return std::unexpected(files.error());
  for (const auto& file : *files) {
    const auto path = base_dir / file;
    auto document = read_json_file(path);
    if (!document) return std::unexpected(document.error());
    auto list = denied_parties_from(*document);
    if (!list) return std::unexpected(with_context(list.error(), path.string()));
    for (auto& party : *list) denied.push_back(std::move(party));
  }
  embargoes_ = std::move(embargoes);
  denied_.clear();
  denied_by_name_.clear();
  denied_by_loose_key_.clear();
  for (auto& party : denied) add_denied_party(std::move(party));
  return {};
}

}  // namespace vinledger
