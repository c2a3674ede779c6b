// Crash safety: the real binary killed with SIGKILL at random moments while
// it writes. After every kill the ledger must audit clean, hold a batch
// entirely or not at all, keep everything it acknowledged (exit 0), and take
// the next append. VINLEDGER_CRASH_TRIALS sets the number of trials (50 by
// default; scripts/crash-long.sh runs thousands), VINLEDGER_CRASH_SEED
// replays a failing run, VINLEDGER_CRASH_BATCH sets the batch size.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "cli_ledger.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/statement.h"
#include "vinledger/timestamp.h"
#include "vinledger/vin.h"

using namespace vinledger::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

#ifndef VINLEDGER_CRASH_DEFAULT_BATCH
#define VINLEDGER_CRASH_DEFAULT_BATCH 2000
#endif

namespace {

constexpr const char* kRecordVin = "JTMHV05J0A0000001";  // check digit fixed below

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text && *text ? std::strtoull(text, nullptr, 10) : fallback;
}

// A valid VIN for vehicle `n` of group `group` (WMI JTM, correct check digit).
std::string vin_for(int group, long n) {
  std::string serial = std::to_string(1000000 + group * 100000 + n);
  std::string vin = "JTMHV05J0" + std::string(1, "ABCDEFGHJ"[group % 9]) + serial.substr(serial.size() - 7);
  vin[8] = vinledger::expected_check_digit(vin);
  return vin;
}

std::string record_vin() {
  std::string vin = kRecordVin;
  vin[8] = vinledger::expected_check_digit(vin);
  return vin;
}

// `vehicles` manufactures then transfers, signed by `key` as party "maker".
std::string signed_batch(const vinledger::SigningKey& key, int group, long vehicles) {
  std::string lines;
  for (int step = 0; step < 2; ++step)
    for (long n = 0; n < vehicles; ++n) {
      json statement = step == 0 ? json{{"type", "manufacture"}, {"country", "JP"}, {"make", "Toyota"},
                                        {"model", "Land Cruiser"}, {"year", 2023}}
                                 : json{{"type", "transfer"}, {"from", "maker"}, {"to", "maker"},
                                        {"country", "JP"}, {"doc", "T-" + std::to_string(n)}};
      statement["vin"] = vin_for(group, n);
      statement["actor"] = "maker";
      statement["time"] = vinledger::format_timestamp(1672531200 + step * 86400 + n);
      auto signed_statement = vinledger::sign_statement(std::move(statement), key);
      REQUIRE(signed_statement);
      lines += signed_statement->canonical + "\n";
    }
  return lines;
}

// What the ledger holds after a trial, read straight from SQLite.
struct Row {
  std::int64_t seq;
  std::string hash;  // lowercase hex
  std::string chain;
};

std::vector<Row> rows_of(const std::filesystem::path& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);  // read-write: it may have to replay the WAL
  SQLite::Statement query(db, "SELECT seq, hash, chain FROM entries ORDER BY seq");
  std::vector<Row> rows;
  while (query.executeStep()) {
    auto hash = query.getColumn(1);
    vinledger::Hash bytes{};
    std::memcpy(bytes.data(), hash.getBlob(), std::min<std::size_t>(bytes.size(), hash.getBytes()));
    rows.push_back({query.getColumn(0).getInt64(), vinledger::to_hex(bytes), query.getColumn(2).getString()});
  }
  return rows;
}

// One command a trial starts and kills. Adding a command to the harness
// (`checkpoint`, `witness cosign`) is one more Job: its arguments, and what
// its acknowledgement (exit 0 and its --json output) promises about the
// ledger left behind.
struct Job {
  std::string name;
  std::vector<std::string> args;  // after `vinledger --db DB --json`
  std::function<void(const std::string& out, const std::vector<Row>& after)> check_acknowledged;
};

struct Outcome {
  int finished = 0;        // exited before the kill: acknowledged
  int killed_absent = 0;   // killed, nothing of it landed
  int killed_present = 0;  // killed after its commit
};

