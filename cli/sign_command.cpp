// vinledger sign --key FILE [--link [--server URL [--ca FILE]]] [--unregistered] FILE|-
//
// Signs statements for bulk submission: a party's own system writes
// unsigned statements, signs them here with the party's key, and sends the
// output to the operator, who runs `append`, or to a server with `submit`.
// What a statement must be before it is signed (actor, UTC time, registered
// party ids, the log it is for) is the library's Ledger::prepare_unsigned,
// as for `record`; with --server, the same against the server's registry
// (prepare_for_server).
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
      ("server", "with --link: take the heads, the registry and the log's origin from this server (default: "
                 "$VINLEDGER_SERVER unless --db is given)",
       cxxopts::value<std::string>())
      ("ca", "trust only this CA certificate file (PEM) for an https:// server", cxxopts::value<std::string>())
      ("unregistered", "allow from/to/consignee ids that are not registered parties")
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
  const bool unregistered = args.count("unregistered") > 0;
  if (!link && args.count("server")) return fail_usage(context, "--server is for --link (the heads come from it)");

  // The registry says whose key this is and which party ids exist: the
  // server's with --link and a server, else the ledger file's (--db).
  std::optional<http::HttpClient> client;
  if (link) {
    ServerArgs server{args.count("server") ? std::optional(args["server"].as<std::string>()) : std::nullopt,
                      args.count("ca") ? std::optional(args["ca"].as<std::string>()) : std::nullopt, std::nullopt};
    auto chosen = server_for(server, context);
    if (!chosen) return fail(chosen.error());
    if (*chosen) client = std::move(**chosen);
  } else if (args.count("ca")) {
    return fail_usage(context, "--ca is for --link --server");
  }
  const std::int64_t now = now_seconds();
  std::optional<Ledger> ledger;
  std::optional<ServerRegistry> registry;
  HeadLookup heads;
  PrepareStatement prepare;
  if (client) {
    auto fetched = server_registry(*client);
    if (!fetched) return fail(fetched.error());
    registry = std::move(*fetched);
    heads = server_heads(*client);
    prepare = [&](nlohmann::json statement) {
      return prepare_for_server(std::move(statement), *registry, *key, unregistered, now);
    };
  } else {
    auto opened = open_ledger(context);
    if (!opened) return fail(opened.error());
    ledger = std::move(*opened);
    if (link) heads = [&ledger](std::string_view chain) { return ledger->head(chain); };
    prepare = [&](nlohmann::json statement) -> Result<nlohmann::json> {
      auto object = ledger->prepare_unsigned(std::move(statement), *key, unregistered);
      if (!object) return object;
      // The ledger is known: the statement is bound to it (`log`).
      if (!object->contains("log")) (*object)["log"] = ledger->origin();
      return object;
    };
  }

  InputArgument input;
  if (auto opened = input.open(*file); !opened) return fail(opened.error());
  auto output = sign_statement_lines(input.stream(), input.name(), *key, heads, now, prepare);
  if (!output) return fail(output.error());
  std::cout << *output;
  return kExitOk;
}

}  // namespace vinledger::cli
