// `consistency`, `witness` and `checkpoint --cosigned` through the binary:
// what they print, their exit codes, and a witness killed at random moments.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "cli_ledger.h"
#include "cli_witness.h"
#include "spawned_process.h"
#include "vinledger/checkpoint.h"
#include "vinledger/merkle.h"
#include "vinledger/witness.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kOrigin = "test.vinledger.example";
constexpr const char* kRegister =
    R"({"type":"register","vin":"JTJHY7AX0N4000321","time":"2023-08-01T00:00:00Z","actor":"operator","country":"BD","owner":"o)";

// Appends one more entry (a registration by the operator) to the real case.
void grow(const CliLedger& ledger, int n) { ledger.append_signed(std::string(kRegister) + std::to_string(n) + "\"}"); }

std::filesystem::path save_checkpoint(const CliLedger& ledger, const std::filesystem::path& file) {
  auto printed = ledger.run({"checkpoint"});
  INFO(printed.err);
  REQUIRE(printed.exit_code == 0);
  write_file(file, printed.out);
  return file;
}

vinledger::Checkpoint parsed(const std::string& note) {
  auto checkpoint = vinledger::parse_unverified_checkpoint(note);
  REQUIRE(checkpoint);
  return checkpoint->checkpoint;
}

}  // namespace

TEST_CASE("consistency prints a proof that verifies between the two checkpoints", "[consistency]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const auto old_file = save_checkpoint(ledger, dir / "old.cp");
  for (int i = 0; i < 5; ++i) grow(ledger, i);
  const auto new_file = save_checkpoint(ledger, dir / "new.cp");

  auto printed = ledger.run({"consistency", "--from", old_file.string(), "--to", new_file.string()});
  INFO(printed.err);
  REQUIRE(printed.exit_code == 0);
  auto proof = vinledger::parse_proof_lines(printed.out);
  REQUIRE(proof);
  const auto old_cp = parsed(read_file(old_file));
  const auto new_cp = parsed(read_file(new_file));
  CHECK(vinledger::verify_consistency(old_cp.size, new_cp.size, old_cp.root, new_cp.root, *proof));

  // --to defaults to a fresh checkpoint: the same tree here.
  CHECK(ledger.run({"consistency", "--from", old_file.string()}).out == printed.out);
  auto as_json = json::parse(ledger.run({"--json", "consistency", "--from", old_file.string()}).out);
  CHECK(as_json["old"]["size"] == old_cp.size);
  CHECK(as_json["new"]["size"] == new_cp.size);
  CHECK(as_json["new"]["note"] == read_file(new_file));
  CHECK(as_json["proof"].size() == proof->size());

  SECTION("the wrong way round, or another log's checkpoint, is bad input") {
    CHECK(ledger.run({"consistency", "--from", new_file.string(), "--to", old_file.string()}).exit_code == 2);
    TempDir other_dir;
    CliLedger other(other_dir, "other.vinledger.example");
    const auto foreign = save_checkpoint(other, dir / "foreign.cp");
    auto refused = ledger.run({"consistency", "--from", foreign.string()});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("foreign.cp is not a checkpoint of this log") != std::string::npos);
    CHECK(ledger.run({"consistency"}).exit_code == 2);
  }
}