class CrashHarness {
 public:
  CrashHarness() : base_(base_dir_) {
    base_.add_party("maker", "JP", "manufacturer", {"--wmi", "JTM"});
    auto key = vinledger::SigningKey::load(base_.key_of("maker"));
    REQUIRE(key);
    batch_size_ = static_cast<long>(env_number("VINLEDGER_CRASH_BATCH", VINLEDGER_CRASH_DEFAULT_BATCH) / 2 * 2);  // two entries a vehicle
    write_file(base_dir_ / "batch.jsonl", signed_batch(*key, 1, batch_size_ / 2));
    write_file(base_dir_ / "next.jsonl", signed_batch(*key, 2, 2));
    for (long n = 0; n < batch_size_ / 2; ++n) batch_vins_.insert(vin_for(1, n));
    base_.append_signed(R"({"type":"manufacture","vin":")" + record_vin() +
                        R"(","time":"2023-01-01T00:00:00Z","actor":"maker","country":"JP","make":"Toyota","model":"Crown","year":2023})");
    base_rows_ = rows_of(base_.db());
  }

  // How long an uninterrupted append of the batch takes: kills are spread
  // over a little more than that, so some land after the commit.
  std::chrono::microseconds calibrate() {
    TempDir dir;
    const auto db = copy_base(dir);
    const auto start = Clock::now();
    auto appended = vinledger({"--db", db.string(), "append", (base_dir_ / "batch.jsonl").string()});
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    INFO(appended.err);
    REQUIRE(appended.exit_code == 0);
    REQUIRE(rows_of(db).size() == base_rows_.size() + static_cast<std::size_t>(batch_size_));
    return took;
  }

  void trial(std::mt19937_64& random, std::chrono::microseconds window, Outcome& outcome) {
    TempDir dir;
    const auto db = copy_base(dir);
    std::vector<Job> jobs = {append_job()};
    for (int k = std::uniform_int_distribution<int>(0, 2)(random); k > 0; --k) jobs.push_back(record_job(k));

    std::uniform_int_distribution<std::int64_t> delay(0, window.count());
    std::vector<std::unique_ptr<ChildProcess>> children;
    std::vector<std::pair<std::chrono::microseconds, std::size_t>> kills;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      std::vector<std::string> args = {"--db", db.string(), "--json"};
      args.insert(args.end(), jobs[i].args.begin(), jobs[i].args.end());
      const auto prefix = dir / ("job" + std::to_string(i));
      children.push_back(std::make_unique<ChildProcess>(vinledger_binary(), args, prefix.string() + ".out",
                                                        prefix.string() + ".err"));
      kills.emplace_back(std::chrono::microseconds(delay(random)), i);
    }
    std::sort(kills.begin(), kills.end());
    for (const auto& [at, i] : kills) {
      std::this_thread::sleep_until(start + at);
      children[i]->kill(SIGKILL);
    }
    std::vector<int> exits;
    for (auto& child : children) exits.push_back(child->wait());

    // 1. The ledger audits clean, whatever moment the kills hit.
    auto audit = vinledger({"--db", db.string(), "--json", "audit"});
    INFO("audit: " << audit.out << audit.err);
    REQUIRE(audit.exit_code == 0);
    REQUIRE(json::parse(audit.out)["findings"].empty());

    // 2. What was there before is still there, unchanged.
    const std::vector<Row> after = rows_of(db);
    REQUIRE(after.size() >= base_rows_.size());
    for (std::size_t i = 0; i < base_rows_.size(); ++i) REQUIRE(after[i].hash == base_rows_[i].hash);

    // 3. The batch is there entirely or not at all; nothing else crept in.
    std::size_t batch_rows = 0, record_rows = 0;
    for (std::size_t i = base_rows_.size(); i < after.size(); ++i) {
      if (batch_vins_.count(after[i].chain)) ++batch_rows;
      else if (after[i].chain == record_vin()) ++record_rows;
      else FAIL("unexpected entry " << after[i].seq << " of " << after[i].chain);
    }
    INFO("batch rows " << batch_rows << " of " << batch_size_ << ", append exit " << exits[0]);
    REQUIRE((batch_rows == 0 || batch_rows == static_cast<std::size_t>(batch_size_)));
    REQUIRE(record_rows <= jobs.size() - 1);

    // 4. Every acknowledged command's promise holds; any other end is a kill.
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      INFO(jobs[i].name << " exit " << exits[i] << ": " << read_file(dir / ("job" + std::to_string(i) + ".err")));
      REQUIRE((exits[i] == 0 || exits[i] == 128 + SIGKILL));
      if (exits[i] == 0) jobs[i].check_acknowledged(read_file(dir / ("job" + std::to_string(i) + ".out")), after);
    }
    if (exits[0] == 0) ++outcome.finished;
    else if (batch_rows) ++outcome.killed_present;
    else ++outcome.killed_absent;

    // 5. The next append works and lands right after what is there.
    auto next = vinledger({"--db", db.string(), "--json", "append", (base_dir_ / "next.jsonl").string()});
    INFO("next append: " << next.err);
    REQUIRE(next.exit_code == 0);
    CHECK(json::parse(next.out)["first_seq"] == static_cast<std::int64_t>(after.size()));
  }

 private:
  static RunResult vinledger(const std::vector<std::string>& args) { return run_vinledger(args); }

  std::filesystem::path copy_base(const TempDir& dir) const {
    for (const char* suffix : {"", "-wal"})
      if (std::filesystem::exists(base_.db().string() + suffix))
        std::filesystem::copy_file(base_.db().string() + suffix, (dir / "ledger.db").string() + suffix);
    return dir / "ledger.db";
  }

  // The batch, all or nothing; acknowledged means every entry is there.
  Job append_job() const {
    return {"append", {"append", (base_dir_ / "batch.jsonl").string()},
            [this](const std::string& out, const std::vector<Row>& after) {
              const json report = json::parse(out);
              REQUIRE(report["appended"] == batch_size_);
              const auto first = report["first_seq"].get<std::size_t>();
              REQUIRE(first + batch_size_ <= after.size());
              for (long i = 0; i < batch_size_; ++i) REQUIRE(batch_vins_.count(after[first + i].chain));
            }};
  }

  // One statement signed by the binary; acknowledged means its entry is at
  // the seq it printed, with the hash it printed.
  Job record_job(int k) const {
    return {"record",
            {"record", "transfer", "--vin", record_vin(), "--as", "maker", "--key", base_.key_of("maker").string(),
             "--from", "maker", "--to", "maker", "--country", "JP", "--doc", "R-" + std::to_string(k)},
            [](const std::string& out, const std::vector<Row>& after) {
              const json report = json::parse(out);
              const auto seq = report["seq"].get<std::size_t>();
              REQUIRE(seq < after.size());
              REQUIRE(after[seq].hash == report["hash"].get<std::string>());
            }};
  }

  TempDir base_dir_;
  CliLedger base_;
  long batch_size_ = 0;
  std::set<std::string> batch_vins_;
  std::vector<Row> base_rows_;
};

}  // namespace

