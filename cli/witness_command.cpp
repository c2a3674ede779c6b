// vinledger witness init --name NAME --key FILE --log-key VKEY --state DIR
// vinledger witness cosign CHECKPOINT --state DIR [--proof FILE]
//   (without --proof, the proof is computed from the ledger named by --db)
// vinledger witness serve --state DIR --listen ADDR:PORT --log VKEY...
//   (C2SP tlog-witness over HTTP, docs/format.md "Witnesses over HTTP")
#include <iostream>

#include "api/witness_serve.h"
#include "command.h"
#include "parse_options.h"
#include "vinledger/witness.h"

namespace vinledger::cli {
namespace {

// A refusal by the witness is a finding (exit 1), not bad input.
int fail_witness(const Error& error) {
  const int code = fail(error);
  return error.kind == ErrorKind::conflict ? kExitFindings : code;
}

int witness_init(Context& context) {
  cxxopts::Options options("vinledger witness init",
                           "Create a witness of one log: its config, an empty state, and its key (made if missing).");
  options.add_options()
      ("name", "the witness's name in its cosignatures (e.g. customs.example.org/witness)", cxxopts::value<std::string>())
      ("key", "the witness's private key file: used if it exists, else created (mode 0600)", cxxopts::value<std::string>())
      ("log-key", "the log's verifier key (what `init` printed)", cxxopts::value<std::string>())
      ("state", "the witness's directory", cxxopts::value<std::string>());
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  std::optional<std::string> values[4];
  const char* names[4] = {"name", "key", "log-key", "state"};
  for (int i = 0; i < 4; ++i)
    if (!(values[i] = required(args, context, names[i]))) return kExitBadInput;
  auto log_key = VerifierKey::parse(*values[2]);
  if (!log_key) return fail(Error{ErrorKind::invalid_input, "--log-key: " + log_key.error().message});

  auto config = Witness::init(*values[3], *values[0], *values[1], *log_key);
  if (!config) return fail(config.error());
  if (context.json) {
    print_json({{"state", *values[3]},
                {"name", config->name},
                {"origin", config->origin()},
                {"log_key", config->log_key.text()},
                {"key_file", config->key_file.string()},
                {"cosigner_key", config->cosigner_key.text()}});
  } else {
    std::cerr << "created witness " << config->name << " of " << config->origin() << " in " << *values[3]
              << "\nwitness key: " << config->key_file.string() << "\ncosigner key (publish it):\n";
    std::cout << config->cosigner_key.text() << "\n";
  }
  return kExitOk;
}

int witness_cosign(Context& context) {
  cxxopts::Options options("vinledger witness cosign",
                           "Cosign a checkpoint of the log if it extends the last one this witness cosigned; "
                           "print it with the cosignature added.");
  options.add_options()
      ("state", "the witness's directory", cxxopts::value<std::string>())
      ("proof", "the consistency proof from the last cosigned checkpoint (what `consistency` prints); "
                "without it the proof is computed from the ledger at --db", cxxopts::value<std::string>())
      ("checkpoint", "the signed checkpoint file", cxxopts::value<std::string>());
  options.parse_positional({"checkpoint"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto state = required(args, context, "state");
  if (!state) return kExitBadInput;
  auto file = args.count("checkpoint") ? std::optional(args["checkpoint"].as<std::string>()) : std::nullopt;
  if (!file) return fail_usage(context, "give the checkpoint file to cosign");
  auto note = read_input_file(*file, kMaxNoteBytes);
  if (!note) return fail(note.error());

  ProofSource proof;
  if (args.count("proof")) {
    // Read up front: a proof file that cannot be read is bad usage, not a refusal.
    auto text = read_input_file(args["proof"].as<std::string>(), 64 * 1024);
    if (!text) return fail(text.error());
    auto hashes = parse_proof_lines(*text);
    proof = [hashes = std::move(hashes)](std::uint64_t, std::uint64_t) { return hashes; };
  } else {
    proof = [&context](std::uint64_t old_size, std::uint64_t new_size) -> Result<std::vector<Hash>> {
      LedgerSettings settings;
      settings.read_only = true;  // the witness never writes the log it watches
      auto ledger = Ledger::open(context.db, settings);
      if (!ledger) return std::unexpected(ledger.error());
      auto computed = ledger->consistency_proof(old_size, new_size);
      if (!computed) return std::unexpected(computed.error());
      return std::move(computed->proof);
    };
  }

  auto witness = Witness::open(*state);
  if (!witness) return fail(witness.error());
  auto cosigned = witness->cosign(*note, proof);
  if (!cosigned) return fail_witness(cosigned.error());
  if (context.json) {
    auto latest = witness->latest();
    if (!latest) return fail(latest.error());
    print_json({{"name", witness->config().name},
                {"size", (*latest)->size},
                {"root", to_hex((*latest)->root)},
                {"note", *cosigned}});
  } else {
    std::cout << *cosigned;
  }
  return kExitOk;
}

int witness_serve(Context& context) {
  cxxopts::Options options("vinledger witness serve",
                           "Answer C2SP tlog-witness POST /add-checkpoint over HTTP for the logs given with --log, "
                           "from a witness directory (`witness init`). Prints the URL it serves on standard output, "
                           "one JSON line per request on standard error; SIGTERM or SIGINT stops it gracefully.");
  options.add_options()
      ("state", "the witness's directory", cxxopts::value<std::string>())
      ("listen", "ADDRESS:PORT to listen on (port 0: any free port)",
       cxxopts::value<std::string>()->default_value("127.0.0.1:7380"))
      ("log", "a log's verifier key (one per log; at least the one of the directory's config)",
       cxxopts::value<std::vector<std::string>>())
      ("tls-cert", "serve HTTPS with this certificate chain (PEM)", cxxopts::value<std::string>())
      ("tls-key", "the private key of --tls-cert (PEM)", cxxopts::value<std::string>());
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto state = required(args, context, "state");
  if (!state) return kExitBadInput;
  if (!args.count("log")) return fail_usage(context, "give the verifier key of each log to witness (--log VKEY)");
  api::WitnessServeOptions serve;
  serve.state = *state;
  for (const auto& text : args["log"].as<std::vector<std::string>>()) {
    auto key = VerifierKey::parse(text);
    if (!key) return fail(Error{ErrorKind::invalid_input, "--log " + text + ": " + key.error().message});
    serve.logs.push_back(std::move(*key));
  }
  serve.http.listen = args["listen"].as<std::string>();
  if (args.count("tls-cert") != args.count("tls-key"))
    return fail_usage(context, "--tls-cert and --tls-key go together");
  if (args.count("tls-cert"))
    serve.http.tls = http::TlsFiles{args["tls-cert"].as<std::string>(), args["tls-key"].as<std::string>()};
  auto served = api::serve_witness(std::move(serve), [](const std::string& url) { std::cout << url << "\n" << std::flush; });
  if (!served) return fail(served.error());
  return kExitOk;
}

}  // namespace

int run_witness(Context& context) {
  const std::string sub = context.args.size() > 1 ? context.args[1] : "";
  if (sub != "init" && sub != "cosign" && sub != "serve")
    return fail_usage(context, "expected `witness init`, `witness cosign` or `witness serve`");
  context.command = "witness " + sub;
  context.args.erase(context.args.begin());
  if (sub == "serve") return witness_serve(context);
  return sub == "init" ? witness_init(context) : witness_cosign(context);
}

}  // namespace vinledger::cli
