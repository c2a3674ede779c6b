// vinledger sign --key FILE [--link] [--unregistered] FILE|-
//
// Signs statements for bulk submission: a party's own system writes
// unsigned statements, signs them here with the party's key, and sends the
// output to the operator, who runs `append`. What a statement must be before
// it is signed (actor, UTC time, registered party ids) is the library's
// Ledger::prepare_unsigned, as for `record`.
#include <fstream>
#include <iostream>
#include <set>

#include "command.h"
#include "parse_options.h"
#include "vinledger/canonical_json.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/keys.h"
#include "vinledger/statement.h"
#include "vinledger/timestamp.h"

namespace vinledger::cli {
namespace {

struct SignSettings {
  const SigningKey* key;
  Ledger* ledger;
  bool link = false;  // prev comes from the ledger's heads
  bool unregistered = false;
};

// Fills `time`, (with --link) `prev` and `log`, and an operator's key
// endorsement, then signs. `linked` holds the
// chains that already got a prev from this input: a later statement of the
// same chain cannot know its predecessor's hash before it is appended.
Result<std::string> sign_line(const std::string& text, const SignSettings& settings, std::set<std::string>& linked) {
  auto parsed = parse_strict_json(text);
  if (!parsed) return std::unexpected(parsed.error());
  auto object = settings.ledger->prepare_unsigned(std::move(*parsed), *settings.key, settings.unregistered);
  if (!object) return std::unexpected(object.error());
  if (settings.link && !object->contains("prev")) {
    auto chain = chain_of(*object);
    if (!chain) return std::unexpected(chain.error());
    if (linked.insert(*chain).second) {
      auto head = settings.ledger->head(*chain);
      if (!head) return std::unexpected(head.error());
      (*object)["prev"] = *head ? nlohmann::json(to_hex(**head)) : nlohmann::json(nullptr);
    }
  }
  // With --link the ledger is known: the statement is bound to it (`log`).
  if (settings.ledger && !object->contains("log")) (*object)["log"] = settings.ledger->origin();
  add_key_endorsement(*object, *settings.key);
  auto statement = sign_statement(std::move(*object), *settings.key);
  if (!statement) return std::unexpected(statement.error());
  return statement->canonical;
}

}  // namespace

int run_sign(Context& context) {
  cxxopts::Options options("vinledger sign",
                           "Sign unsigned statements (one JSON object per line) with a party's key; prints signed "
                           "JSONL for `append`. Output appears only if every line signed.");
  options.positional_help("FILE|-");
  options.add_options()
      ("key", "the signing party's private key file", cxxopts::value<std::string>())
      ("link", "set prev of each chain's first statement to its head in the ledger (--db), and log to its origin")
      ("unregistered", "allow from/to/consignee ids that are not registered parties")
      ("file", "unsigned statements, or - for standard input", cxxopts::value<std::string>());
  options.parse_positional({"file"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto key_file = required(*parsed.result, context, "key");
  auto file = key_file ? required(*parsed.result, context, "file") : std::nullopt;
  if (!key_file || !file) return kExitBadInput;
  auto key = SigningKey::load(*key_file);
  if (!key) return fail(key.error());
  // The registry says whose key this is and which party ids exist.
  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());

  std::ifstream stream;
  std::istream* input = &std::cin;
  if (*file != "-") {
    if (auto opened = open_input_file(*file, stream); !opened) return fail(opened.error());
    input = &stream;
  }
  const std::string source = *file == "-" ? "<stdin>" : *file;
  SignSettings settings{&*key, &*ledger, parsed.result->count("link") > 0, parsed.result->count("unregistered") > 0};
  std::set<std::string> linked;
  std::string output, line;
  std::int64_t number = 1;
  for (; std::getline(*input, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > kMaxStatementBytes)
      return fail(Error{ErrorKind::invalid_input, source + ":" + std::to_string(number) + ": line is longer than " +
                                                      std::to_string(kMaxStatementBytes) + " bytes"});
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto signed_line = sign_line(line, settings, linked);
    if (!signed_line) return fail(with_context(signed_line.error(), source + ":" + std::to_string(number)));
    output += *signed_line;
    output += '\n';
  }
  // A read error is not the end of the input: nothing is printed.
  if (input->bad()) return fail(Error{ErrorKind::storage, source + ":" + std::to_string(number) + ": read error"});
  std::cout << output;
  return kExitOk;
}

}  // namespace vinledger::cli
