// Several processes writing one ledger at once: writes serialize, nothing
// is lost or doubled, no chain forks, and a stale prev is a conflict.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <thread>

#include "cli_ledger.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kSharedVin = "JTJHY7AX0N4000321";
const char* kOwnVins[] = {"JTJHY7AX2N4000322", "JTJHY7AX4N4000323", "JTJHY7AX6N4000324", "JTJHY7AX8N4000325"};

std::vector<std::string> transfer_args(const CliLedger& ledger, const std::string& vin, int n) {
  return {"record", "transfer", "--vin", vin, "--as", "toyota", "--key", ledger.key_of("toyota").string(),
          "--from", "toyota", "--to", "toyota", "--country", "JP", "--doc", "T-" + std::to_string(n),
          "--time", "2023-05-01T00:00:00Z"};
}

// `signed_on_head`: every statement carries the prev it saw (record does;
// a batch signed ahead of time carries none after its first line).
void check_chain(const CliLedger& ledger, const std::string& vin, std::size_t expected, bool signed_on_head = true) {
  auto history = json::parse(ledger.run({"--json", "history", vin}).out)["entries"];
  CHECK(history.size() == expected);
  for (std::size_t i = 1; i < history.size(); ++i) {
    CHECK(history[i]["entry"]["vin_prev"] == history[i - 1]["hash"]);
    if (signed_on_head) CHECK(history[i]["entry"]["statement"]["prev"] == history[i - 1]["hash"]);
  }
}

}  // namespace

TEST_CASE("four writers and readers at once: no entry lost, no chain forked", "[e2e][concurrency]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
  for (const char* vin : {kSharedVin, kOwnVins[0], kOwnVins[1], kOwnVins[2], kOwnVins[3]})
    ledger.append_signed(std::string(R"({"type":"manufacture","vin":")") + vin +
                         R"(","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX","year":2023})");

  // One batch per writer: a new vehicle and 19 transfers in one append,
  // which readers must see entirely or not at all.
  constexpr int kBatch = 20;
  const char* kBatchVins[] = {"JTJHY7AX1N4000326", "JTJHY7AX3N4000327", "JTJHY7AX5N4000328", "JTJHY7AX7N4000329"};
  std::vector<std::string> batches;
  for (const char* vin : kBatchVins) {
    std::string unsigned_lines = std::string(R"({"type":"manufacture","vin":")") + vin +
                                 R"(","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX","year":2023})" "\n";
    for (int i = 1; i < kBatch; ++i)
      unsigned_lines += std::string(R"({"type":"transfer","vin":")") + vin +
                        R"(","time":"2023-05-01T00:00:00Z","actor":"toyota","from":"toyota","to":"toyota","country":"JP","doc":"B-)" +
                        std::to_string(i) + "\"}\n";
    auto signed_batch = ledger.run({"sign", "--key", ledger.key_of("toyota").string(), "-"}, unsigned_lines);
    REQUIRE(signed_batch.exit_code == 0);
    batches.push_back(signed_batch.out);
  }

  constexpr int kRounds = 5;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round) {
        for (const char* vin : {kSharedVin, kOwnVins[w]})
          if (ledger.run(transfer_args(ledger, vin, w * 100 + round)).exit_code != 0) ++failures;
        if (round == kRounds / 2 && ledger.run({"append", "-"}, batches[w]).exit_code != 0) ++failures;
      }
    });
  // Readers beside the writers: each answer must be a whole state of the
  // log (a chain that links up, a checkpoint no smaller than the last one),
  // and a reader must never fail because writers hold the lock.
  std::atomic<int> reads{0};
  std::thread reader([&] {
    std::uint64_t last_checkpoint = 0;
    while (writing) {
      auto history = ledger.run({"--json", "history", kSharedVin});
      if (history.exit_code != 0) ++failures;
      else {
        auto entries = json::parse(history.out)["entries"];
        for (std::size_t i = 1; i < entries.size(); ++i)
          if (entries[i]["entry"]["vin_prev"] != entries[i - 1]["hash"]) ++failures;
      }
      for (const char* vin : kBatchVins) {
        auto batch = ledger.run({"--json", "history", vin});
        const auto seen = json::parse(batch.out)["entries"].size();
        if (batch.exit_code != 0 || (seen != 0 && seen != kBatch)) ++failures;
      }
      auto verify = ledger.run({"--json", "verify", kSharedVin});
      if (verify.exit_code > 1 || verify.out.empty()) ++failures;
      auto checkpoint = ledger.run({"--json", "checkpoint"});
      if (checkpoint.exit_code != 0) ++failures;
      else {
        const auto size = json::parse(checkpoint.out)["size"].get<std::uint64_t>();
        if (size < last_checkpoint) ++failures;
        last_checkpoint = size;
      }
      auto audit = ledger.run({"--json", "audit"});
      if (audit.exit_code != 0 || !json::parse(audit.out)["findings"].empty()) ++failures;
      ++reads;
    }
  });
  for (auto& writer : writers) writer.join();
  writing = false;
  reader.join();

  CHECK(failures == 0);
  CHECK(reads > 0);
  check_chain(ledger, kSharedVin, 1 + 4 * kRounds);
  for (const char* vin : kOwnVins) check_chain(ledger, vin, 1 + kRounds);
  for (const char* vin : kBatchVins) check_chain(ledger, vin, kBatch, false);
  auto audit = ledger.run({"--json", "audit"});
  CHECK(audit.exit_code == 0);
  CHECK(json::parse(audit.out)["size"] == 2 + 5 + 4 * 2 * kRounds + 4 * kBatch);
}

TEST_CASE("two statements signed on the same head: one lands, the other is a conflict", "[e2e][concurrency][prev]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer");
  ledger.append_signed(R"({"type":"manufacture","vin":"JTJHY7AX0N4000321","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX","year":2023})");
  const std::string first = ledger.sign(R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-05-01T00:00:00Z","actor":"toyota","from":"toyota","to":"toyota","country":"JP","doc":"A"})");
  const std::string second = ledger.sign(R"({"type":"transfer","vin":"JTJHY7AX0N4000321","time":"2023-05-01T00:00:00Z","actor":"toyota","from":"toyota","to":"toyota","country":"JP","doc":"B"})");
  RunResult results[2];
  std::thread a([&] { results[0] = ledger.run({"append", "-"}, first); });
  std::thread b([&] { results[1] = ledger.run({"append", "-"}, second); });
  a.join();
  b.join();
  const int landed = (results[0].exit_code == 0) + (results[1].exit_code == 0);
  CHECK(landed == 1);
  const RunResult& loser = results[0].exit_code == 0 ? results[1] : results[0];
  CHECK(loser.exit_code == 2);
  CHECK(loser.err.find("prev conflict") != std::string::npos);
  CHECK(loser.err.find("retry with prev = the head") != std::string::npos);
  check_chain(ledger, "JTJHY7AX0N4000321", 2);
}
