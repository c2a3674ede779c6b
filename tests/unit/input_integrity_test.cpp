// What the ledger does with input it must not trust to be whole or its own:
// a stream that fails partway (an I/O error is never the end of a batch),
// statements over the size limit, an origin over the signed-note limits,
// and files that are not ledgers (never changed by an open).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <istream>
#include <sstream>
#include <streambuf>

#include "line_reader.h"
#include "process.h"
#include "store.h"
#include "unit_ledger.h"
#include "vinledger/ledger.h"
#include "vinledger/output_file.h"
#include "vinledger/vin.h"

using namespace vinledger;
using nlohmann::json;

namespace {

// Serves `text`, then fails the way std::filebuf fails on a read error
// (EIO): underflow throws, and the istream sets badbit.
class FailingBuffer : public std::streambuf {
 public:
  explicit FailingBuffer(std::string text) : text_(std::move(text)) {
    setg(text_.data(), text_.data(), text_.data() + text_.size());
  }

 protected:
  int_type underflow() override { throw std::ios_base::failure("injected read error"); }

 private:
  std::string text_;
};

using vinledger::testing::fixed_clock;
using vinledger::testing::signed_line;

// `count` different well-formed WMIs ("AAA", "AAB", ...).
json distinct_wmis(int count) {
  json list = json::array();
  const std::string letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
  for (int n = 0; n < count; ++n)
    list.push_back(std::string{letters[n / 529 % 23], letters[n / 23 % 23], letters[n % 23]});
  return list;
}

struct LedgerFixture {
  vinledger::testing::TempDir dir;
  SigningKey operator_key = SigningKey::generate();
  std::filesystem::path path = dir.path() / "l.db";
  Ledger ledger = create();

  Ledger create() { return vinledger::testing::create_unit_ledger(path, operator_key); }
};

}  // namespace

TEST_CASE("a read error is not the end of the input", "[line_reader]") {
  FailingBuffer buffer("one\ntwo\nthr");
  std::istream in(&buffer);
  LineReader reader(in, 100, 4);
  InputLine line;
  REQUIRE(reader.next(line).value());
  REQUIRE(reader.next(line).value());
  auto failed = reader.next(line);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == ErrorKind::storage);
  CHECK(failed.error().message.find("line 3") != std::string::npos);
}

TEST_CASE_METHOD(LedgerFixture, "a read error partway through a 20,000-line batch commits nothing",
                 "[ledger][append]") {
  const SigningKey maker = SigningKey::generate();
  std::string batch = signed_line(vinledger::testing::maker_registration(maker), operator_key);
  for (int n = 1; n < 20000; ++n) batch += signed_line(vinledger::testing::manufacture_statement(n), maker);
  // The error comes well after the first 4,096 lines and a read block.
  FailingBuffer buffer(batch.substr(0, batch.size() * 3 / 5));
  std::istream in(&buffer);
  auto before = ledger.size();
  REQUIRE(before);
  auto report = ledger.append(in, "batch.jsonl");
  REQUIRE_FALSE(report);
  CHECK(report.error().kind == ErrorKind::storage);
  CHECK(ledger.size().value() == *before);

  // The whole batch, read without error, is then accepted: nothing of the
  // failed attempt was recorded to be refused as a replay.
  std::istringstream whole(batch);
  auto retried = ledger.append(whole, "batch.jsonl");
  REQUIRE(retried);
  CHECK(retried->count == 20000);
}

TEST_CASE("a statement longer than the limit once signed is never signed", "[statement]") {
  const SigningKey key = SigningKey::generate();
  // Each field is within its own limit; together they are not.
  json party = {{"type", "party"}, {"time", "2025-01-01T00:00:00Z"}, {"actor", "operator"},
                {"id", "big"},     {"name", "Big"}, {"wmi", distinct_wmis(5000)},
                {"country", "JP"}, {"roles", {"manufacturer"}}, {"vkey", key.verifier("big").text()}};
  auto refused = sign_statement(party, key);
  REQUIRE_FALSE(refused);
  INFO(refused.error().message);
  CHECK(refused.error().kind == ErrorKind::invalid_input);
  CHECK(refused.error().message.find("16384-byte limit") != std::string::npos);
}

