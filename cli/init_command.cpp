// vinledger init --origin NAME [--operator ID] [--operator-key FILE]
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/keys.h"

namespace vinledger::cli {
namespace {

// Uses an existing operator key file, or generates one. Returns whether the
// file was created here, so that a failed init can remove it again.
Result<std::pair<SigningKey, bool>> operator_key(const std::filesystem::path& path) {
  if (std::filesystem::exists(path)) {
    auto key = SigningKey::load(path);
    if (!key) return std::unexpected(key.error());
    return std::pair{*key, false};
  }
  SigningKey key = SigningKey::generate();
  if (auto saved = key.save_new(path); !saved) return std::unexpected(saved.error());
  return std::pair{key, true};
}

}  // namespace

int run_init(Context& context) {
  cxxopts::Options options("vinledger init", "Create a ledger, its operator party and the operator's signing key.");
  options.add_options()
      ("origin", "the log's name, used in checkpoints (e.g. ledger.example.org/vehicles)", cxxopts::value<std::string>())
      ("operator", "the operator's party id", cxxopts::value<std::string>()->default_value("operator"))
      ("operator-key", "the operator's private key file: used if it exists, else created (default: beside the database)",
       cxxopts::value<std::string>())
      ("operator-name", "the operator's name (default: the origin)", cxxopts::value<std::string>())
      ("country", "the operator's country (ISO 3166 alpha-2; ZZ for none)", cxxopts::value<std::string>()->default_value("ZZ"));
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto origin = required(args, context, "origin");
  if (!origin) return kExitBadInput;
  if (std::filesystem::exists(context.db))
    return fail(Error{ErrorKind::invalid_input, "refusing to create " + context.db.string() + ": it already exists"});

  const std::filesystem::path key_path = operator_key_path(args, context);
  auto key = operator_key(key_path);
  if (!key) return fail(key.error());
  InitOptions init{*origin, args["operator"].as<std::string>(),
                   args.count("operator-name") ? args["operator-name"].as<std::string>() : "",
                   args["country"].as<std::string>()};
  auto ledger = Ledger::create(context.db, init, key->first);
  if (!ledger) {
    if (key->second) std::filesystem::remove(key_path);
    return fail(ledger.error());
  }
  const std::string vkey = key->first.verifier(*origin).text();
  if (context.json) {
    print_json({{"db", context.db.string()},
                {"origin", *origin},
                {"operator", init.operator_id},
                {"operator_key_file", key_path.string()},
                {"vkey", vkey}});
  } else {
    std::cerr << "created ledger " << context.db.string() << " (origin " << *origin << ", operator " << init.operator_id
              << ")\noperator key: " << key_path.string() << (key->second ? " (new)" : " (existing)")
              << "\noperator verifier key (publish it):\n";
    std::cout << vkey << "\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
