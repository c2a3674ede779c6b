// vinledger checkpoint [--operator-key FILE] [--cosigned FILE ... --witness VKEY ...] [--tiles-dir DIR]
//                      [--out FILE [--force]] [--list]
#include <iostream>
#include <variant>

#include "command.h"
#include "parse_options.h"
#include "vinledger/json.h"
#include "vinledger/tiles_dir.h"
#include "vinledger/untrusted_text.h"
#include "vinledger/vkey.h"
#include "vinledger/witness.h"

namespace vinledger::cli {
namespace {

int list_checkpoints(const Context& context, Ledger& ledger) {
  auto issued = ledger.checkpoints();
  if (!issued) return fail(issued.error());
  if (context.json) {
    print_json(checkpoints_json(*issued));
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& checkpoint : *issued)
    rows.push_back({std::to_string(checkpoint.id), checkpoint.issued, std::to_string(checkpoint.checkpoint.size),
                    to_hex(checkpoint.checkpoint.root)});
  print_table(std::cout, {"ID", "ISSUED", "SIZE", "ROOT (hex)"}, rows);
  return kExitOk;
}

// The latest checkpoint the ledger stored, if it covers every entry.
Result<IssuedCheckpoint> latest_covering(Ledger& ledger) {
  auto stored = ledger.checkpoints();
  if (!stored) return std::unexpected(stored.error());
  auto size = ledger.size();
  if (!size) return std::unexpected(size.error());
  const IssuedCheckpoint* latest = nullptr;
  for (const auto& checkpoint : *stored)
    if (!latest || checkpoint.id > latest->id) latest = &checkpoint;
  if (!latest)
    return invalid_input("no checkpoint is stored and no operator key was found to issue one (give --operator-key)");
  if (static_cast<std::int64_t>(latest->checkpoint.size) != *size)
    return invalid_input("the latest stored checkpoint covers " + std::to_string(latest->checkpoint.size) + " of " +
                         std::to_string(*size) + " entries, and no operator key was found to issue a new one "
                         "(give --operator-key)");
  return *latest;
}

}  // namespace

int run_checkpoint(Context& context) {
  cxxopts::Options options("vinledger checkpoint",
                           "Print a signed C2SP checkpoint of the whole ledger (recorded in the ledger), or list them.");
  options.add_options()
      ("operator-key", "the operator's private key file (default: beside the database)", cxxopts::value<std::string>())
      ("cosigned", "merge the cosignatures of this copy of the checkpoint, as `witness cosign` printed it (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("witness", "a witness's cosigner key: only cosignatures by these keys are merged, and they are stored in "
                  "the ledger after verifying them, so that `prove` and the service hand them out (repeatable; "
                  "needed with --cosigned)", cxxopts::value<std::vector<std::string>>())
      ("tiles-dir", "also publish the checkpoint and the log's C2SP tlog-tiles (tiles, entry bundles) in this "
                    "directory, for any static web server to serve", cxxopts::value<std::string>())
      ("out", "write the checkpoint to this file (atomically, only on success) instead of standard output",
       cxxopts::value<std::string>())
      ("force", "with --out: replace an existing file (never a key or a database)")
      ("list", "list every checkpoint the ledger issued instead");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;

  // Every input is read before anything is written.
  std::vector<TrustedKey> witnesses;
  std::vector<CosignerKey> cosigners;  // the witnesses whose cosignatures the ledger stores
  if (args.count("witness"))
    for (const auto& text : args["witness"].as<std::vector<std::string>>()) {
      auto witness = parse_trusted_key(text);
      if (!witness) return fail_usage(context, "--witness " + quote_untrusted(text) + ": " + witness.error().message);
      if (const auto* cosigner = std::get_if<CosignerKey>(&*witness)) cosigners.push_back(*cosigner);
      witnesses.push_back(std::move(*witness));
    }
  if (args.count("cosigned") && witnesses.empty())
    return fail_usage(context, "--cosigned needs the witnesses' keys (--witness VKEY): only their cosignatures are merged");
  if (!witnesses.empty() && !args.count("cosigned"))
    return fail_usage(context, "--witness names whose cosignatures to merge and store from --cosigned copies");
  std::vector<std::string> files, copies;
  if (args.count("cosigned")) files = args["cosigned"].as<std::vector<std::string>>();
  for (const auto& file : files) {
    auto copy = read_input_file(file, kMaxNoteBytes);
    if (!copy) return fail(copy.error());
    copies.push_back(std::move(*copy));
  }

  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());
  if (args.count("list")) return list_checkpoints(context, *ledger);

