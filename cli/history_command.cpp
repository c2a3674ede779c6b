// vinledger history VIN | party/ID
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/money.h"
#include "vinledger/json.h"
#include "vinledger/reference_data.h"
#include "vinledger/statement.h"
#include "vinledger/time_zone.h"
#include "vinledger/vin.h"

namespace vinledger::cli {
namespace {

std::string text_of(const nlohmann::json& statement, const char* field) {
  auto it = statement.find(field);
  if (it == statement.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    std::string joined;
    for (const auto& item : *it) joined += (joined.empty() ? "" : ",") + (item.is_string() ? item.get<std::string>() : item.dump());
    return joined;
  }
  if (it->is_object() && it->contains("name")) return (*it)["name"].get<std::string>() + " (" + (*it)["country"].get<std::string>() + ")";
  if (it->is_object() && it->contains("amount"))
    return format_money(Money{(*it)["amount"].get<std::int64_t>(), (*it)["currency"].get<std::string>()});
  return it->dump();
}

// One line a person can read: what the statement says happened.
std::string describe(const nlohmann::json& s) {
  const std::string type = s["type"];
  auto optional = [&](const char* label, const char* field) {
    std::string value = text_of(s, field);
    return value.empty() ? std::string() : std::string(", ") + label + " " + value;
  };
  if (type == "manufacture")
    return "made in " + text_of(s, "country") + ": " + text_of(s, "make") + " " + text_of(s, "model") + " " +
           text_of(s, "year") + optional("engine cc", "engine_cc") + optional("fuel", "fuel") + optional("HS", "hs_code");
  if (type == "transfer")
    return text_of(s, "from") + " -> " + text_of(s, "to") + " in " + text_of(s, "country") + optional("doc", "doc");
  if (type == "export")
    return "from " + text_of(s, "country") + " (" + text_of(s, "port") + ") declared for " + text_of(s, "destination") +
           optional("via", "via") + ", consignee " + text_of(s, "consignee") + ", doc " + text_of(s, "doc") +
           optional("value", "value");
  if (type == "ship")
    return text_of(s, "from_port") + " -> " + text_of(s, "to_port") + optional("vessel", "vessel") + optional("IMO", "imo") +
           ", B/L " + text_of(s, "doc");
  if (type == "move")
    return "by " + text_of(s, "mode") + " " + text_of(s, "from_place") + " -> " + text_of(s, "to_place") +
           optional("carrier", "carrier") + ", doc " + text_of(s, "doc");
  if (type == "import") return "into " + text_of(s, "country") + " at " + text_of(s, "port") + ", doc " + text_of(s, "doc");
  if (type == "register") return "in " + text_of(s, "country") + " to " + text_of(s, "owner") + optional("plate", "plate");
  if (type == "destroy") return "in " + text_of(s, "country");
  if (type == "party")
    return "registers " + text_of(s, "id") + ": " + text_of(s, "name") + " (" + text_of(s, "country") + "), roles " +
           text_of(s, "roles") + optional("key", "vkey");
  if (type == "void") return "withdraws " + text_of(s, "target").substr(0, 12) + ": " + text_of(s, "reason");
  return "";
}

// ": Lexus, made in Japan (WMI JTJ, per the WMI table)", or nothing when
// the reference data is missing: history never fails for want of it.
std::string made_by(const std::string& vin) {
  auto reference = ReferenceData::load_installed();
  if (!reference) return "";
  auto info = reference->wmi_of(vin);
  if (!info) return "";
  std::string text = ": " + (info->manufacturer.empty() ? std::string("unknown make") : info->manufacturer);
  if (!info->country.empty()) text += ", made in " + info->country;
  return text + " (WMI " + std::string(vin_wmi(vin)) + ", per the WMI table)";
}

}  // namespace

int run_history(Context& context) {
  cxxopts::Options options("vinledger history", "Show a VIN's entries (or a party's, for party/ID) in order.");
  options.positional_help("VIN");
  options.add_options()("vin", "the VIN", cxxopts::value<std::string>());
  options.parse_positional({"vin"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto vin = required(*parsed.result, context, "vin");
  if (!vin) return kExitBadInput;
  // `party/ID` is a party's own chain: its registration and key changes.
  const bool party = vin->starts_with("party/");
  if (party && !is_party_id(std::string_view(*vin).substr(6)))
    return fail(Error{ErrorKind::invalid_input, "\"" + vin->substr(6, 64) + "\" is not a party id (1-64 of A-Z a-z 0-9 . _ -)"});
  if (!party)
    if (auto valid = validate_vin(*vin); !valid) return fail(with_context(valid.error(), "VIN " + *vin));
  auto zone = time_zone_of(context);
  if (!zone) return fail(zone.error());

  auto ledger = open_ledger_to_read(context);
  if (!ledger) return fail(ledger.error());
  auto entries = ledger->history(*vin);
  if (!entries) return fail(entries.error());
  if (context.json) {
    print_json(history_json(*vin, *entries));
    return kExitOk;
  }
  if (entries->empty()) {
    std::cerr << "no entries for " << (party ? "" : "VIN ") << *vin << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& entry : *entries) {
    const auto& statement = entry.entry["statement"];
    // Stored times parse (audit re-checks them); shown in --tz when given.
    const std::string time = statement["time"].get<std::string>();
    auto utc = parse_timestamp(time);
    std::string what = describe(statement);
    if (entry.withdrawn) what = "WITHDRAWN by seq " + std::to_string(entry.withdrawn->by) + ": " + what;
    rows.push_back({std::to_string(entry.entry["seq"].get<std::int64_t>()), utc ? zone->format(*utc) : time,
                    statement["type"], statement["actor"], what, to_hex(entry.hash).substr(0, 12)});
  }
  if (party)
    std::cout << *vin << "\n";
  else
    std::cout << "VIN " << *vin << made_by(*vin) << "\n";
  print_table(std::cout, {"SEQ", "TIME", "EVENT", "BY", "WHAT", "HASH"}, rows);
  return kExitOk;
}

}  // namespace vinledger::cli
