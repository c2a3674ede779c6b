// vinledger [--db PATH] [--json] [--tz ZONE] COMMAND ...
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <map>
#include <string>

#include "command.h"

namespace vinledger::cli {
namespace {

constexpr const char* kUsage = R"(usage: vinledger [--db PATH] [--json] [--tz ZONE] COMMAND ...

Commands:
  init --origin NAME [--operator ID] [--operator-key FILE]   create a ledger
  keygen --name NAME --out FILE                               write an Ed25519 key
  party add ID --name N --country CC --roles R,R --vkey VKEY [--wmi W,W] [--operator-key FILE]
  party list
  party revoke ID [--operator-key FILE]
  append [--skip-recorded] FILE|-                             append signed statements (JSONL)
  record TYPE --vin V [--as PARTY] --key FILE [--FIELD VALUE ...] [--unregistered] [--corrects HASH [--reason R]]
  sign --key FILE [--link] [--unregistered] FILE|-            sign statements for bulk append
  import --csv FILE --mapping FILE.json --key FILE [--check] [--unregistered] [--skip-recorded]
                                                              record a CSV export's rows, all or nothing
  history VIN | party/ID                                      a VIN's (or a party's) entries in order
  audit [--since CHECKPOINT] [--resume-file FILE] [--fail-on SEVERITY]
                                                              integrity of the ledger (after CHECKPOINT only)
  verify VIN [--as-of DATE] [--arrival-window DAYS] [--rules FILE] [--fail-on SEVERITY]
                                                              custody and destination findings for one VIN
  screen [--as-of DATE] [--arrival-window DAYS] [--rules FILE] [--fail-on SEVERITY]
                                                              the same over every VIN, with a summary
  prove VIN [--out FILE [--force]] [--operator-key FILE]      an evidence bundle for one VIN
  verify-bundle FILE --log-key VKEY [--witness VKEY ... --min-witnesses K] [verify's options]
                                                              check a bundle offline (no database)

  checkpoint [--operator-key FILE] [--cosigned FILE ... --witness VKEY ...] [--tiles-dir DIR]
             [--out FILE [--force]] [--list]
                                                              a signed checkpoint of the whole ledger
  consistency --from OLD_CHECKPOINT [--to NEW_CHECKPOINT]     consistency proof between two checkpoints
  witness init --name NAME --key FILE --log-key VKEY --state DIR
  witness cosign CHECKPOINT --state DIR [--proof FILE]        cosign if it extends what the witness saw

  mirror --server URL --log-key VKEY                          a verified local copy of a tiled log (--db)
  monitor --server URL --log-key VKEY [--interval S] [--once] follow a log, verify what its new entries touch
  serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--read-only] [--max-body BYTES] [--workers N]
                                                              serve the ledger over HTTP (docs/api.md)
  submit [--server URL] [--ca FILE] FILE|-                    send signed statements to a server, print receipts
  verify-receipt FILE|- --log-key VKEY                        check receipts offline (no database, no server)
  record ... --server URL, sign --link --server URL           sign locally, heads from the server

The server is --server, else $VINLEDGER_SERVER (unless --db is given).

The database is --db, else $VINLEDGER_DB, else ./vinledger.db. --tz shows times
for people in an IANA time zone (e.g. Asia/Tokyo); the ledger keeps UTC.
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad usage or input, 3 storage error.
)";

using Runner = int (*)(Context&);

const std::map<std::string, Runner>& commands() {
  static const std::map<std::string, Runner> table = {
      {"init", run_init},       {"keygen", run_keygen},   {"party", run_party}, {"append", run_append},
      {"record", run_record},   {"sign", run_sign},       {"history", run_history}, {"audit", run_audit},
      {"verify", run_verify},   {"screen", run_screen},
      {"checkpoint", run_checkpoint}, {"prove", run_prove}, {"verify-bundle", run_verify_bundle},
      {"consistency", run_consistency}, {"witness", run_witness}, {"import", run_import},
      {"mirror", run_mirror},   {"monitor", run_monitor},
      {"serve", run_serve},     {"submit", run_submit},   {"verify-receipt", run_verify_receipt},
  };
  return table;
}

std::filesystem::path default_db() {
  const char* from_env = std::getenv("VINLEDGER_DB");
  return from_env && *from_env ? std::filesystem::path(from_env) : std::filesystem::path("vinledger.db");
}

// Splits argv into the global options and the command's own arguments.
// --db and --json may also come after the command; they are taken out here
// so that every command accepts them in either place.
int parse_global(int argc, char** argv, Context& context) {
  context.db = default_db();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--json") {
      context.json = true;
    } else if (arg == "--db") {
      if (i + 1 >= argc) {
        std::cerr << "vinledger: --db needs a path\n";
        return kExitBadInput;
      }
      context.db = argv[++i];
      context.db_given = true;
    } else if (arg.rfind("--db=", 0) == 0) {
      context.db = arg.substr(5);
      context.db_given = true;
    } else if (arg == "--tz") {
      if (i + 1 >= argc) {
        std::cerr << "vinledger: --tz needs an IANA time zone name (e.g. Asia/Tokyo)\n";
        return kExitBadInput;
      }
      context.tz = argv[++i];
    } else if (arg.rfind("--tz=", 0) == 0) {
      context.tz = arg.substr(5);
    } else if (context.command.empty() && (arg == "--help" || arg == "-h")) {
      std::cout << kUsage;
      return -1;
    } else if (context.command.empty() && arg == "--version") {
      std::cout << "vinledger 0.1.0\n";
      return -1;
    } else if (context.command.empty() && arg.rfind("-", 0) == 0) {
      std::cerr << "vinledger: unknown option " << arg << "\n" << kUsage;
      return kExitBadInput;
    } else {
      if (context.command.empty()) context.command = arg;
      context.args.push_back(arg);
    }
  }
  if (context.db.empty()) {
    std::cerr << "vinledger: --db needs a path\n";
    return kExitBadInput;
  }
  return kExitOk;
}

int run(int argc, char** argv) {
  Context context;
  if (int status = parse_global(argc, argv, context); status != kExitOk) return status < 0 ? kExitOk : status;
  if (context.command.empty()) {
    std::cerr << kUsage;
    return kExitBadInput;
  }
  auto command = commands().find(context.command);
  if (command == commands().end()) {
    std::cerr << "vinledger: unknown command '" << context.command << "'\n" << kUsage;
    return kExitBadInput;
  }
  return command->second(context);
}

}  // namespace
}  // namespace vinledger::cli

int main(int argc, char** argv) {
  try {
    return vinledger::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "vinledger: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "vinledger: internal error\n";
  }
  return vinledger::cli::kExitStorage;
}