TEST_CASE("init refuses an origin over the limit and leaves nothing behind", "[ledger][init]") {
  vinledger::testing::TempDir dir;
  InitOptions options;
  options.origin = std::string(kMaxOriginBytes + 1, 'o');
  auto refused = Ledger::create(dir.path() / "l.db", options, SigningKey::generate(), fixed_clock());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::invalid_input);
  CHECK(std::filesystem::is_empty(dir.path()));
  options.origin = std::string(kMaxOriginBytes, 'o');
  CHECK(Ledger::create(dir.path() / "l.db", options, SigningKey::generate(), fixed_clock()));
}

TEST_CASE_METHOD(LedgerFixture, "init builds aside: only the finished ledger appears, marked as a ledger",
                 "[ledger][init]") {
  CHECK(std::filesystem::is_regular_file(path));
  for (const auto& item : std::filesystem::directory_iterator(dir.path()))
    CHECK(item.path().filename().string().find(".init-") == std::string::npos);
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA application_id").getInt() == Store::kLedgerApplicationId);
  CHECK(ledger.size().value() == 1);
}

TEST_CASE("an open never changes a file that is not a ledger", "[ledger][store]") {
  vinledger::testing::TempDir dir;
  const auto foreign = dir.path() / "other.sqlite";
  {
    SQLite::Database db(foreign.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x'); PRAGMA user_version = 7");
  }
  // Another application's database that happens to have tables named like ours.
  const auto lookalike = dir.path() / "lookalike.sqlite";
  {
    SQLite::Database db(lookalike.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA application_id = 42; CREATE TABLE meta (k); CREATE TABLE entries (e); PRAGMA user_version = 1");
  }
  const auto empty = dir.path() / "empty.db";
  vinledger::testing::write_file(empty, "");
  const auto text = dir.path() / "notes.txt";
  vinledger::testing::write_file(text, std::string(200, 'n'));
  for (const auto& path : {foreign, lookalike, empty, text}) {
    INFO(path);
    const std::string before = vinledger::testing::read_file(path);
    auto opened = Ledger::open(path);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().kind == ErrorKind::invalid_input);
    CHECK(opened.error().message.find("is not a vinledger ledger") != std::string::npos);
    auto audited = Ledger::audit_file(path, {});
    CHECK_FALSE(audited);
    CHECK(vinledger::testing::read_file(path) == before);
  }
  auto directory = Ledger::open(dir.path());
  REQUIRE_FALSE(directory);
  CHECK(directory.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("a ledger from before the marker is still recognised by its schema", "[ledger][store]") {
  vinledger::testing::TempDir dir;
  const auto path = dir.path() / "l.db";
  InitOptions options;
  options.origin = vinledger::testing::kUnitOrigin;
  REQUIRE(Ledger::create(path, options, SigningKey::generate(), fixed_clock()));
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA application_id = 0");
  }
  auto reopened = Ledger::open(path);
  REQUIRE(reopened);
  CHECK(reopened->size().value() == 1);
}

TEST_CASE_METHOD(LedgerFixture, "a long write's page cache is given back when it ends", "[ledger][store]") {
  // The mirror takes 64 MiB of page cache for its transaction; a library
  // user who keeps the Ledger open afterwards keeps SQLite's default.
  auto store = Store::open(path, Store::OpenMode::kExisting);
  REQUIRE(store);
  auto before = (*store)->use_large_page_cache();
  REQUIRE(before);
  auto large = (*store)->use_large_page_cache();
  REQUIRE(large);
  CHECK(*large == -65536);
  CHECK(*large != *before);
  (*store)->restore_page_cache(*before);
  auto restored = (*store)->use_large_page_cache();
  REQUIRE(restored);
  CHECK(*restored == *before);
}
