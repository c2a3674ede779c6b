// vinledger record TYPE --vin V --as PARTY --key FILE [--FIELD VALUE ...]
//
// Parsed by hand rather than with cxxopts: the fields are open-ended
// (--FIELD VALUE for any statement field), and their meaning lives in the
// library (field_value_from_text), not here.
#include <algorithm>
#include <iostream>

#include "command.h"
#include "server_client.h"
#include "vinledger/json.h"
#include "vinledger/keys.h"
#include "vinledger/timestamp.h"

namespace vinledger::cli {
namespace {

constexpr const char* kHelp = R"(usage: vinledger record TYPE --vin V --as PARTY --key FILE [--FIELD VALUE ...]
                       [--server URL [--ca FILE]]

Builds a statement of TYPE for the VIN, signs it with FILE as PARTY (prev = the
VIN's current head, time = now unless --time is given) and appends it. With
--server (or $VINLEDGER_SERVER, unless --db is given) the head comes from the
server and the statement is submitted there: no ledger file is needed, only
the party's key; --ca trusts a private CA for an https:// server.

Fields (see docs/format.md): --country CC --make M --model M --year Y --from ID
--to ID --doc D --port LOCODE --destination CC --via CC,CC --consignee ID|JSON
--value "AMOUNT CURRENCY" --from_port LOCODE --to_port LOCODE --vessel V
--owner O --plate P --time RFC3339. Dashes in field names may be written as
underscores and vice versa (--from-port = --from_port).
)";

struct RecordArgs {
  std::string type;
  std::string vin;
  std::string actor;
  std::string key_file;
  ServerArgs server;
  std::vector<std::pair<std::string, std::string>> fields;
};

// Returns an exit code when parsing should stop (help or a usage error).
std::optional<int> parse_record_args(Context& context, RecordArgs& parsed) {
  const auto& args = context.args;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kHelp;
      return kExitOk;
    }
    if (arg.rfind("--", 0) != 0) {
      if (!parsed.type.empty()) return fail_usage(context, "unexpected argument '" + arg + "'");
      parsed.type = arg;
      continue;
    }
    std::string name = arg.substr(2), value;
    if (auto equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail_usage(context, arg + " needs a value");
    }
    std::replace(name.begin(), name.end(), '-', '_');
    if (name == "vin") parsed.vin = value;
    else if (name == "as") parsed.actor = value;
    else if (name == "key") parsed.key_file = value;
    else if (name == "server") parsed.server.server = value;
    else if (name == "ca") parsed.server.ca = value;
    else if (name == "prev" || name == "sig" || name == "type" || name == "actor")
      return fail_usage(context, "--" + name + " is set by record itself");
    else parsed.fields.emplace_back(name, value);
  }
  if (parsed.type.empty()) return fail_usage(context, "TYPE is required");
  if (parsed.actor.empty()) return fail_usage(context, "--as PARTY is required");
  if (parsed.key_file.empty()) return fail_usage(context, "--key FILE is required");
  if (parsed.type != "party" && parsed.vin.empty()) return fail_usage(context, "--vin is required");
  return std::nullopt;
}

}  // namespace

int run_record(Context& context) {
  RecordArgs args;
  if (auto stop = parse_record_args(context, args)) return *stop;
  nlohmann::json statement = {{"type", args.type}, {"actor", args.actor}};
  if (!args.vin.empty()) statement["vin"] = args.vin;
  for (const auto& [name, text] : args.fields) {
    if (statement.contains(name)) return fail_usage(context, "--" + name + " given twice");
    auto value = field_value_from_text(name, text);
    if (!value) return fail(value.error());
    statement[name] = std::move(*value);
  }
  auto key = SigningKey::load(args.key_file);
  if (!key) return fail(key.error());
  auto client = server_for(args.server, context);
  if (!client) return fail(client.error());
  if (*client) return record_on_server(context, **client, std::move(statement), *key, args.type);
  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  auto report = ledger->record(std::move(statement), *key);
  if (!report) return fail(report.error());
  auto entry = ledger->entry(report->first_seq);
  if (!entry) return fail(entry.error());
  if (context.json) {
    print_json(recorded_json(*entry));
  } else {
    std::cerr << "recorded " << args.type << " at seq " << report->first_seq << "\n";
    std::cout << to_hex(entry->hash) << "\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
