// vinledger record TYPE --vin V [--as PARTY] --key FILE [--FIELD VALUE ...]
//                  [--unregistered] [--corrects HASH [--reason TEXT]]
//
// Parsed by hand rather than with cxxopts: the fields are open-ended
// (--FIELD VALUE for any statement field), and their meaning lives in the
// library (field_value_from_text, Ledger::record), not here.
#include <algorithm>
#include <iostream>

#include "command.h"
#include "server_client.h"
#include "vinledger/json.h"
#include "vinledger/keys.h"
#include "vinledger/timestamp.h"

namespace vinledger::cli {
namespace {

constexpr const char* kHelp = R"(usage: vinledger record TYPE --vin V [--as PARTY] --key FILE [--FIELD VALUE ...]
                        [--unregistered] [--corrects HASH [--reason TEXT]] [--server URL [--ca FILE]]

Builds a statement of TYPE for the VIN, signs it with FILE (the actor is the
key's party; --as, if given, must be it; prev = the VIN's current head; time =
now unless --time is given, with any RFC 3339 offset) and appends it. With
--server (or $VINLEDGER_SERVER, unless --db is given) the head comes from the
server and the statement is submitted there, bound to the server's log: no
ledger file is needed, only the party's key; --ca trusts a private CA for an
https:// server.

Fields (see docs/format.md): --country CC --make M --model M --year Y --from ID
--to ID --doc D --port LOCODE --destination CC --via CC,CC --consignee ID|JSON
--value "65,000.00 EUR" --from_port LOCODE --to_port LOCODE --vessel V
--owner O --plate P --target HASH --reason R --time RFC3339. Dashes in field
names may be written as underscores and vice versa (--from-port = --from_port).

--unregistered   allow a from/to/consignee id that is not a registered party
--corrects HASH  a correction: withdraw that entry of the VIN (a void, with
                 --reason) and record this statement, in one append
)";

struct RecordArgs {
  std::string type;
  std::string vin;
  std::string actor;
  std::string key_file;
  ServerArgs server;
  std::vector<std::pair<std::string, std::string>> fields;
  bool unregistered = false;
  std::optional<std::string> corrects;
  std::optional<std::string> reason;  // the void's, with --corrects
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
    if (arg == "--unregistered") {
      parsed.unregistered = true;
      continue;
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
    else if (name == "corrects") parsed.corrects = value;
    else if (name == "server") parsed.server.server = value;
    else if (name == "ca") parsed.server.ca = value;
    else if (name == "prev" || name == "sig" || name == "type" || name == "actor")
      return fail_usage(context, "--" + name + " is set by record itself");
    else parsed.fields.emplace_back(name, value);
  }
  if (parsed.type.empty()) return fail_usage(context, "TYPE is required");
  if (parsed.key_file.empty()) return fail_usage(context, "--key FILE is required");
  if (parsed.type != "party" && parsed.vin.empty()) return fail_usage(context, "--vin is required");
  if (parsed.corrects) {
    // With --corrects, --reason is the void's: the statement itself has none.
    for (auto it = parsed.fields.begin(); it != parsed.fields.end(); ++it)
      if (it->first == "reason") {
        parsed.reason = it->second;
        parsed.fields.erase(it);
        break;
      }
    if (parsed.type == "void") return fail_usage(context, "--corrects replaces an entry with a statement, not a void");
  }
  return std::nullopt;
}

}  // namespace

int run_record(Context& context) {
  RecordArgs args;
  if (auto stop = parse_record_args(context, args)) return *stop;
  nlohmann::json statement = {{"type", args.type}};
  if (!args.actor.empty()) statement["actor"] = args.actor;
  if (!args.vin.empty()) statement["vin"] = args.vin;
  for (const auto& [name, text] : args.fields) {
    if (statement.contains(name)) return fail_usage(context, "--" + name + " given twice");
    auto value = field_value_from_text(name, text);
    if (!value) return fail(value.error());
    statement[name] = std::move(*value);
  }
  RecordOptions options;
  options.unregistered = args.unregistered;
  if (args.corrects) {
    options.corrects = hash_from_hex(*args.corrects);
    if (!options.corrects) return fail_usage(context, "--corrects needs an entry hash (64 lowercase hex digits)");
    options.reason = args.reason.value_or("");
  }
  auto key = SigningKey::load(args.key_file);
  if (!key) return fail(key.error());
  auto client = server_for(args.server, context);
  if (!client) return fail(client.error());
  if (*client) {
    // A correction is a void and its replacement in one transaction: only
    // the ledger file can do that.
    if (options.corrects) return fail_usage(context, "--corrects needs the ledger file (--db), not --server");
    return record_on_server(context, **client, std::move(statement), *key, args.type, args.unregistered);
  }
  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  auto report = ledger->record(std::move(statement), *key, options);
  if (!report) return fail(report.error());
  const std::int64_t seq = report->first_seq + report->count - 1;
  auto entry = ledger->entry(seq);
  if (!entry) return fail(entry.error());
  std::optional<LedgerEntry> withdrawal;
  if (options.corrects) {
    auto void_entry = ledger->entry(report->first_seq);
    if (!void_entry) return fail(void_entry.error());
    withdrawal = std::move(*void_entry);
  }
  if (context.json) {
    nlohmann::json document = recorded_json(*entry);
    if (withdrawal) document["void"] = {{"seq", report->first_seq}, {"hash", to_hex(withdrawal->hash)}};
    print_json(document);
  } else {
    if (withdrawal) std::cerr << "withdrew " << *args.corrects << " (void at seq " << report->first_seq << "), ";
    std::cerr << "recorded " << args.type << " at seq " << seq << "\n";
    std::cout << to_hex(entry->hash) << "\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
