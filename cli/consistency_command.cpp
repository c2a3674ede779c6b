// vinledger consistency --from OLD_CHECKPOINT [--to NEW_CHECKPOINT] [--operator-key FILE]
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/encoding.h"
#include "vinledger/witness.h"

namespace vinledger::cli {
namespace {

struct Side {
  Checkpoint checkpoint;
  std::string note;
};

Result<Side> kept_checkpoint(Ledger& ledger, const std::string& file) {
  auto note = read_input_file(file, kMaxNoteBytes);
  if (!note) return std::unexpected(note.error());
  auto opened = ledger.open_own_checkpoint(*note);
  if (!opened) return invalid_input("checkpoint " + file + " is not a checkpoint of this log: " + opened.error().message);
  return Side{std::move(*opened), std::move(*note)};
}

nlohmann::json side_json(const Side& side) {
  return {{"size", side.checkpoint.size}, {"root", to_hex(side.checkpoint.root)}, {"note", side.note}};
}

// What `audit --checkpoint` would say, found without rebuilding the tree.
int report_problem(const Context& context, const Side& old_side, const Side& new_side, const std::string& code,
                   const std::string& message) {
  if (context.json) {
    nlohmann::json finding = {{"code", code}, {"severity", "critical"}, {"vin", nullptr},
                              {"seq", nullptr}, {"message", message}, {"evidence", nlohmann::json::array()}};
    print_json({{"old", side_json(old_side)}, {"new", side_json(new_side)}, {"proof", nullptr},
                {"findings", {finding}}});
  }
  std::cerr << "vinledger consistency: " << code << ": " << message << "\n";
  return kExitFindings;
}

}  // namespace

int run_consistency(Context& context) {
  cxxopts::Options options("vinledger consistency",
                           "Print the RFC 6962 consistency proof from an earlier checkpoint to a later one "
                           "(base64 hashes, one a line).");
  options.add_options()
      ("from", "the earlier checkpoint (a signed note file of this log)", cxxopts::value<std::string>())
      ("to", "the later checkpoint (default: a fresh checkpoint of the whole ledger)", cxxopts::value<std::string>())
      ("operator-key", "for a fresh checkpoint: the operator's private key file (default: beside the database)",
       cxxopts::value<std::string>());
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto from = required(args, context, "from");
  if (!from) return kExitBadInput;

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  auto old_side = kept_checkpoint(*ledger, *from);
  if (!old_side) return fail(old_side.error());
  Result<Side> new_side = [&]() -> Result<Side> {
    if (args.count("to")) return kept_checkpoint(*ledger, args["to"].as<std::string>());
    const std::filesystem::path key_path = operator_key_path(args, context);
    auto key = SigningKey::load(key_path);
    if (!key) return std::unexpected(key.error());
    auto issued = ledger->checkpoint(*key);
    if (!issued) return std::unexpected(issued.error());
    return Side{std::move(issued->checkpoint), std::move(issued->note)};
  }();
  if (!new_side) return fail(new_side.error());

  const std::uint64_t old_size = old_side->checkpoint.size;
  const std::uint64_t new_size = new_side->checkpoint.size;
  auto size = ledger->size();
  if (!size) return fail(size.error());
  // A log shorter than a checkpoint it signed lost entries (the fresh
  // checkpoint of a truncated log is smaller than the kept one).
  for (const std::uint64_t covered : {old_size, new_size})
    if (covered > static_cast<std::uint64_t>(*size))
      return report_problem(context, *old_side, *new_side, "TRUNCATED",
                            "a checkpoint covers " + std::to_string(covered) + " entries but the log now has only " +
                                std::to_string(*size) + ": entries from seq " + std::to_string(*size) +
                                " on were removed");
  if (old_size == 0 || old_size > new_size)
    return fail_usage(context, "--from must be a checkpoint of a non-empty tree no larger than --to (sizes " +
                                   std::to_string(old_size) + " and " + std::to_string(new_size) + ")");
  auto proof = ledger->consistency_proof(old_size, new_size);
  if (!proof) return fail(proof.error());
  // A proof between roots the log does not have would not verify: say why.
  for (const Side* side : {&*old_side, &*new_side}) {
    const Hash& actual = side == &*old_side ? proof->root1 : proof->root2;
    if (side->checkpoint.root != actual)
      return report_problem(context, *old_side, *new_side, "CHECKPOINT_MISMATCH",
                            "the checkpoint says the tree of " + std::to_string(side->checkpoint.size) +
                                " entries has root " + to_hex(side->checkpoint.root) + ", but the log gives " +
                                to_hex(actual) + ": history was rewritten, or the log forked");
  }
  if (context.json) {
    nlohmann::json hashes = nlohmann::json::array();
    for (const Hash& hash : proof->proof) hashes.push_back(base64_encode(hash));
    print_json({{"old", side_json(*old_side)}, {"new", side_json(*new_side)}, {"proof", hashes},
                {"findings", nlohmann::json::array()}});
  } else {
    std::cout << format_proof_lines(proof->proof);
  }
  return kExitOk;
}

}  // namespace vinledger::cli
