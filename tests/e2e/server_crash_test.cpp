// The server stopped under load: by SIGTERM (every request in flight is
// answered, every acknowledged statement is in the ledger, exit 0) and by
// SIGKILL (every acknowledged statement is there after a restart, and the
// audit is clean). Heavy: [slow], normal build only.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cctype>
#include <map>
#include <csignal>
#include <mutex>
#include <thread>

#include "cli_ledger.h"
#include "served_ledger.h"

using namespace vinledger::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kClients = 8;
constexpr int kPerClient = 300;

std::string vin_for(int n) {
  std::string serial = std::to_string(100000 + n);
  return "JTJHY7AX0N4" + serial.substr(serial.size() - 6);
}

struct Acknowledged {
  std::int64_t seq;
  std::string hash;
  std::string vin;
};

// kClients clients post their statements one at a time until they run out
// or the server goes away; returns what was acknowledged.
std::vector<Acknowledged> load(const ServedLedger& server, const std::vector<std::string>& statements,
                               std::atomic<int>& answered) {
  std::mutex mutex;
  std::vector<Acknowledged> acknowledged;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      vinledger::http::ClientOptions options;
      options.timeout = 20s;
      auto client = server.client(options);
      for (int i = 0; i < kPerClient; ++i) {
        const std::string& statement = statements[static_cast<std::size_t>(c * kPerClient + i)];
        auto posted = client.request("POST", "/v1/statements", statement, "application/json");
        if (!posted) return;  // the server is gone
        if (posted->status != 201 && posted->status != 200) continue;  // 503 while it stops
        auto receipt = json::parse(posted->body)["statements"][0];
        std::lock_guard lock(mutex);
        acknowledged.push_back({receipt["seq"].get<std::int64_t>(), receipt["hash"].get<std::string>(),
                                receipt["entry"]["statement"]["vin"].get<std::string>()});
        ++answered;
      }
    });
  for (auto& client : clients) client.join();
  return acknowledged;
}

std::vector<std::string> signed_statements(const CliLedger& ledger) {
  std::string unsigned_lines;
  for (int n = 0; n < kClients * kPerClient; ++n)
    unsigned_lines += std::string(R"({"type":"manufacture","vin":")") + vin_for(n) +
                      R"(","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})"
                      "\n";
  auto signed_lines = ledger.run({"sign", "--key", ledger.key_of("toyota").string(), "-"}, unsigned_lines);
  REQUIRE(signed_lines.exit_code == 0);
  std::vector<std::string> statements;
  std::size_t start = 0;
  while (start < signed_lines.out.size()) {
    const std::size_t end = signed_lines.out.find('\n', start);
    statements.push_back(signed_lines.out.substr(start, end - start));
    start = end + 1;
  }
  REQUIRE(statements.size() == kClients * kPerClient);
  return statements;
}

// Every acknowledged statement is in the ledger file, at its seq, with its
// hash; then the audit holds the whole file to its hashes and signatures.
void check_present(const CliLedger& ledger, const std::vector<Acknowledged>& acknowledged) {
  std::map<std::int64_t, std::pair<std::string, std::string>> entries;  // seq -> (hash, chain)
  {
    SQLite::Database db(ledger.db(), SQLite::OPEN_READONLY);
    SQLite::Statement rows(db, "SELECT seq, hex(hash), chain FROM entries");
    while (rows.executeStep()) {
      std::string hash = rows.getColumn(1).getString();
      for (char& c : hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      entries[rows.getColumn(0).getInt64()] = {hash, rows.getColumn(2).getString()};
    }
  }
  for (const auto& ack : acknowledged) {
    INFO("seq " << ack.seq << " VIN " << ack.vin);
    auto found = entries.find(ack.seq);
    REQUIRE(found != entries.end());
    CHECK(found->second.first == ack.hash);
    CHECK(found->second.second == ack.vin);
  }
  auto audit = ledger.run({"audit"});
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);
}

}  // namespace

TEST_CASE("SIGTERM under load loses no acknowledged statement", "[e2e][server][slow]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
  const auto statements = signed_statements(ledger);
  ServedLedger server(ledger.db(), dir.path());
  std::atomic<int> answered{0};
  std::vector<Acknowledged> acknowledged;
  std::thread loader([&] { acknowledged = load(server, statements, answered); });
  while (answered < kClients * kPerClient / 4) std::this_thread::sleep_for(5ms);
  server.stop_async(SIGTERM);
  loader.join();
  CHECK(server.wait() == 0);
  INFO(acknowledged.size() << " acknowledged");
  CHECK(acknowledged.size() >= kClients * kPerClient / 4);
  check_present(ledger, acknowledged);
}

TEST_CASE("SIGKILL under load: every acknowledged statement is there after a restart", "[e2e][server][slow]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
  const auto statements = signed_statements(ledger);
  std::vector<Acknowledged> acknowledged;
  {
    ServedLedger server(ledger.db(), dir.path());
    std::atomic<int> answered{0};
    std::thread loader([&] { acknowledged = load(server, statements, answered); });
    while (answered < kClients * kPerClient / 4) std::this_thread::sleep_for(5ms);
    CHECK(server.stop(SIGKILL) == 128 + SIGKILL);
    loader.join();
  }
  INFO(acknowledged.size() << " acknowledged");
  // A new server on the same file serves every one of them.
  TempDir again;
  ServedLedger server(ledger.db(), again.path());
  auto client = server.client();
  for (std::size_t i = 0; i < acknowledged.size(); i += 17) {
    const auto& ack = acknowledged[i];
    auto history = client.request("GET", "/v1/vehicles/" + ack.vin);
    REQUIRE(history);
    auto entries = json::parse(history->body)["entries"];
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["hash"] == ack.hash);
  }
  check_present(ledger, acknowledged);
}
