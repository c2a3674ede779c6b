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
#include "served_ledger.h"
#include "spawned_process.h"
#include "vinledger/checkpoint.h"
#include "vinledger/merkle.h"
#include "vinledger/statement.h"
#include "vinledger/vin.h"
#include "vinledger/witness.h"
#include "vinledger/witness_protocol.h"

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

TEST_CASE("witness init and cosign through the binary: exit codes and state", "[witness][once]") {
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

namespace {

// A ledger of `size` entries under `original`'s operator key and origin: a
// second history the operator signs, as a log that forked would.
std::string forked_checkpoint(const TempDir& dir, const CliLedger& original, std::uint64_t size) {
  std::filesystem::copy_file(original.operator_key(), dir / "fork.operator.key");
  const auto db = dir / "fork.db";
  REQUIRE(run_vinledger({"--db", db.string(), "init", "--origin", kOrigin, "--operator-key",
                         (dir / "fork.operator.key").string()}).exit_code == 0);
  auto key = vinledger::SigningKey::load(dir / "fork.operator.key");
  REQUIRE(key);
  std::string lines;
  for (std::uint64_t i = 1; i < size; ++i) {
    std::string vin = "JTMHV05J0A" + std::to_string(2000000 + i);
    vin[8] = vinledger::expected_check_digit(vin);
    auto statement = vinledger::sign_statement({{"type", "register"},
                                                {"vin", vin},
                                                {"time", "2025-01-01T00:00:00Z"},
                                                {"actor", "operator"},
                                                {"country", "JP"},
                                                {"owner", "someone else"}},
                                               *key);
    REQUIRE(statement);
    lines += statement->canonical + "\n";
  }
  if (!lines.empty()) {
    auto appended = run_vinledger({"--db", db.string(), "append", "-"}, lines);
    INFO(appended.err);
    REQUIRE(appended.exit_code == 0);
  }
  auto printed = run_vinledger({"--db", db.string(), "checkpoint", "--operator-key", (dir / "fork.operator.key").string()});
  REQUIRE(printed.exit_code == 0);
  REQUIRE(parsed(printed.out).size == size);
  return printed.out;
}

}  // namespace

TEST_CASE("witness serve answers add-checkpoint over HTTP with each status the spec gives, across a restart",
          "[e2e][witness][server]") {
  TempDir dir, run1, run2;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::string log_key = log_key_of(ledger);
  CliWitness witness(dir, "customs.example/w", log_key);
  const auto first = save_checkpoint(ledger, dir / "1.cp");
  for (int i = 0; i < 3; ++i) grow(ledger, i);
  const auto second = save_checkpoint(ledger, dir / "2.cp");
  const std::string proof = ledger.run({"consistency", "--from", first.string(), "--to", second.string()}).out;
  const std::uint64_t size1 = parsed(read_file(first)).size, size2 = parsed(read_file(second)).size;
  const std::vector<std::string> args = {"witness", "serve", "--state", witness.state().string(),
                                         "--listen", "127.0.0.1:0", "--log", log_key};
  auto server = std::make_unique<ServedLedger>(ServedLedger::Command{args}, run1.path());
  auto client = server->client();
  auto post = [&](const std::string& body) {
    auto response = client.request("POST", "/add-checkpoint", body, "text/plain");
    REQUIRE(response);
    return *response;
  };
  auto body = [](std::uint64_t old_size, const std::string& proof_lines, const std::string& note) {
    return "old " + std::to_string(old_size) + "\n" + proof_lines + "\n" + note;
  };
  auto log = vinledger::VerifierKey::parse(log_key);
  std::vector<vinledger::TrustedKey> witnesses{*vinledger::parse_trusted_key(witness.cosigner_key())};

  // 200: the first checkpoint, from nothing; the lines are cosignatures.
  auto cosigned = post(body(0, "", read_file(first)));
  INFO(cosigned.body);
  REQUIRE(cosigned.status == 200);
  CHECK(cosigned.content_type == "text/plain; charset=utf-8");
  CHECK(cosigned.body.starts_with("\xe2\x80\x94 customs.example/w "));
  auto opened = vinledger::open_checkpoint(read_file(first) + cosigned.body, kOrigin, *log, witnesses);
  REQUIRE(opened);
  CHECK(opened->cosignatures.size() == 1);

  // 409 with the size: the old size is not the one cosigned.
  auto stale = post(body(0, "", read_file(second)));
  CHECK(stale.status == 409);
  CHECK(stale.content_type == "text/x.tlog.size");
  CHECK(stale.body == std::to_string(size1) + "\n");
  // 400: old size beyond the checkpoint; a body of another form.
  CHECK(post(body(size2 + 1, "", read_file(second))).status == 400);
  CHECK(post("old 01\n\n" + read_file(second)).status == 400);
  CHECK(post("nonsense").status == 400);
  // 404: a log this witness does not serve.
  TempDir other_dir;
  CliLedger other(other_dir, "other.vinledger.example");
  CHECK(post(body(0, "", other.run({"checkpoint"}).out)).status == 404);
  // 403: the log's signature does not verify.
  std::string forged = read_file(second);
  const std::size_t at = forged.rfind(' ') + 8;
  forged[at] = forged[at] == 'A' ? 'B' : 'A';
  CHECK(post(body(size1, proof, forged)).status == 403);
  // 422: a consistency proof that does not verify.
  std::string bad_proof = proof;
  bad_proof[3] = bad_proof[3] == 'A' ? 'B' : 'A';
  CHECK(post(body(size1, bad_proof, read_file(second))).status == 422);
  // 409 without a size: the same size with another root (a fork), kept as evidence.
  TempDir fork_dir;
  const std::string fork = forked_checkpoint(fork_dir, ledger, size1);
  auto forked = post(body(size1, "", fork));
  CHECK(forked.status == 409);
  CHECK(forked.content_type != "text/x.tlog.size");
  CHECK(std::filesystem::exists(witness.state() / "evidence"));
  CHECK_FALSE(std::filesystem::is_empty(witness.state() / "evidence"));
  // 200 with the right proof.
  CHECK(post(body(size1, proof, read_file(second))).status == 200);

  // Killed and restarted, the witness remembers what it cosigned.
  server->stop(SIGKILL);
  server = std::make_unique<ServedLedger>(ServedLedger::Command{args}, run2.path());
  client = server->client();
  auto again = post(body(size1, proof, read_file(second)));
  CHECK(again.status == 409);
  CHECK(again.body == std::to_string(size2) + "\n");
  auto latest = client.request("GET", "/" + vinledger::witness_checkpoint_path(kOrigin));
  REQUIRE(latest);
  CHECK(latest->status == 200);
  auto held = vinledger::open_checkpoint(latest->body, kOrigin, *log, witnesses);
  REQUIRE(held);
  CHECK(held->checkpoint.size == size2);
  CHECK(held->cosignatures.size() == 1);
  CHECK(server->stop(SIGTERM) == 0);
}

namespace {

// Polls `fetch` until `done` holds or 20 s pass.
template <class Fetch, class Done>
bool eventually(Fetch fetch, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done(fetch())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string metric_line(const std::string& metrics, const std::string& name, const std::string& witness) {
  const std::string prefix = name + "{witness=\"" + witness + "\"} ";
  const std::size_t at = metrics.find("\n" + prefix);
  if (at == std::string::npos) return "";
  return metrics.substr(at + 1 + prefix.size(), metrics.find('\n', at + 1) - at - 1 - prefix.size());
}

}  // namespace

TEST_CASE("serve --witness: two witness processes cosign each checkpoint, one down, the log goes on and says so",
          "[e2e][witness][server]") {
  TempDir dir, customs_run, auditor_run, auditor_rerun, log_run;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::string log_key = log_key_of(ledger);
  CliWitness customs(dir, "customs.example/w", log_key);
  CliWitness auditor(dir, "auditor.example/w", log_key);
  auto witness_args = [&](const CliWitness& witness) {
    return ServedLedger::Command{{"witness", "serve", "--state", witness.state().string(), "--listen", "127.0.0.1:0",
                                  "--log", log_key}};
  };
  ServedLedger customs_server(witness_args(customs), customs_run.path());
  auto auditor_server = std::make_unique<ServedLedger>(witness_args(auditor), auditor_run.path());
  ServedLedger log(ledger.db(), log_run.path(),
                   {"--witness", "customs=" + customs_server.url() + "=" + customs.cosigner_key(), "--witness",
                    "auditor=" + auditor_server->url() + "=" + auditor.cosigner_key()});
  auto client = log.client();
  auto log_vkey = vinledger::VerifierKey::parse(log_key);
  const std::vector<vinledger::TrustedKey> both{*vinledger::parse_trusted_key(customs.cosigner_key()),
                                                *vinledger::parse_trusted_key(auditor.cosigner_key())};
  auto checkpoint = [&] {
    auto response = client.request("GET", "/checkpoint");
    REQUIRE(response);
    INFO(response->body);
    REQUIRE(response->status == 200);
    auto opened = vinledger::open_checkpoint(response->body, kOrigin, *log_vkey, both);
    REQUIRE(opened);
    return *opened;
  };
  auto metrics = [&] {
    auto response = client.request("GET", "/metrics");
    REQUIRE(response);
    return response->body;
  };
  // The log's first checkpoint (GET /checkpoint issues it) reaches both.
  const auto first_size = checkpoint().checkpoint.size;
  CHECK(eventually(checkpoint, [](const vinledger::VerifiedCheckpoint& opened) { return opened.cosignatures.size() == 2; }));
  CHECK(metric_line(metrics(), "vinledger_witness_up", "customs") == "1");
  CHECK(metric_line(metrics(), "vinledger_witness_up", "auditor") == "1");

  // One witness goes down: appends go on, cosigned by the other, and
  // /metrics says which one is down.
  auditor_server->stop(SIGKILL);
  const std::string signed_statement = ledger.sign(
      R"({"type":"manufacture","vin":"JTJHY7AX2N4000322","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})");
  auto posted = client.request("POST", "/v1/statements", signed_statement.substr(0, signed_statement.find('\n')),
                               "application/json");
  REQUIRE(posted);
  INFO(posted->body);
  CHECK(posted->status == 201);
  CHECK(eventually(checkpoint, [&](const vinledger::VerifiedCheckpoint& opened) {
    return opened.checkpoint.size > first_size && opened.cosignatures.size() == 1;
  }));
  CHECK(eventually(metrics, [](const std::string& text) {
    return metric_line(text, "vinledger_witness_up", "auditor") == "0" &&
           metric_line(text, "vinledger_witness_failures_total", "auditor") != "0";
  }));
  CHECK(metric_line(metrics(), "vinledger_witness_up", "customs") == "1");
  CHECK(metric_line(metrics(), "vinledger_witness_last_success_seconds", "customs") != "0");

  // The bundle the server hands out carries the cosignature.
  auto bundle = client.request("GET", "/v1/vehicles/JTJHY7AX2N4000322/bundle");
  REQUIRE(bundle);
  REQUIRE(bundle->status == 200);
  write_file(dir / "bundle.json", bundle->body);
  auto verified = run_vinledger({"verify-bundle", (dir / "bundle.json").string(), "--log-key", log_key, "--witness",
                                 customs.cosigner_key(), "--as-of", "2025-06-01"});
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  // Not by the witness that was down when it was issued.
  auto uncosigned = run_vinledger({"verify-bundle", (dir / "bundle.json").string(), "--log-key", log_key, "--witness",
                                   auditor.cosigner_key(), "--as-of", "2025-06-01"});
  CHECK(uncosigned.exit_code != 0);

  // The witness restarted on its state and its port: the log retries it
  // and it cosigns again (catching up by the size its 409 names).
  const std::string port = std::to_string(auditor_server->port());
  auto restarted_args = witness_args(auditor);
  restarted_args.args[5] = "127.0.0.1:" + port;
  ServedLedger restarted(restarted_args, auditor_rerun.path());
  CHECK(eventually(checkpoint, [](const vinledger::VerifiedCheckpoint& opened) { return opened.cosignatures.size() == 2; }));
  CHECK(metric_line(metrics(), "vinledger_witness_up", "auditor") == "1");
  CHECK(log.stop(SIGTERM) == 0);
}

TEST_CASE("serve --witness-quorum K serves only checkpoints K witnesses cosigned", "[e2e][witness][server]") {
  TempDir dir, witness_run, log_run;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const std::string log_key = log_key_of(ledger);
  CliWitness customs(dir, "customs.example/w", log_key);
  const std::string down = "auditor=http://127.0.0.1:1=" + CliWitness(dir, "auditor.example/w", log_key).cosigner_key();

  // Refused at start: a quorum larger than the witnesses; witnesses on a read-only server.
  auto too_many = run_vinledger({"--db", ledger.db().string(), "serve", "--listen", "127.0.0.1:0", "--witness", down,
                                 "--witness-quorum", "2"});
  CHECK(too_many.exit_code == 2);
  CHECK(too_many.err.find("--witness-quorum 2") != std::string::npos);
  CHECK(run_vinledger({"--db", ledger.db().string(), "serve", "--listen", "127.0.0.1:0", "--read-only", "--witness",
                       down}).exit_code == 2);
  CHECK(run_vinledger({"--db", ledger.db().string(), "serve", "--listen", "127.0.0.1:0", "--witness", "no-url"})
            .exit_code == 2);

  ServedLedger witness(ServedLedger::Command{{"witness", "serve", "--state", customs.state().string(), "--listen",
                                              "127.0.0.1:0", "--log", log_key}},
                       witness_run.path());
  // Quorum 1 of customs (up) and auditor (down): served once customs cosigned.
  ServedLedger log(ledger.db(), log_run.path(),
                   {"--witness", "customs=" + witness.url() + "=" + customs.cosigner_key(), "--witness", down,
                    "--witness-quorum", "1"});
  auto client = log.client();
  auto log_vkey = vinledger::VerifierKey::parse(log_key);
  const std::vector<vinledger::TrustedKey> trusted{*vinledger::parse_trusted_key(customs.cosigner_key())};
  // Before that it is 404, never a checkpoint without the cosignature.
  int uncosigned = 0;
  CHECK(eventually([&] { return client.request("GET", "/checkpoint"); },
                   [&](const vinledger::Result<vinledger::http::HttpResponse>& response) {
                     if (!response) return false;
                     if (response->status == 404) return false;
                     auto opened = vinledger::open_checkpoint(response->body, kOrigin, *log_vkey, trusted);
                     if (!opened || opened->cosignatures.empty()) ++uncosigned;
                     return opened && opened->cosignatures.size() == 1;
                   }));
  CHECK(uncosigned == 0);
  // The log goes on: a new entry's checkpoint is served once cosigned.
  const auto before = vinledger::parse_unverified_checkpoint(client.request("GET", "/checkpoint")->body);
  REQUIRE(before);
  const std::string statement = ledger.sign(
      R"({"type":"manufacture","vin":"JTJHY7AX2N4000322","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})");
  auto posted = client.request("POST", "/v1/statements", statement.substr(0, statement.find('\n')), "application/json");
  REQUIRE(posted);
  CHECK(posted->status == 201);
  CHECK(eventually([&] { return client.request("GET", "/checkpoint"); },
                   [&](const vinledger::Result<vinledger::http::HttpResponse>& response) {
                     if (!response || response->status != 200) return false;
                     auto opened = vinledger::open_checkpoint(response->body, kOrigin, *log_vkey, trusted);
                     return opened && opened->cosignatures.size() == 1 &&
                            opened->checkpoint.size == before->checkpoint.size + 1;
                   }));
}
