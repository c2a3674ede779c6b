// The ledger through its library API: batches, key rotation inside a batch,
// recovery after a refused batch, and that the worker threads change
// nothing but the speed.
#include <catch2/catch.hpp>

#include <sstream>

#include "process.h"
#include "unit_ledger.h"
#include "vinledger/ledger.h"
#include "vinledger/vin.h"

using namespace vinledger;
using vinledger::testing::kFixedNow;
using vinledger::testing::fixed_clock;
using vinledger::testing::numbered_vin;
using vinledger::testing::signed_line;
using nlohmann::json;

namespace {


json manufacture(int n, const std::string& actor = "maker") {
  return {{"type", "manufacture"}, {"vin", numbered_vin(n)},   {"time", "2025-01-01T00:00:00Z"}, {"actor", actor},
          {"country", "JP"},       {"make", "Toyota"},    {"model", "Land Cruiser"},        {"year", 2025}};
}

json registration(const std::string& id, const SigningKey& key, const std::string& operator_id = "operator") {
  return {{"type", "party"}, {"time", "2025-01-01T00:00:00Z"}, {"actor", operator_id}, {"id", id},
          {"name", id},      {"country", "JP"},                {"roles", {"manufacturer"}}, {"vkey", key.verifier(id).text()}};
}

struct LedgerFixture {
  vinledger::testing::TempDir dir;
  SigningKey operator_key = SigningKey::generate();
  Ledger ledger = create(dir.path() / "l.db", fixed_clock());

  Ledger create(const std::filesystem::path& path, LedgerSettings settings) {
    InitOptions options;
    options.origin = "unit.vinledger.example";
    auto created = Ledger::create(path, options, operator_key, std::move(settings));
    REQUIRE(created);
    return std::move(*created);
  }

  Result<AppendReport> append(const std::string& lines) {
    std::istringstream in(lines);
    return ledger.append(in, "batch");
  }
};

}  // namespace

TEST_CASE_METHOD(LedgerFixture, "a party registered and rotated inside one large batch signs in the same batch",
                 "[ledger][append]") {
  const SigningKey first = SigningKey::generate(), second = SigningKey::generate();
  std::string batch = signed_line(registration("maker", first), operator_key);
  // Enough statements that the rotation lands while earlier batches are
  // still being checked by the workers against an older registry.
  for (int n = 0; n < 1500; ++n) batch += signed_line(manufacture(n), first);
  batch += signed_line(registration("maker", second), operator_key);
  for (int n = 1500; n < 3000; ++n) batch += signed_line(manufacture(n), second);
  auto report = append(batch);
  INFO((report ? "" : report.error().message));
  REQUIRE(report);
  CHECK(report->count == 3002);
  auto audit = ledger.audit();
  REQUIRE(audit);
  CHECK(audit->findings.empty());
  CHECK(audit->size == 3003);

  SECTION("the old key is refused after the rotation") {
    auto refused = append(signed_line(manufacture(5000), first));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::forbidden);
    CHECK(refused.error().message == "batch:1: signature does not verify against the key of 'maker' in force (" +
                                         second.verifier("maker").text() + ")");
  }
}

TEST_CASE_METHOD(LedgerFixture, "a statement signed with the rotated-out key inside the batch is refused",
                 "[ledger][append]") {
  const SigningKey first = SigningKey::generate(), second = SigningKey::generate();
  std::string batch = signed_line(registration("maker", first), operator_key) +
                      signed_line(manufacture(1), first) + signed_line(registration("maker", second), operator_key) +
                      signed_line(manufacture(2), first);
  auto refused = append(batch);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.rfind("batch:4: signature does not verify", 0) == 0);
  auto size = ledger.size();
  REQUIRE(size);
  CHECK(*size == 1);  // all or nothing
}

TEST_CASE_METHOD(LedgerFixture, "after a refused batch the ledger works as before", "[ledger][append]") {
  const SigningKey maker = SigningKey::generate();
  // The refused batch registers a party before failing: that registration
  // must not survive in memory either.
  auto refused = append(signed_line(registration("maker", maker), operator_key) + "{broken\n");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.rfind("batch:2: invalid JSON", 0) == 0);
  auto unknown = append(signed_line(manufacture(1), maker));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "batch:1: unknown actor 'maker' (not a registered party)");
  auto accepted = append(signed_line(registration("maker", maker), operator_key) + signed_line(manufacture(1), maker));
  REQUIRE(accepted);
  CHECK(accepted->first_seq == 1);
  CHECK(accepted->count == 2);
}

