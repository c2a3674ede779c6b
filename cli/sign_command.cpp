// vinledger sign --key FILE [--link [--server URL [--ca FILE]]] FILE|-
//
// Signs statements for bulk submission: a party's own system writes
// unsigned statements, signs them here with the party's key, and sends the
// output to the operator, who runs `append`, or to a server with `submit`.
#include <fstream>
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "server_client.h"
#include "vinledger/keys.h"
#include "vinledger/signing.h"
#include "vinledger/timestamp.h"

namespace vinledger::cli {

int run_sign(Context& context) {
  cxxopts::Options options("vinledger sign",
                           "Sign unsigned statements (one JSON object per line) with a party's key; prints signed "
                           "JSONL for `append` or `submit`. Output appears only if every line signed.");
  options.positional_help("FILE|-");
  options.add_options()
      ("key", "the signing party's private key file", cxxopts::value<std::string>())
      ("link", "set prev of each chain's first statement to its head in the ledger (--db), or on the server")
      ("server", "with --link: take the heads from this server (default: $VINLEDGER_SERVER unless --db is given)",
       cxxopts::value<std::string>())
      ("ca", "trust only this CA certificate file (PEM) for an https:// server", cxxopts::value<std::string>())
      ("file", "unsigned statements, or - for standard input", cxxopts::value<std::string>());
  options.parse_positional({"file"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto key_file = required(args, context, "key");
  auto file = key_file ? required(args, context, "file") : std::nullopt;
  if (!key_file || !file) return kExitBadInput;
  auto key = SigningKey::load(*key_file);
  if (!key) return fail(key.error());
  const bool link = args.count("link") > 0;
  if (!link && args.count("server")) return fail_usage(context, "--server is for --link (the heads come from it)");

  // With --link the heads come from the server, or else from the ledger file.
  std::optional<http::HttpClient> client;
  std::optional<Ledger> ledger;
  HeadLookup heads;
  if (link) {
    ServerArgs server{args.count("server") ? std::optional(args["server"].as<std::string>()) : std::nullopt,
                      args.count("ca") ? std::optional(args["ca"].as<std::string>()) : std::nullopt};
    auto chosen = server_for(server, context);
    if (!chosen) return fail(chosen.error());
    if (*chosen) {
      client = std::move(**chosen);
      heads = server_heads(*client);
    } else {
      auto opened = open_ledger(context);
      if (!opened) return fail(opened.error());
      ledger = std::move(*opened);
      heads = [&ledger](std::string_view chain) { return ledger->head(chain); };
    }
  }

  std::ifstream stream;
  std::istream* input = &std::cin;
  if (*file != "-") {
    stream.open(*file, std::ios::binary);
    if (!stream) return fail(Error{ErrorKind::not_found, "cannot read " + *file});
    input = &stream;
  }
  auto output = sign_statement_lines(*input, *file == "-" ? "<stdin>" : *file, *key, heads, now_seconds());
  if (!output) return fail(output.error());
  std::cout << *output;
  return kExitOk;
}

}  // namespace vinledger::cli