  // Without the operator key (none given, none beside the database) the
  // latest stored checkpoint is printed, if it covers the whole log.
  const std::filesystem::path key_path = operator_key_path(args, context);
  Result<IssuedCheckpoint> issued = std::unexpected(Error{});
  if (!args.count("operator-key") && !std::filesystem::exists(key_path)) {
    issued = latest_covering(*ledger);
  } else {
    auto key = SigningKey::load(key_path);
    if (!key) return fail(key.error());
    issued = ledger->checkpoint(*key);
  }
  if (!issued) return fail(issued.error());
  auto log_key = ledger->log_key();
  if (!log_key) return fail(log_key.error());
  nlohmann::json merged_json = nlohmann::json::array(), skipped_json = nlohmann::json::array();
  if (!copies.empty()) {
    // Only the configured witnesses' cosignatures are taken; a junk copy is
    // skipped and named, never blocking the honest ones.
    auto merged = merge_cosignatures(issued->note, copies, files, *log_key, witnesses);
    if (!merged) return fail(merged.error());
    for (const auto& skipped : merged->skipped) {
      std::cerr << "vinledger: skipped " << escape_untrusted(skipped.source) << ": " << escape_untrusted(skipped.reason)
                << "\n";
      skipped_json.push_back({{"file", escape_untrusted(skipped.source)}, {"reason", escape_untrusted(skipped.reason)}});
    }
    for (const auto& name : merged->witnesses) merged_json.push_back(escape_untrusted(name));
    // Stored only with the witness's key, so that it can be verified again.
    if (!cosigners.empty()) {
      auto stored = ledger->add_cosignatures(merged->note, cosigners);
      if (!stored) return fail(stored.error());
      if (!context.json) std::cerr << "vinledger: stored " << *stored << " new cosignature(s)\n";
    }
  }
  // What the log hands out: the note with every cosignature it holds, and
  // those of the copies given.
  auto handed_out = ledger->cosigned_note(*issued);
  if (!handed_out) return fail(handed_out.error());
  issued->note = std::move(*handed_out);
  if (!copies.empty()) {
    auto merged = merge_cosignatures(issued->note, copies, files, *log_key, witnesses);
    if (!merged) return fail(merged.error());
    issued->note = std::move(merged->note);
  }
  if (args.count("tiles-dir")) {
    auto published = publish_tiles(*ledger, args["tiles-dir"].as<std::string>(), issued->note);
    if (!published) return fail(published.error());
    if (!context.json)
      std::cerr << "vinledger: published the checkpoint of size " << published->new_size << " in "
                << args["tiles-dir"].as<std::string>() << " (" << published->files_written << " new files)\n";
  }
  nlohmann::json document = to_json(*issued);
  if (args.count("cosigned")) {
    document["cosigned_by"] = merged_json;
    document["skipped"] = skipped_json;
  }
  if (args.count("out")) {
    // Written only now, when everything else succeeded.
    const std::string out = args["out"].as<std::string>();
    if (auto written = write_output_file(out, issued->note, args.count("force") > 0); !written)
      return fail(written.error());
    if (context.json) print_json(document);
    return kExitOk;
  }
  if (context.json) {
    print_json(document);
  } else {
    std::cout << issued->note;
  }
  return kExitOk;
}

}  // namespace vinledger::cli
