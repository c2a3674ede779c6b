// vinledger party add ID ... | party revoke ID | party list
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"
#include "vinledger/keys.h"

namespace vinledger::cli {
namespace {

std::string joined(const nlohmann::json& list) {
  std::string text;
  for (const auto& item : list) text += (text.empty() ? "" : ",") + item.get<std::string>();
  return text.empty() ? "-" : text;
}

int run_party_add(Context& context) {
  cxxopts::Options options("vinledger party add",
                           "Register a party, or rotate its key (a party statement signed by the operator).");
  options.positional_help("ID");
  options.add_options()
      ("id", "the party id", cxxopts::value<std::string>())
      ("name", "the party's name", cxxopts::value<std::string>())
      ("country", "its country (ISO 3166-1 alpha-2)", cxxopts::value<std::string>())
      ("roles", "comma-separated: manufacturer,dealer,exporter,carrier,importer,registry,regulator",
       cxxopts::value<std::string>())
      ("vkey", "its verifier key (from `vinledger keygen`)", cxxopts::value<std::string>())
      ("wmi", "comma-separated WMIs a manufacturer owns", cxxopts::value<std::string>())
      ("operator-key", "the operator's private key file (default: beside the database)", cxxopts::value<std::string>());
  options.parse_positional({"id"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  std::optional<std::string> fields[5];
  const char* names[5] = {"id", "name", "country", "roles", "vkey"};
  for (int i = 0; i < 5; ++i)
    if (!(fields[i] = required(args, context, names[i]))) return kExitBadInput;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  const std::filesystem::path key_path = operator_key_path(args, context);
  auto key = SigningKey::load(key_path);
  if (!key) return fail(key.error());

  nlohmann::json statement = {{"type", "party"},     {"actor", ledger->operator_id()}, {"id", *fields[0]},
                              {"name", *fields[1]},  {"country", *fields[2]},          {"roles", split_list(*fields[3])},
                              {"vkey", *fields[4]}};
  if (args.count("wmi")) statement["wmi"] = split_list(args["wmi"].as<std::string>());
  auto report = ledger->record(std::move(statement), *key);
  if (!report) return fail(report.error());
  if (context.json) print_json(party_recorded_json(*report, *fields[0], false));
  else std::cerr << "registered party " << *fields[0] << " at seq " << report->first_seq << "\n";
  return kExitOk;
}

// The ledger re-registers the party as it stands, marked revoked: its name,
// roles and key stay on record so that its earlier statements still verify.
int run_party_revoke(Context& context) {
  cxxopts::Options options("vinledger party revoke",
                           "Revoke a party: its statements are refused from now on; earlier ones stand.");
  options.positional_help("ID");
  options.add_options()
      ("id", "the party id", cxxopts::value<std::string>())
      ("operator-key", "the operator's private key file (default: beside the database)", cxxopts::value<std::string>());
  options.parse_positional({"id"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto id = required(args, context, "id");
  if (!id) return kExitBadInput;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  const std::filesystem::path key_path = operator_key_path(args, context);
  auto key = SigningKey::load(key_path);
  if (!key) return fail(key.error());
  auto report = ledger->revoke_party(*id, *key);
  if (!report) return fail(report.error());
  if (context.json) print_json(party_recorded_json(*report, *id, true));
  else std::cerr << "revoked party " << *id << " at seq " << report->first_seq << "\n";
  return kExitOk;
}

int run_party_list(Context& context) {
  cxxopts::Options options("vinledger party list", "List the registered parties and the keys in force.");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto ledger = open_ledger_to_read(context);
  if (!ledger) return fail(ledger.error());
  auto parties = ledger->parties();
  if (!parties) return fail(parties.error());
  const nlohmann::json document = parties_json(*parties);
  if (context.json) {
    print_json(document);
    return kExitOk;
  }
  const nlohmann::json& list = document["parties"];
  std::vector<std::vector<std::string>> rows;
  for (const auto& party : list)
    rows.push_back({party["id"], party["name"], party["country"], joined(party["roles"]), joined(party["wmi"]),
                    std::to_string(party["key_seq"].get<std::int64_t>()),
                    party["revoked"].get<bool>() ? "revoked" : "active", party["vkey"]});
  print_table(std::cout, {"ID", "NAME", "COUNTRY", "ROLES", "WMI", "KEY SINCE", "STATUS", "VERIFIER KEY"}, rows);
  return kExitOk;
}

}  // namespace

int run_party(Context& context) {
  if (context.args.size() < 2) return fail_usage(context, "expected `party add`, `party revoke` or `party list`");
  const std::string sub = context.args[1];
  context.args.erase(context.args.begin());
  context.command = "party " + sub;
  if (sub == "add") return run_party_add(context);
  if (sub == "list") return run_party_list(context);
  if (sub == "revoke") return run_party_revoke(context);
  return fail_usage(context, "unknown subcommand '" + sub + "'");
}

}  // namespace vinledger::cli
