// vinledger keygen --name NAME --out FILE
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/keys.h"

namespace vinledger::cli {

int run_keygen(Context& context) {
  cxxopts::Options options("vinledger keygen",
                           "Write a new Ed25519 private key (PKCS#8 PEM, mode 0600) and print its verifier key.");
  options.add_options()
      ("name", "the key's name in its verifier key (usually the party id)", cxxopts::value<std::string>())
      ("out", "the private key file to create (never overwritten)", cxxopts::value<std::string>());
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto name = required(*parsed.result, context, "name");
  auto out = name ? required(*parsed.result, context, "out") : std::nullopt;
  if (!name || !out) return kExitBadInput;
  if (!is_valid_key_name(*name))
    return fail(Error{ErrorKind::invalid_input, "key name \"" + *name + "\" is not valid (no spaces, no '+')"});

  SigningKey key = SigningKey::generate();
  if (auto saved = key.save_new(*out); !saved) return fail(saved.error());
  const std::string vkey = key.verifier(*name).text();
  if (context.json) print_json({{"file", *out}, {"vkey", vkey}});
  else std::cout << vkey << "\n";
  return kExitOk;
}

}  // namespace vinledger::cli
