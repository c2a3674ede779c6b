// vinledger --db MIRROR monitor --server URL|--tiles-dir DIR --log-key VKEY
//   [--interval S] [--once] [--fail-on LEVEL] [verify's options]
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "command.h"
#include "parse_options.h"
#include "tile_source_options.h"
#include "verification_options.h"
#include "vinledger/monitor.h"

namespace vinledger::cli {
namespace {

std::atomic<bool> g_stop{false};

void request_stop(int) { g_stop = true; }

void print_finding(const Context& context, const Finding& finding) {
  if (context.json) {
    print_json(to_json(finding));
  } else {
    print_findings(std::cout, {finding});
  }
  std::cout.flush();
}

}  // namespace

int run_monitor(Context& context) {
  cxxopts::Options options("vinledger monitor",
                           "Follow a tiled log: keep a verified mirror of it (--db), check each new checkpoint "
                           "extends the last one, and verify the vehicles the new entries touch, printing each "
                           "finding once as it appears (JSON Lines with --json).");
  add_tile_source_options(options);
  add_verification_options(options);
  options.add_options()
      ("log-key", "the log's verifier key", cxxopts::value<std::string>())
      ("interval", "seconds between polls", cxxopts::value<int>()->default_value("60"))
      ("once", "poll once and exit (1 if a finding is at or above --fail-on)");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto key_text = required(args, context, "log-key");
  if (!key_text) return kExitBadInput;
  auto log_key = VerifierKey::parse(*key_text);
  if (!log_key) return fail(Error{ErrorKind::invalid_input, "--log-key: " + log_key.error().message});
  const int interval = args["interval"].as<int>();
  if (interval < 1 || interval > 24 * 3600) return fail_usage(context, "--interval must be 1 to 86400 seconds");
  auto source = tile_source_from(args, context);
  if (!source) return kExitBadInput;
  auto loaded = load_verification_settings(args, context);
  if (!loaded.settings) return loaded.exit_code;
  const VerificationSettings& settings = *loaded.settings;
  const bool once = args.count("once") > 0;
  // A monitor that runs on stops only for what it was told to stop for.
  const bool stop_on_findings = once || args.count("fail-on") > 0;
  const bool fixed_as_of = args.count("as-of") > 0;

  auto ledger = std::filesystem::exists(context.db) ? Ledger::open(context.db)
                                                    : Ledger::create_mirror(context.db, *log_key, source->location());
  if (!ledger) return fail(ledger.error());
  Monitor monitor(*ledger, *source, *log_key, settings.reference, settings.verify, [&] {
    return fixed_as_of ? settings.verify.as_of : UtcTime{now_seconds(), 0};
  });

  struct sigaction action {};
  action.sa_handler = request_stop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  for (;;) {
    auto round = monitor.poll();
    if (!round) {
      // A log that cannot be reached now may be reachable at the next poll.
      if (once) return fail(round.error());
      std::cerr << "vinledger: monitor: " << round.error().message << " (retrying in " << interval << " s)\n";
    } else {
      for (const Finding& finding : round->findings) print_finding(context, finding);
      if (!round->consistent()) {
        std::cerr << "vinledger: monitor: the log is not consistent with what was seen before; "
                     "the two checkpoints, signed by the log, are the evidence:\n"
                  << "# kept\n" << round->update.kept_checkpoint << "# offered\n" << round->update.offered_checkpoint;
        return kExitFindings;
      }
      if (!context.json && round->update.outcome == MirrorUpdate::Outcome::updated)
        std::cerr << "vinledger: monitor: checkpoint of size " << round->update.new_size << ", "
                  << round->update.touched_vins.size() << " vehicle(s) verified\n";
      if (stop_on_findings && any_at_or_above(round->findings, settings.fail_on)) return kExitFindings;
    }
    if (once) return kExitOk;
    for (int waited = 0; waited < interval * 10 && !g_stop; ++waited)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (g_stop) return kExitOk;
  }
}

}  // namespace vinledger::cli
