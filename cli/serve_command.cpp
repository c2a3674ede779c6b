// vinledger [--db PATH] serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--read-only]
//                        [--max-body BYTES] [--workers N] [--operator-key FILE] [--read-tokens FILE]
//                        [--witness NAME=URL=VKEY ... [--witness-quorum K]] ...
#include <iostream>

#include "api/serve.h"
#include "command.h"
#include "parse_options.h"
#include "vinledger/verification.h"

namespace vinledger::cli {

int run_serve(Context& context) {
  cxxopts::Options options("vinledger serve",
                           "Serve the ledger over HTTP (docs/api.md): dealers, carriers and registries submit "
                           "signed statements and get receipts; regulators and auditors read. Prints the URL it "
                           "serves on standard output, one JSON line per request on standard error; SIGTERM or "
                           "SIGINT stops it gracefully.");
  options.add_options()
      ("listen", "ADDRESS:PORT to listen on (port 0: any free port)",
       cxxopts::value<std::string>()->default_value("127.0.0.1:8080"))
      ("tls-cert", "serve HTTPS with this certificate chain (PEM)", cxxopts::value<std::string>())
      ("tls-key", "the private key of --tls-cert (PEM)", cxxopts::value<std::string>())
      ("read-only", "take no statements; serve reads only (no operator key needed)")
      ("operator-key", "the operator's private key file: signs the checkpoint each write is proved against "
                       "(default: beside the database)", cxxopts::value<std::string>())
      ("max-body", "largest request body, in bytes (a batch of statements)",
       cxxopts::value<std::size_t>()->default_value("8388608"))
      ("workers", "threads for reads and signature checks (default: one per core)",
       cxxopts::value<unsigned>()->default_value("0"))
      ("max-connections", "open connections at most; more are answered 503",
       cxxopts::value<std::size_t>()->default_value("1024"))
      ("max-queued", "reads waiting for a worker at most; more are answered 429",
       cxxopts::value<std::size_t>()->default_value("256"))
      ("max-pending", "statements taken and not yet recorded at most; more are answered 429",
       cxxopts::value<std::size_t>()->default_value("65536"))
      ("header-timeout", "seconds a client has to send a request's headers (408 after)",
       cxxopts::value<unsigned>()->default_value("10"))
      ("body-timeout", "seconds a client has to send a request's body (408 after)",
       cxxopts::value<unsigned>()->default_value("60"))
      ("idle-timeout", "seconds a kept-alive connection may wait for its next request",
       cxxopts::value<unsigned>()->default_value("30"))
      ("read-tokens", "require a bearer token for every read; FILE has one \"NAME TOKEN\" a line (mode 0600)",
       cxxopts::value<std::string>())
      ("rules", "embargo and denied-party rules file to use instead of the shipped rules.json",
       cxxopts::value<std::string>())
      ("witness", "NAME=URL=VKEY: submit each new checkpoint to this tlog-witness (repeat for several)",
       cxxopts::value<std::vector<std::string>>())
      ("witness-quorum", "GET /checkpoint serves the latest checkpoint at least K witnesses cosigned",
       cxxopts::value<std::size_t>()->default_value("0"));
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;

  api::ServeOptions serve;
  serve.http.listen = args["listen"].as<std::string>();
  serve.http.workers = args["workers"].as<unsigned>();
  serve.http.max_connections = args["max-connections"].as<std::size_t>();
  serve.http.max_queued = args["max-queued"].as<std::size_t>();
  for (const char* name : {"header-timeout", "body-timeout", "idle-timeout"})
    if (args[name].as<unsigned>() == 0 || args[name].as<unsigned>() > 3600)
      return fail_usage(context, std::string("--") + name + " must be 1 to 3600 seconds");
  serve.http.header_timeout = std::chrono::seconds(args["header-timeout"].as<unsigned>());
  serve.http.body_timeout = std::chrono::seconds(args["body-timeout"].as<unsigned>());
  serve.http.idle_timeout = std::chrono::seconds(args["idle-timeout"].as<unsigned>());
  if (args.count("tls-cert") != args.count("tls-key"))
    return fail_usage(context, "--tls-cert and --tls-key go together");
  if (args.count("tls-cert"))
    serve.http.tls = http::TlsFiles{args["tls-cert"].as<std::string>(), args["tls-key"].as<std::string>()};

  serve.api.db = context.db;
  serve.api.read_only = args.count("read-only") > 0;
  serve.api.max_body = args["max-body"].as<std::size_t>();
  if (serve.api.max_body < kMaxStatementBytes)
    return fail_usage(context, "--max-body must be at least " + std::to_string(kMaxStatementBytes) +
                                   " (one statement)");
  serve.api.commit.max_pending_statements = args["max-pending"].as<std::size_t>();
  serve.api.commit.settings.threads = serve.http.workers;
  // The operator's key: required to take statements, optional when read-only
  // (then only checkpoints already recorded are served).
  const std::filesystem::path key_path = operator_key_path(args, context);
  if (!serve.api.read_only || args.count("operator-key")) {
    auto key = SigningKey::load(key_path);
    if (!key) return fail(key.error());
    serve.api.operator_key = std::move(*key);
  }
  if (args.count("read-tokens")) {
    auto tokens = api::ReadTokens::load(args["read-tokens"].as<std::string>());
    if (!tokens) return fail(tokens.error());
    serve.api.read_tokens = std::move(*tokens);
  }
  if (args.count("witness"))
    for (const auto& text : args["witness"].as<std::vector<std::string>>()) {
      auto endpoint = parse_witness_endpoint(text);
      if (!endpoint) return fail(Error{ErrorKind::invalid_input, "--witness: " + endpoint.error().message});
      serve.api.witnesses.push_back(std::move(*endpoint));
    }
  serve.api.witness_quorum = args["witness-quorum"].as<std::size_t>();
  auto reference = load_verification_data(args.count("rules") ? std::optional<std::filesystem::path>(
                                                                     args["rules"].as<std::string>())
                                                               : std::nullopt);
  if (!reference) return fail(reference.error());
  serve.api.reference = std::move(*reference);

  auto served = api::serve(std::move(serve), [](const std::string& url) { std::cout << url << "\n" << std::flush; });
  if (!served) return fail(served.error());
  return kExitOk;
}

}  // namespace vinledger::cli
