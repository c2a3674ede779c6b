// vinledger --db PATH mirror --server URL|--tiles-dir DIR --log-key VKEY
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "tile_source_options.h"

namespace vinledger::cli {
namespace {

const char* outcome_name(MirrorUpdate::Outcome outcome) {
  switch (outcome) {
    case MirrorUpdate::Outcome::updated:
      return "updated";
    case MirrorUpdate::Outcome::up_to_date:
      return "up_to_date";
    case MirrorUpdate::Outcome::refused:
      return "refused";
  }
  return "refused";
}

// The evidence of a refusal: why, and the two signed checkpoints.
void print_refusal(const Context& context, const MirrorUpdate& update) {
  if (context.json) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : update.findings) findings.push_back(to_json(finding));
    print_json({{"outcome", "refused"},
                {"size", update.new_size},
                {"reason", update.reason},
                {"kept_checkpoint", update.kept_checkpoint.empty() ? nlohmann::json(nullptr) : nlohmann::json(update.kept_checkpoint)},
                {"offered_checkpoint", update.offered_checkpoint},
                {"findings", findings}});
    return;
  }
  std::cerr << "vinledger: mirror refused: " << update.reason << "\n"
            << "vinledger: the mirror keeps its " << update.new_size
            << " entries; the two checkpoints below (signed by the log) are the evidence\n";
  print_findings(std::cerr, update.findings);
  std::cout << "# the checkpoint this mirror held\n"
            << (update.kept_checkpoint.empty() ? std::string("(none)\n") : update.kept_checkpoint)
            << "# the checkpoint the log serves now\n"
            << update.offered_checkpoint;
}

}  // namespace

int run_mirror(Context& context) {
  cxxopts::Options options("vinledger mirror",
                           "Copy a tiled log into a local read-only ledger (--db), verifying everything: "
                           "the checkpoint's signature, consistency with what the mirror holds, every entry and "
                           "signature. Run it again to fetch only what is new.");
  add_tile_source_options(options);
  options.add_options()("log-key", "the log's verifier key (as its operator published it)", cxxopts::value<std::string>());
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto key_text = required(args, context, "log-key");
  if (!key_text) return kExitBadInput;
  auto log_key = VerifierKey::parse(*key_text);
  if (!log_key) return fail(Error{ErrorKind::invalid_input, "--log-key: " + log_key.error().message});
  auto source = tile_source_from(args, context);
  if (!source) return kExitBadInput;

  const bool create = !std::filesystem::exists(context.db);
  auto ledger = create ? Ledger::create_mirror(context.db, *log_key, source->location()) : Ledger::open(context.db);
  if (!ledger) return fail(ledger.error());
  MirrorOptions mirror_options;
  if (!context.json)
    mirror_options.progress = [](std::uint64_t done, std::uint64_t target) {
      std::cerr << "vinledger: mirrored " << done << " of " << target << " entries\n";
    };
  auto update = ledger->mirror_from(*source, *log_key, mirror_options);
  if (create && (!update || update->new_size == 0)) {
    // Nothing worth keeping: leave no empty mirror behind a failed first run.
    auto size = ledger->size();
    if (size && *size == 0) {
      ledger = std::unexpected(Error{ErrorKind::internal, "closed"});
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(std::filesystem::path(context.db.string() + suffix), ignored);
    }
  }
  if (!update) return fail(update.error());
  if (update->outcome == MirrorUpdate::Outcome::refused) {
    print_refusal(context, *update);
    return kExitFindings;
  }
  if (context.json) {
    print_json({{"outcome", outcome_name(update->outcome)},
                {"origin", log_key->name()},
                {"old_size", update->old_size},
                {"size", update->new_size}});
  } else if (update->outcome == MirrorUpdate::Outcome::up_to_date) {
    std::cerr << "vinledger: " << context.db.string() << " is up to date with " << source->location() << " ("
              << update->new_size << " entries)\n";
  } else {
    std::cerr << "vinledger: " << context.db.string() << " now holds " << update->new_size << " entries of "
              << log_key->name() << " (" << update->new_size - update->old_size << " new, verified)\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