TEST_CASE("crash harness: SIGKILL at random moments during append and record: audit clean, all or nothing, nothing acknowledged lost",
          "[e2e][crash][slow]") {  // [slow]: a whole-process kill loop, run once (normal build)
  const std::uint64_t trials = env_number("VINLEDGER_CRASH_TRIALS", 50);
  const std::uint64_t seed = env_number("VINLEDGER_CRASH_SEED", std::random_device{}());
  std::cerr << "crash harness: " << trials << " trials, VINLEDGER_CRASH_SEED=" << seed << "\n";
  INFO("VINLEDGER_CRASH_SEED=" << seed);

  CrashHarness harness;
  const auto uninterrupted = harness.calibrate();
  // Kills land uniformly in [0, window]. The window follows the machine's
  // load: it grows after a kill that came before the commit and shrinks after
  // an append that finished, so kills keep landing on both sides of the commit.
  auto window = uninterrupted + uninterrupted / 4;
  std::mt19937_64 random(seed);
  Outcome outcome;
  const auto start = Clock::now();
  for (std::uint64_t trial = 0; trial < trials; ++trial) {
    INFO("trial " << trial << ", kill window " << window.count() << " us");
    const int finished_before = outcome.finished;
    harness.trial(random, window, outcome);
    window = outcome.finished > finished_before ? window * 9 / 10 : window * 11 / 10;
    window = std::clamp(window, uninterrupted / 4, uninterrupted * 20);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  std::cerr << "crash harness: uninterrupted append " << uninterrupted.count() / 1000 << " ms; " << trials
            << " trials in " << took.count() << " ms: append finished " << outcome.finished << ", killed before commit "
            << outcome.killed_absent << ", killed after commit " << outcome.killed_present << "\n";
  CHECK(outcome.finished + outcome.killed_absent + outcome.killed_present == static_cast<int>(trials));
}