TEST_CASE("witness init and cosign through the binary: exit codes and state", "[witness]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::string log_key = log_key_of(ledger);
  CliWitness witness(dir, "customs.example/w", log_key);
  REQUIRE(vinledger::CosignerKey::parse(witness.cosigner_key()));

  const auto first = save_checkpoint(ledger, dir / "1.cp");
  auto cosigned = witness.cosign(first);
  INFO(cosigned.err);
  REQUIRE(cosigned.exit_code == 0);
  auto cosigner = vinledger::parse_trusted_key(witness.cosigner_key());
  auto log = vinledger::VerifierKey::parse(log_key);
  std::vector<vinledger::TrustedKey> witnesses{*cosigner};
  auto opened = vinledger::open_checkpoint(cosigned.out, kOrigin, *log, witnesses);
  REQUIRE(opened);
  CHECK(opened->cosignatures.size() == 1);

  for (int i = 0; i < 3; ++i) grow(ledger, i);
  const auto second = save_checkpoint(ledger, dir / "2.cp");
  const auto proof_file = dir / "1-2.proof";
  write_file(proof_file, ledger.run({"consistency", "--from", first.string(), "--to", second.string()}).out);

  SECTION("with the proof `consistency` printed") {
    auto result = witness.cosign(second, {"--proof", proof_file.string()});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    // Again, the same tree: cosigned again without a proof.
    auto again = run_vinledger({"--json", "witness", "cosign", second.string(), "--state", witness.state().string()});
    REQUIRE(again.exit_code == 0);
    auto as_json = json::parse(again.out);
    CHECK(as_json["size"] == parsed(read_file(second)).size);
  }
  SECTION("with the proof computed from the ledger") {
    CHECK(witness.cosign(second, {}, ledger.db()).exit_code == 0);
  }
  SECTION("refusals exit 1 and leave the state as it was") {
    const std::string before = witness.digest();
    auto missing = witness.cosign(second, {}, dir / "no-such.db");
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("no consistency proof") != std::string::npos);
    write_file(dir / "bad.proof", "");
    auto bad = witness.cosign(second, {"--proof", (dir / "bad.proof").string()});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("not shown to extend") != std::string::npos);
    write_file(dir / "garbage.proof", "not base64\n");
    CHECK(witness.cosign(second, {"--proof", (dir / "garbage.proof").string()}).exit_code == 1);
    CHECK(witness.digest() == before);
    CHECK(bad.out.empty());
  }
  SECTION("malformed input exits 2 and leaves the state as it was") {
    const std::string before = witness.digest();
    write_file(dir / "junk.cp", "not a checkpoint\n");
    CHECK(witness.cosign(dir / "junk.cp").exit_code == 2);
    CHECK(witness.cosign(dir / "missing.cp").exit_code == 2);
    CHECK(run_vinledger({"witness", "cosign", "--state", witness.state().string()}).exit_code == 2);
    CHECK(run_vinledger({"witness", "frobnicate"}).exit_code == 2);
    CHECK(witness.digest() == before);
  }
}

TEST_CASE("checkpoint --cosigned merges what several witnesses printed", "[witness][checkpoint]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::string log_key = log_key_of(ledger);
  CliWitness customs(dir, "customs.example/w", log_key);
  CliWitness auditor(dir, "auditor.example/w", log_key);
  const auto checkpoint = save_checkpoint(ledger, dir / "cp");
  write_file(dir / "customs.cp", customs.cosign(checkpoint).out);
  write_file(dir / "auditor.cp", auditor.cosign(checkpoint).out);

  auto merged = ledger.run({"checkpoint", "--cosigned", (dir / "customs.cp").string(), "--cosigned",
                            (dir / "auditor.cp").string(), "--cosigned", (dir / "customs.cp").string(), "--witness",
                            customs.cosigner_key(), "--witness", auditor.cosigner_key()});
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  std::vector<vinledger::TrustedKey> witnesses{*vinledger::parse_trusted_key(customs.cosigner_key()),
                                               *vinledger::parse_trusted_key(auditor.cosigner_key())};
  auto opened = vinledger::open_checkpoint(merged.out, kOrigin, *vinledger::VerifierKey::parse(log_key), witnesses);
  REQUIRE(opened);
  CHECK(opened->cosignatures.size() == 2);

  // A cosigned copy of an older checkpoint is skipped and named: the log
  // moved on.
  grow(ledger, 1);
  auto stale = ledger.run({"checkpoint", "--cosigned", (dir / "customs.cp").string(), "--witness",
                           customs.cosigner_key()});
  CHECK(stale.exit_code == 0);
  CHECK(stale.err.find("skipped " + (dir / "customs.cp").string() + ": it cosigns another checkpoint") !=
        std::string::npos);
  // Without the witnesses' keys there is nothing to merge by.
  CHECK(ledger.run({"checkpoint", "--cosigned", (dir / "customs.cp").string()}).exit_code == 2);
}

