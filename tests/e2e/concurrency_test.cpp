// Several processes writing one ledger at once: writes serialize, nothing
// is lost or doubled, no chain forks, and a stale prev is a conflict.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
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

void check_chain(const CliLedger& ledger, const std::string& vin, std::size_t expected) {
  auto history = json::parse(ledger.run({"--json", "history", vin}).out)["entries"];
  CHECK(history.size() == expected);
  for (std::size_t i = 1; i < history.size(); ++i) {
    CHECK(history[i]["entry"]["vin_prev"] == history[i - 1]["hash"]);
    CHECK(history[i]["entry"]["statement"]["prev"] == history[i - 1]["hash"]);  // each saw the true head
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

  constexpr int kRounds = 5;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round)
        for (const char* vin : {kSharedVin, kOwnVins[w]})
          if (ledger.run(transfer_args(ledger, vin, w * 100 + round)).exit_code != 0) ++failures;
    });
  std::thread reader([&] {
    while (writing)
      for (const auto& args : std::vector<std::vector<std::string>>{{"--json", "history", kSharedVin}, {"--json", "audit"}})
        if (auto result = ledger.run(args); result.exit_code != 0 || result.out.empty() ||
                                            (args[1] == "audit" && !json::parse(result.out)["findings"].empty()))
          ++failures;
  });
  for (auto& writer : writers) writer.join();
  writing = false;
  reader.join();

  CHECK(failures == 0);
  check_chain(ledger, kSharedVin, 1 + 4 * kRounds);
  for (const char* vin : kOwnVins) check_chain(ledger, vin, 1 + kRounds);
  auto audit = ledger.run({"--json", "audit"});
  CHECK(audit.exit_code == 0);
  CHECK(json::parse(audit.out)["size"] == 2 + 5 + 4 * 2 * kRounds);
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