TEST_CASE("one worker thread or several give the same ledger, byte for byte", "[ledger][append]") {
  const SigningKey operator_key = SigningKey::generate(), maker = SigningKey::generate();
  std::string batch = signed_line(registration("maker", maker), operator_key);
  for (int n = 0; n < 700; ++n) batch += signed_line(manufacture(n), maker);
  std::vector<std::string> leaves[2];
  for (unsigned threads : {1u, 3u}) {
    vinledger::testing::TempDir dir;
    InitOptions options;
    options.origin = "unit.vinledger.example";
    auto ledger = Ledger::create(dir.path() / "l.db", options, operator_key, fixed_clock(threads));
    REQUIRE(ledger);
    std::istringstream in(batch);
    REQUIRE(ledger->append(in, "batch"));
    auto size = ledger->size();
    REQUIRE(size);
    for (std::int64_t seq = 1; seq < *size; ++seq) leaves[threads == 1 ? 0 : 1].push_back(ledger->entry(seq)->leaf);
  }
  CHECK(leaves[0].size() == 701);
  CHECK(leaves[0] == leaves[1]);
}

TEST_CASE_METHOD(LedgerFixture, "record fills time from the clock and prev from the head", "[ledger][record]") {
  const SigningKey maker = SigningKey::generate();
  REQUIRE(ledger.record(registration("maker", maker), operator_key));
  json statement = manufacture(1);
  statement.erase("time");
  auto first = ledger.record(statement, maker);
  REQUIRE(first);
  auto entry = ledger.entry(first->first_seq);
  REQUIRE(entry);
  CHECK(entry->entry["statement"]["time"] == "2026-01-01T00:00:00Z");
  CHECK(entry->entry["recorded"] == "2026-01-01T00:00:00Z");
  CHECK(entry->entry["statement"]["prev"].is_null());

  json transfer = {{"type", "transfer"}, {"vin", numbered_vin(1)}, {"actor", "maker"}, {"from", "maker"},
                   {"to", "maker"},      {"country", "JP"}};
  auto second = ledger.record(transfer, maker);
  REQUIRE(second);
  CHECK(ledger.entry(second->first_seq)->entry["statement"]["prev"] == to_hex(entry->hash));
}

TEST_CASE_METHOD(LedgerFixture, "a statement dated beyond the allowed clock skew is refused", "[ledger][append]") {
  const SigningKey maker = SigningKey::generate();
  REQUIRE(ledger.record(registration("maker", maker), operator_key));
  json within = manufacture(1);
  within["time"] = "2026-01-01T00:04:59Z";  // 299 s ahead: clocks differ
  CHECK(append(signed_line(within, maker)));
  json beyond = manufacture(2);
  beyond["time"] = "2026-01-01T00:05:01Z";
  auto refused = append(signed_line(beyond, maker));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("is in the future") != std::string::npos);
}

TEST_CASE("the first entry of a new ledger is the operator's self-registration", "[ledger][init]") {
  vinledger::testing::TempDir dir;
  const SigningKey operator_key = SigningKey::generate();
  InitOptions options;
  options.origin = "unit.vinledger.example";
  options.operator_id = "customs-jp";
  auto ledger = Ledger::create(dir.path() / "l.db", options, operator_key, fixed_clock());
  REQUIRE(ledger);
  CHECK(ledger->operator_id() == "customs-jp");
  auto entry = ledger->entry(0);
  REQUIRE(entry);
  const json& statement = entry->entry["statement"];
  CHECK(statement["type"] == "party");
  CHECK(statement["actor"] == "customs-jp");
  CHECK(statement["id"] == "customs-jp");
  CHECK(statement["vkey"] == operator_key.verifier("unit.vinledger.example").text());
  CHECK(entry->entry["prev_entry"].is_null());
  CHECK(entry->entry["vin_prev"].is_null());

  auto reopened = Ledger::open(dir.path() / "l.db");
  REQUIRE(reopened);
  CHECK(reopened->origin() == "unit.vinledger.example");
  CHECK(reopened->operator_id() == "customs-jp");
}

// POSIX locks belong to the process: any close() of a descriptor of the file
// releases those of every SQLite connection the process has open on it. A
// second open that peeked at the file with a descriptor of its own once let
// another process take itself for the only user of the ledger: on exit it
// folded and deleted the -wal under the open connections, and a writer
// beside a server lost entries.
TEST_CASE_METHOD(LedgerFixture, "opening the ledger again in one process keeps the locks of the connections already open",
                 "[ledger][store]") {
  const auto path = dir.path() / "l.db";
  auto second = Ledger::open(path, fixed_clock());
  REQUIRE(second);
  auto third = Ledger::open(path, fixed_clock());  // and a third, as a server's pool does
  REQUIRE(third);
  REQUIRE(std::filesystem::exists(path.string() + "-wal"));
  auto other = vinledger::testing::run_program("sqlite3", {path.string(), "SELECT count(*) FROM entries"});
  INFO(other.err);
  REQUIRE(other.exit_code == 0);
  CHECK(other.out == "1\n");
  // The other process saw our connections: it left the -wal and -shm alone.
  CHECK(std::filesystem::exists(path.string() + "-wal"));
  CHECK(std::filesystem::exists(path.string() + "-shm"));
}