TEST_CASE("checkpoint --cosigned: one junk copy does not keep the honest ones out", "[witness][checkpoint]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::string log_key = log_key_of(ledger);
  CliWitness customs(dir, "customs.example/w", log_key);
  CliWitness auditor(dir, "auditor.example/w", log_key);
  CliWitness stranger(dir, "stranger.example/w", log_key);
  const auto checkpoint = save_checkpoint(ledger, dir / "cp");
  const std::string honest = customs.cosign(checkpoint).out;
  write_file(dir / "customs.cp", honest);
  write_file(dir / "auditor.cp", auditor.cosign(checkpoint).out);
  write_file(dir / "stranger.cp", stranger.cosign(checkpoint).out);
  // The customs witness's line, its signature bytes changed: junk.
  std::string junk = honest;
  const std::size_t line = junk.rfind("\xE2\x80\x94 customs.example/w ");
  REQUIRE(line != std::string::npos);
  const std::size_t flip = junk.find('\n', line) - 3;
  junk[flip] = junk[flip] == 'A' ? 'B' : 'A';
  write_file(dir / "junk.cp", junk);

  auto merged = ledger.run({"--json", "checkpoint", "--cosigned", (dir / "junk.cp").string(), "--cosigned",
                            (dir / "stranger.cp").string(), "--cosigned", (dir / "customs.cp").string(), "--cosigned",
                            (dir / "auditor.cp").string(), "--witness", customs.cosigner_key(), "--witness",
                            auditor.cosigner_key()});
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  CHECK(merged.err.find("skipped " + (dir / "junk.cp").string()) != std::string::npos);
  CHECK(merged.err.find("skipped " + (dir / "stranger.cp").string()) != std::string::npos);
  const auto document = nlohmann::json::parse(merged.out);
  CHECK(document["cosigned_by"] == nlohmann::json::array({"customs.example/w", "auditor.example/w"}));
  CHECK(document["skipped"].size() == 2);
  std::vector<vinledger::TrustedKey> witnesses{*vinledger::parse_trusted_key(customs.cosigner_key()),
                                               *vinledger::parse_trusted_key(auditor.cosigner_key())};
  auto opened = vinledger::open_checkpoint(document["note"].get<std::string>(), kOrigin,
                                           *vinledger::VerifierKey::parse(log_key), witnesses);
  REQUIRE(opened);
  CHECK(opened->cosignatures.size() == 2);
  CHECK(opened->unverified.empty());
}

// The state is never behind a cosignature the witness printed, however it
// dies: killed at random moments, it is left at the old tree or the new one,
// and if it printed a cosignature the state has the new tree.
TEST_CASE("witness cosign killed at random moments never prints ahead of its state", "[witness][crash][slow]") {  // [slow]: a kill loop; once
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::string log_key = log_key_of(ledger);
  const auto old_cp = save_checkpoint(ledger, dir / "old.cp");
  grow(ledger, 0);
  const auto new_cp = save_checkpoint(ledger, dir / "new.cp");
  const auto proof = dir / "p";
  write_file(proof, ledger.run({"consistency", "--from", old_cp.string(), "--to", new_cp.string()}).out);
  const std::uint64_t old_size = parsed(read_file(old_cp)).size;
  const std::uint64_t new_size = parsed(read_file(new_cp)).size;

  // How long a whole cosign takes here, to spread the kills over it.
  CliWitness timing(dir, "timing.example/w", log_key);
  REQUIRE(timing.cosign(old_cp).exit_code == 0);
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(timing.cosign(new_cp, {"--proof", proof.string()}).exit_code == 0);
  const auto span = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);

  std::mt19937 rng(20240611);
  int killed_old = 0, killed_new_silent = 0, printed = 0;
  for (int round = 0; round < 40; ++round) {
    TempDir here;
    CliWitness witness(here, "w.example/w", log_key);
    REQUIRE(witness.cosign(old_cp).exit_code == 0);
    Spawned child(vinledger_binary(),
                  {"witness", "cosign", new_cp.string(), "--state", witness.state().string(), "--proof", proof.string()},
                  here.path());
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % (span.count() + 1)));
    child.kill(SIGKILL);
    const RunResult result = child.wait();

    auto opened = vinledger::Witness::open(witness.state());
    REQUIRE(opened);
    auto latest = opened->latest();
    REQUIRE(latest);
    REQUIRE(latest->has_value());
    const std::uint64_t size = (*latest)->size;
    CHECK((size == old_size || size == new_size));
    const bool cosigned = result.out.find("— w.example/w ") != std::string::npos;
    if (cosigned) CHECK(size == new_size);
    printed += cosigned;
    killed_old += size == old_size;
    killed_new_silent += !cosigned && size == new_size;
    // Whatever happened, the witness goes on: the new tree cosigns.
    CHECK(witness.cosign(new_cp, {"--proof", proof.string()}).exit_code == 0);
  }
  WARN("killed before the state moved: " << killed_old << ", after it moved but before printing: "
                                         << killed_new_silent << ", after printing: " << printed);
}
