// The ledger's VFS (ledger/src/wal_coalescing_vfs.h): a commit's log frames
// reach the OS in a few writes, and nothing SQLite or another connection
// reads ever misses a gathered byte.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <csignal>
#include <string>

#include "process.h"
#include "wal_coalescing_vfs.h"

using vinledger::testing::TempDir;

namespace {

const int kFlags = SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;

// A connection through the ledger's VFS, in WAL mode, with a table of
// random-looking keys: each row of 3,000 bytes fills most of a page.
std::unique_ptr<SQLite::Database> open_through_vfs(const std::filesystem::path& path, const char* synchronous) {
  auto db = std::make_unique<SQLite::Database>(path.string(), kFlags, 1000, std::string(vinledger::ledger_vfs_name()));
  db->exec("PRAGMA journal_mode = WAL");
  db->exec(std::string("PRAGMA synchronous = ") + synchronous);
  db->exec("CREATE TABLE IF NOT EXISTS rows (key BLOB PRIMARY KEY, body BLOB NOT NULL)");
  return db;
}

void insert_rows(SQLite::Database& db, int count) {
  SQLite::Statement insert(db, "INSERT INTO rows (key, body) VALUES (randomblob(16), randomblob(3000))");
  for (int i = 0; i < count; ++i) {
    insert.exec();
    insert.reset();
  }
}

std::int64_t count_rows(SQLite::Database& db) { return db.execAndGet("SELECT count(*) FROM rows").getInt64(); }

}  // namespace

TEST_CASE("a commit's log frames reach the OS in a few writes, not two per page", "[vfs]") {
  TempDir dir;
  auto db = open_through_vfs(dir / "ledger.db", "FULL");
  const auto before = vinledger::wal_write_counts();
  {
    SQLite::Transaction transaction(*db);
    insert_rows(*db, 200);  // about 200 pages: 400 writes of frame headers and pages
    transaction.commit();
  }
  const auto after = vinledger::wal_write_counts();
  const auto asked = after.sqlite_writes - before.sqlite_writes;
  const auto made = after.os_writes - before.os_writes;
  CHECK(asked >= 400);
  // About 830 KB gathered: seven pieces of 124 KiB, and one for the log's
  // header when the log starts.
  CHECK(made <= 9);
  CHECK(count_rows(*db) == 200);
  CHECK(db->execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("another connection sees every commit at once, even with synchronous off (no sync flushes it)", "[vfs]") {
  TempDir dir;
  auto writer = open_through_vfs(dir / "ledger.db", "OFF");
  // The reader opens with SQLite's own VFS, as the sqlite3 shell or a
  // second process would.
  SQLite::Database reader((dir / "ledger.db").string(), SQLite::OPEN_READONLY);
  for (int round = 1; round <= 5; ++round) {
    {
      SQLite::Transaction transaction(*writer);
      insert_rows(*writer, 30);
      transaction.commit();
    }
    // Without a flush when the commit is published, the reader finds the
    // log index naming frames that are not in the file yet.
    CHECK(count_rows(reader) == round * 30);
    CHECK(reader.execAndGet("SELECT sum(length(body)) FROM rows").getInt64() == round * 30 * 3000);
  }
  CHECK(reader.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("a transaction larger than the page cache reads back the pages it spilled to the log", "[vfs]") {
  TempDir dir;
  auto db = open_through_vfs(dir / "ledger.db", "FULL");
  db->exec("PRAGMA cache_size = 20");  // pages: the transaction spills to the log as it goes
  {
    SQLite::Transaction transaction(*db);
    insert_rows(*db, 3000);  // about 12 MB: more than kMaxGatheredBytes too
    // Reading every row back reads spilled frames from the log, some still
    // gathered when the read asks for them.
    CHECK(count_rows(*db) == 3000);
    CHECK(db->execAndGet("SELECT sum(length(body)) FROM rows").getInt64() == 3000 * 3000);
    transaction.commit();
  }
  CHECK(db->execAndGet("PRAGMA integrity_check").getString() == "ok");
  db.reset();
  SQLite::Database again((dir / "ledger.db").string(), SQLite::OPEN_READONLY);
  CHECK(count_rows(again) == 3000);
  CHECK(again.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("a log write the OS refuses fails the commit, and the next commit after it is whole", "[vfs]") {
  TempDir dir;
  auto writer = open_through_vfs(dir / "ledger.db", "FULL");
  insert_rows(*writer, 10);
  // Files may not grow past 64 KiB for a while, as on a full disk: the
  // log (already past that) cannot take the next frames.
  struct rlimit saved {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 64 * 1024;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  bool failed = false;
  try {
    SQLite::Transaction transaction(*writer);
    insert_rows(*writer, 50);
    transaction.commit();
  } catch (const SQLite::Exception&) {
    failed = true;
  }
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
  std::signal(SIGXFSZ, previous);
  CHECK(failed);
  SQLite::Database reader((dir / "ledger.db").string(), SQLite::OPEN_READONLY);
  CHECK(count_rows(reader) == 10);
  // The OS takes writes again: the next commit is whole, and so is the log.
  {
    SQLite::Transaction transaction(*writer);
    insert_rows(*writer, 30);
    transaction.commit();
  }
  CHECK(count_rows(reader) == 40);
  CHECK(reader.execAndGet("SELECT sum(length(body)) FROM rows").getInt64() == 40 * 3000);
  CHECK(reader.execAndGet("PRAGMA integrity_check").getString() == "ok");
  writer.reset();
  SQLite::Database again((dir / "ledger.db").string(), SQLite::OPEN_READONLY);
  CHECK(count_rows(again) == 40);
  CHECK(again.execAndGet("PRAGMA integrity_check").getString() == "ok");
}
