#include "store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "migrations.h"
#include "wal_coalescing_vfs.h"

namespace vinledger {
namespace {

// A writer waits this long for another writer before giving up: a large
// batch holds the lock for seconds, and waiting is not an error.
constexpr int kBusyTimeoutMs = 10 * 60 * 1000;

// Runs `body`, turning SQLite's exceptions into a storage Error that says
// what was being done.
template <class Body>
auto guarded(const char* what, Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    return storage_error(std::string(what) + ": " + e.what());
  } catch (const std::exception& e) {
    return storage_error(std::string(what) + ": " + e.what());
  }
}

Hash hash_column(const SQLite::Column& column) {
  Hash hash{};
  if (column.getBytes() == static_cast<int>(hash.size()))
    std::memcpy(hash.data(), column.getBlob(), hash.size());
  return hash;
}

std::string blob_column(const SQLite::Column& column) {
  return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
}

// Creates the database file with mode 0600 before SQLite opens it, so a
// ledger is never readable by others by accident; SQLite gives its -wal and
// -shm files the same mode.
Status create_private_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return invalid_input("refusing to create " + path.string() + ": it already exists");
    return storage_error("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  return {};
}

// Refuses, before SQLite touches it, a path that cannot be a ledger: not a
// regular file, or empty. Whether it is an SQLite database at all is asked of
// SQLite itself (Store::open): opening and closing a descriptor of our own
// would drop every POSIX lock this process holds on the file, those of SQLite
// connections already open included (fcntl locks belong to the process, and
// any close() of the file releases them), and another process would then
// write the ledger as if nobody else had it open.
Status check_database_file(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return not_found("no ledger at " + path.string() + " (create one with `vinledger init`)");
    return storage_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  if (S_ISLNK(info.st_mode)) return storage_error("cannot open " + path.string() + ": " + std::strerror(ELOOP));
  if (!S_ISREG(info.st_mode)) return invalid_input(path.string() + " is not a vinledger ledger (not a regular file)");
  if (info.st_size == 0) return invalid_input(path.string() + " is not a vinledger ledger (an empty file)");
  return {};
}

// `file:PATH?immutable=1`, PATH escaped as SQLite's URI syntax needs.
std::string sqlite_immutable_uri(const std::filesystem::path& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (unsigned char c : path.string()) {
    if (c == '?' || c == '#' || c == '%' || c < 0x21 || c >= 0x7f) {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?immutable=1";
}

// A ledger carries kLedgerApplicationId; ledgers made before the marker are
// known by their schema: a user_version of ours and the meta and entries
// tables. Anything else belongs to someone else and is left untouched.
Status check_ledger_marker(SQLite::Database& db, const std::filesystem::path& path) {
  int application_id = 0;
  try {
    // The first read of the file: SQLite checks its header, and reads
    // nothing further (writes nothing) from a file that is not a database.
    application_id = db.execAndGet("PRAGMA application_id").getInt();
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB)
      return invalid_input(path.string() + " is not a vinledger ledger (not an SQLite database)");
    throw;
  }
  if (application_id == Store::kLedgerApplicationId) return {};
  if (application_id == 0 && db.execAndGet("PRAGMA user_version").getInt() >= 1 &&
      db.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'entries')")
              .getInt() == 2)
    return {};
  return invalid_input(path.string() + " is not a vinledger ledger (an SQLite database of another application); "
                       "it was not changed");
}

}  // namespace

// A cached prepared statement, reset when the handle goes out of scope: a
// query left mid-way keeps a read snapshot open, and a connection holding a
// stale snapshot cannot start a write transaction (SQLite answers BUSY at
// once, without waiting, since waiting would not help).
class PreparedQuery {
 public:
  explicit PreparedQuery(SQLite::Statement& statement) : statement_(statement) {}
  ~PreparedQuery() { statement_.tryReset(); }
  PreparedQuery(const PreparedQuery&) = delete;
  PreparedQuery& operator=(const PreparedQuery&) = delete;
  SQLite::Statement* operator->() { return &statement_; }
  SQLite::Statement& operator*() { return statement_; }

 private:
  SQLite::Statement& statement_;
};

namespace {

constexpr const char* kEntryColumns = "seq, hash, leaf, chain, type, actor, chain_prev, statement_hash";

}  // namespace

EntryCursor::EntryCursor(std::unique_ptr<SQLite::Statement> query) : query_(std::move(query)) {}
EntryCursor::~EntryCursor() = default;
EntryCursor::EntryCursor(EntryCursor&&) noexcept = default;

Result<bool> EntryCursor::next(StoredEntry& row) {
  return guarded("reading entries", [&]() -> Result<bool> {
    if (!query_->executeStep()) return false;
    row.seq = query_->getColumn(0).getInt64();
    row.hash = hash_column(query_->getColumn(1));
    row.leaf = blob_column(query_->getColumn(2));
    row.chain = query_->getColumn(3).getString();
    row.type = query_->getColumn(4).getString();
    row.actor = query_->getColumn(5).getString();
    row.chain_prev = query_->getColumn(6).isNull() ? std::nullopt
                                                   : std::optional<std::int64_t>(query_->getColumn(6).getInt64());
    row.statement_hash = hash_column(query_->getColumn(7));
    return true;
  });
}

EventCursor::EventCursor(std::unique_ptr<SQLite::Statement> query) : query_(std::move(query)) {}
EventCursor::~EventCursor() = default;
EventCursor::EventCursor(EventCursor&&) noexcept = default;

namespace {

void read_event(SQLite::Statement& query, StoredEvent& row) {
  row.seq = query.getColumn(0).getInt64();
  row.identity = hash_column(query.getColumn(1));
  row.withdraws = query.getColumn(2).isNull() ? std::nullopt : std::optional<std::int64_t>(query.getColumn(2).getInt64());
}

}  // namespace

Result<bool> EventCursor::next(StoredEvent& row) {
  return guarded("reading the event index", [&]() -> Result<bool> {
    if (!query_->executeStep()) return false;
    read_event(*query_, row);
    return true;
  });
}

Store::Store(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& path, OpenMode mode,
                                           const MigrationHook& hook) {
  if (mode == OpenMode::kCreateNew) {
    if (auto created = create_private_file(path); !created) return std::unexpected(created.error());
  } else if (auto file = check_database_file(path); !file) {
    return std::unexpected(file.error());
  }
  // A read-only open in a directory this user cannot write is a copy handed
  // to a reader: SQLite would need to create -shm beside a WAL ledger, so it
  // is opened immutable (no locks, no -wal, no -shm). That is safe only if
  // no writer holds it: one that left a -wal behind is refused instead.
  std::string target = path.string();
  int flags = mode == OpenMode::kReadOnly ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
  if (mode == OpenMode::kReadOnly) {
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (::access(dir.c_str(), W_OK) != 0) {
      std::error_code error;
      const auto wal = std::filesystem::path(path.string() + "-wal");
      if (std::filesystem::exists(wal, error) && std::filesystem::file_size(wal, error) > 0)
        return invalid_input(path.string() + " has a write-ahead log beside it (" + wal.string() +
                             ") and its directory is not writable: a writer may still have it open; copy the "
                             "ledger when no process has it open, or read it where it can be written");
      target = sqlite_immutable_uri(path);
      flags |= SQLite::OPEN_URI;
    }
  }
  return guarded("opening the ledger", [&]() -> Result<std::unique_ptr<Store>> {
    auto db = std::make_unique<SQLite::Database>(target, flags | SQLite::OPEN_NOFOLLOW, kBusyTimeoutMs,
                                                 std::string(ledger_vfs_name()));
    std::unique_ptr<Store> store(new Store(std::move(db)));
    // WAL is a property of the file, set once: readers never wait for a
    // writer and a writer never waits for readers.
    if (mode == OpenMode::kCreateNew) {
      store->db_->exec("PRAGMA application_id = " + std::to_string(kLedgerApplicationId));
      store->db_->exec("PRAGMA journal_mode = WAL");
    } else if (auto ours = check_ledger_marker(*store->db_, path); !ours) {
      return std::unexpected(ours.error());  // before any migration writes
    }
    // FULL: a commit that returned has reached the disk, so an append that
    // was acknowledged survives a power cut, not only a process crash.
    store->db_->exec("PRAGMA synchronous = FULL");
    if (mode != OpenMode::kReadOnly)
      if (auto migrated = store->migrate(hook); !migrated) return std::unexpected(migrated.error());
    store->db_->exec("PRAGMA foreign_keys = ON");
    return store;
  });
}

Status Store::migrate(const MigrationHook& hook) {
  const auto& migrations = schema_migrations();
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  return guarded("migrating the schema", [&]() -> Status {
    // Most opens find the schema current: check without the write lock, so
    // that opening a ledger never waits for a writer (a reader in a pipe
    // feeding that writer would wait forever).
    if (db_->execAndGet("PRAGMA user_version").getInt() == latest) return {};
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    const int current = db_->execAndGet("PRAGMA user_version").getInt();
    if (current > latest)
      return invalid_input("the ledger's schema version " + std::to_string(current) +
                           " is newer than this vinledger understands (" + std::to_string(latest) + ")");
    for (const auto& migration : migrations) {
      if (migration.version <= current) continue;
      db_->exec(std::string(migration.sql));
      if (hook)
        if (auto filled = hook(*this, migration.version); !filled) return filled;  // the transaction rolls back
      db_->exec("PRAGMA user_version = " + std::to_string(migration.version));
    }
    transaction.commit();
    return {};
  });
}

PreparedQuery Store::prepared(const char* sql) {
  // Keyed by the SQL text itself: no table of numbers that two changes can
  // hand out twice.
  auto& statement = prepared_[sql];
  if (!statement) statement = std::make_unique<SQLite::Statement>(*db_, sql);
  statement->clearBindings();
  return PreparedQuery(*statement);
}

Result<std::int64_t> Store::use_large_page_cache() {
  return guarded("configuring the connection", [&]() -> Result<std::int64_t> {
    const std::int64_t before = db_->execAndGet("PRAGMA cache_size").getInt64();
    // SQLite's default page cache (2 MiB) is far smaller than what a long
    // writer touches in a grown ledger (the B-tree paths of the
    // random-keyed indexes, the VIN index tiles, the right edge of the
    // tree), so it read those pages again from the OS for every group of
    // the server and every entry of a mirror. 64 MiB keeps them; it is a
    // bound, so memory stays flat once it is full.
    db_->exec("PRAGMA cache_size = -65536");
    return before;
  });
}

void Store::restore_page_cache(std::int64_t cache_size) noexcept {
  try {
    db_->exec("PRAGMA cache_size = " + std::to_string(cache_size));
  } catch (...) {
  }
}

Status Store::tune_for_group_commit() {
  if (auto cached = use_large_page_cache(); !cached) return std::unexpected(cached.error());
  return guarded("configuring the connection", [&]() -> Status {
    // The WAL is copied back into the database (a checkpoint: pages
    // written, then fsynced) when it reaches this many pages. At SQLite's
    // default of 1,000 (4 MiB) that happened every few groups, and each
    // group rewrites much the same pages (the index's root tile, the
    // tree's edge): a larger WAL copies each such page back once for many
    // groups. A checkpoint also stalls the group that triggers it (and the
    // requests queued behind it) for a few hundred milliseconds: at 16,384
    // pages (64 MiB) that hit about 1% of requests and so the p99 latency;
    // at 65,536 pages (a WAL of about 256 MiB, reused after each checkpoint;
    // a little more after a large group, as the checkpoint follows the
    // commit that passes the mark) it is rarer than 1 in 100. The price is
    // a larger -wal file, read back in full by the first open after a crash.
    db_->exec("PRAGMA wal_autocheckpoint = 65536");
    return {};
  });
}

Status Store::begin_write() {
  return guarded("starting a write transaction", [&]() -> Status {
    db_->exec("BEGIN IMMEDIATE");
    return {};
  });
}

Status Store::begin_read() {
  return guarded("starting a read transaction", [&]() -> Status {
    db_->exec("BEGIN");
    // A read transaction takes its snapshot at the first read.
    db_->execAndGet("SELECT count(*) FROM meta");
    return {};
  });
}

Status Store::commit() {
  return guarded("committing", [&]() -> Status {
    db_->exec("COMMIT");
    return {};
  });
}

void Store::rollback() noexcept {
  try {
    for (auto& [sql, statement] : prepared_)
      if (statement) statement->reset();
    db_->exec("ROLLBACK");
  } catch (...) {
    // No transaction was open, or the connection is gone: nothing to undo.
  }
}

Status Store::savepoint() {
  return guarded("starting a savepoint", [&]() -> Status {
    db_->exec("SAVEPOINT part");
    return {};
  });
}

Status Store::release() {
  return guarded("releasing a savepoint", [&]() -> Status {
    db_->exec("RELEASE part");
    return {};
  });
}

Status Store::rollback_to() {
  return guarded("rolling back to a savepoint", [&]() -> Status {
    for (auto& [sql, statement] : prepared_)
      if (statement) statement->reset();
    db_->exec("ROLLBACK TO part");
    db_->exec("RELEASE part");
    return {};
  });
}

Result<std::optional<std::string>> Store::meta(std::string_view key) {
  return guarded("reading settings", [&]() -> Result<std::optional<std::string>> {
    auto query = prepared("SELECT value FROM meta WHERE key = ?");
    query->bind(1, std::string(key));
    if (!query->executeStep()) return std::optional<std::string>{};
    return std::optional<std::string>{query->getColumn(0).getString()};
  });
}

Status Store::insert_meta(std::string_view key, std::string_view value) {
  return guarded("writing settings", [&]() -> Status {
    auto query = prepared("INSERT INTO meta (key, value) VALUES (?, ?)");
    query->bind(1, std::string(key));
    query->bind(2, std::string(value));
    query->exec();
    return {};
  });
}

Result<std::vector<std::pair<std::string, std::string>>> Store::all_meta() {
  return guarded("reading settings", [&]() -> Result<std::vector<std::pair<std::string, std::string>>> {
    SQLite::Statement query(*db_, "SELECT key, value FROM meta ORDER BY key");
    std::vector<std::pair<std::string, std::string>> rows;
    while (query.executeStep()) rows.emplace_back(query.getColumn(0).getString(), query.getColumn(1).getString());
    return rows;
  });
}

Result<std::int64_t> Store::size() {
  return guarded("counting entries", [&]() -> Result<std::int64_t> {
    auto query = prepared("SELECT coalesce(max(seq) + 1, 0) FROM entries");
    query->executeStep();
    return query->getColumn(0).getInt64();
  });
}

Result<std::optional<ChainHead>> Store::last_entry() {
  return guarded("reading the last entry", [&]() -> Result<std::optional<ChainHead>> {
    auto query = prepared("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1");
    if (!query->executeStep()) return std::optional<ChainHead>{};
    return std::optional<ChainHead>{ChainHead{query->getColumn(0).getInt64(), hash_column(query->getColumn(1))}};
  });
}

Result<std::optional<ChainHead>> Store::chain_head(std::string_view chain) {
  return guarded("reading a chain head", [&]() -> Result<std::optional<ChainHead>> {
    auto query = prepared("SELECT seq, hash FROM entries WHERE chain = ? ORDER BY seq DESC LIMIT 1");
    query->bind(1, std::string(chain));
    if (!query->executeStep()) return std::optional<ChainHead>{};
    return std::optional<ChainHead>{ChainHead{query->getColumn(0).getInt64(), hash_column(query->getColumn(1))}};
  });
}

Result<std::optional<ChainHead>> Store::chain_head_before(std::string_view chain, std::int64_t before_seq) {
  return guarded("reading a chain head", [&]() -> Result<std::optional<ChainHead>> {
    SQLite::Statement query(*db_, "SELECT seq, hash FROM entries WHERE chain = ? AND seq < ? ORDER BY seq DESC LIMIT 1");
    query.bind(1, std::string(chain));
    query.bind(2, before_seq);
    if (!query.executeStep()) return std::optional<ChainHead>{};
    return std::optional<ChainHead>{ChainHead{query.getColumn(0).getInt64(), hash_column(query.getColumn(1))}};
  });
}

Result<std::optional<std::int64_t>> Store::seq_of_statement(const Hash& statement_hash) {
  return guarded("looking up a statement", [&]() -> Result<std::optional<std::int64_t>> {
    auto query = prepared("SELECT seq FROM entries WHERE statement_hash = ?");
    query->bind(1, statement_hash.data(), static_cast<int>(statement_hash.size()));
    if (!query->executeStep()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{query->getColumn(0).getInt64()};
  });
}

Status Store::insert(const StoredEntry& row) {
  return guarded("writing an entry", [&]() -> Status {
    auto query = prepared("INSERT INTO entries (seq, hash, leaf, chain, type, actor, chain_prev, statement_hash) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    query->bind(1, row.seq);
    query->bindNoCopy(2, row.hash.data(), static_cast<int>(row.hash.size()));
    query->bindNoCopy(3, row.leaf.data(), static_cast<int>(row.leaf.size()));
    query->bindNoCopy(4, row.chain);
    query->bindNoCopy(5, row.type);
    query->bindNoCopy(6, row.actor);
    if (row.chain_prev) query->bind(7, *row.chain_prev);
    else query->bind(7);
    query->bindNoCopy(8, row.statement_hash.data(), static_cast<int>(row.statement_hash.size()));
    query->exec();
    return {};
  });
}

Result<bool> Store::has_event_index() {
  return guarded("reading the schema", [&]() -> Result<bool> {
    auto query = prepared("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'event_index'");
    query->executeStep();
    return query->getColumn(0).getInt() == 1;
  });
}

Status Store::insert_event(const StoredEvent& row) {
  return guarded("writing the event index", [&]() -> Status {
    auto query = prepared("INSERT INTO event_index (seq, identity, withdraws) VALUES (?, ?, ?)");
    query->bind(1, row.seq);
    query->bindNoCopy(2, row.identity.data(), static_cast<int>(row.identity.size()));
    if (row.withdraws) query->bind(3, *row.withdraws);
    else query->bind(3);
    query->exec();
    return {};
  });
}

Result<std::optional<std::int64_t>> Store::live_event(const Hash& identity) {
  return guarded("looking up an event", [&]() -> Result<std::optional<std::int64_t>> {
    auto query = prepared("SELECT e.seq FROM event_index e WHERE e.identity = ? AND NOT EXISTS "
                          "(SELECT 1 FROM event_index v WHERE v.withdraws = e.seq) ORDER BY e.seq LIMIT 1");
    query->bind(1, identity.data(), static_cast<int>(identity.size()));
    if (!query->executeStep()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{query->getColumn(0).getInt64()};
  });
}

Result<std::optional<StoredEvent>> Store::event_at(std::int64_t seq) {
  return guarded("reading the event index", [&]() -> Result<std::optional<StoredEvent>> {
    auto query = prepared("SELECT seq, identity, withdraws FROM event_index WHERE seq = ?");
    query->bind(1, seq);
    if (!query->executeStep()) return std::optional<StoredEvent>{};
    StoredEvent row;
    read_event(*query, row);
    return std::optional<StoredEvent>{row};
  });
}

Result<std::optional<std::int64_t>> Store::withdrawn_by(std::int64_t seq) {
  return guarded("reading the event index", [&]() -> Result<std::optional<std::int64_t>> {
    auto query = prepared("SELECT seq FROM event_index WHERE withdraws = ?");
    query->bind(1, seq);
    if (!query->executeStep()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{query->getColumn(0).getInt64()};
  });
}

Result<EventCursor> Store::scan_events() {
  return guarded("reading the event index", [&]() -> Result<EventCursor> {
    return EventCursor(
        std::make_unique<SQLite::Statement>(*db_, "SELECT seq, identity, withdraws FROM event_index ORDER BY seq"));
  });
}

Result<EntryCursor> Store::scan_all() {
  return guarded("reading entries", [&]() -> Result<EntryCursor> {
    return EntryCursor(std::make_unique<SQLite::Statement>(
        *db_, std::string("SELECT ") + kEntryColumns + " FROM entries ORDER BY seq"));
  });
}

Result<EntryCursor> Store::scan_from(std::int64_t first_seq) {
  return guarded("reading entries", [&]() -> Result<EntryCursor> {
    auto query = std::make_unique<SQLite::Statement>(
        *db_, std::string("SELECT ") + kEntryColumns + " FROM entries WHERE seq >= ? ORDER BY seq");
    query->bind(1, first_seq);
    return EntryCursor(std::move(query));
  });
}

Result<EntryCursor> Store::scan_chain(std::string_view chain) {
  return guarded("reading a chain", [&]() -> Result<EntryCursor> {
    auto query = std::make_unique<SQLite::Statement>(
        *db_, std::string("SELECT ") + kEntryColumns + " FROM entries WHERE chain = ? ORDER BY seq");
    query->bind(1, std::string(chain));
    return EntryCursor(std::move(query));
  });
}

Result<EntryCursor> Store::scan_parties() {
  return guarded("reading parties", [&]() -> Result<EntryCursor> {
    // 'party/' .. 'party0' is the range of chains that start with "party/".
    return EntryCursor(std::make_unique<SQLite::Statement>(
        *db_, std::string("SELECT ") + kEntryColumns +
                  " FROM entries WHERE chain >= 'party/' AND chain < 'party0' ORDER BY seq"));
  });
}

Result<EntryCursor> Store::scan_vehicles() {
  return guarded("reading vehicle entries", [&]() -> Result<EntryCursor> {
    return EntryCursor(std::make_unique<SQLite::Statement>(
        *db_, std::string("SELECT ") + kEntryColumns +
                  " FROM entries WHERE chain < 'party/' OR chain >= 'party0' ORDER BY chain, seq"));
  });
}

Result<std::optional<StoredEntry>> Store::entry_at(std::int64_t seq) {
  return guarded("reading an entry", [&]() -> Result<std::optional<StoredEntry>> {
    auto query = std::make_unique<SQLite::Statement>(
        *db_, std::string("SELECT ") + kEntryColumns + " FROM entries WHERE seq = ?");
    query->bind(1, seq);
    EntryCursor cursor(std::move(query));
    StoredEntry row;
    auto found = cursor.next(row);
    if (!found) return std::unexpected(found.error());
    if (!*found) return std::optional<StoredEntry>{};
    return std::optional<StoredEntry>{std::move(row)};
  });
}

Result<std::vector<std::string>> Store::integrity_problems() {
  return guarded("checking the database structure", [&]() -> Result<std::vector<std::string>> {
    SQLite::Statement query(*db_, "PRAGMA integrity_check");
    std::vector<std::string> problems;
    while (query.executeStep()) {
      std::string line = query.getColumn(0).getString();
      if (line != "ok") problems.push_back(std::move(line));
    }
    return problems;
  });
}

Result<std::optional<std::string>> Store::read_tile(int level, std::uint64_t index) {
  return guarded("reading a tree tile", [&]() -> Result<std::optional<std::string>> {
    auto query = prepared("SELECT hashes FROM tiles WHERE level = ? AND idx = ?");
    query->bind(1, level);
    query->bind(2, static_cast<std::int64_t>(index));
    if (!query->executeStep()) return std::optional<std::string>{};
    return std::optional<std::string>{blob_column(query->getColumn(0))};
  });
}

Status Store::write_tile(int level, std::uint64_t index, std::string_view hashes) {
  return guarded("writing a tree tile", [&]() -> Status {
    // An upsert, not INSERT OR REPLACE: replacing deletes first, which the
    // append-only trigger refuses; an update is checked to only grow.
    auto query = prepared("INSERT INTO tiles (level, idx, hashes) VALUES (?, ?, ?) "
                          "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes");
    query->bind(1, level);
    query->bind(2, static_cast<std::int64_t>(index));
    query->bindNoCopy(3, hashes.data(), static_cast<int>(hashes.size()));
    query->exec();
    return {};
  });
}

Result<std::vector<std::pair<int, std::uint64_t>>> Store::tile_counts() {
  return guarded("counting tree tiles", [&]() -> Result<std::vector<std::pair<int, std::uint64_t>>> {
    SQLite::Statement query(*db_, "SELECT level, count(*) FROM tiles GROUP BY level ORDER BY level");
    std::vector<std::pair<int, std::uint64_t>> counts;
    while (query.executeStep())
      counts.emplace_back(query.getColumn(0).getInt(), static_cast<std::uint64_t>(query.getColumn(1).getInt64()));
    return counts;
  });
}

Result<std::uint64_t> Store::tree_size() {
  return guarded("reading the tree size", [&]() -> Result<std::uint64_t> {
    auto query = prepared("SELECT idx, length(hashes) / 32 FROM tiles WHERE level = 0 ORDER BY idx DESC LIMIT 1");
    if (!query->executeStep()) return std::uint64_t{0};
    return static_cast<std::uint64_t>(query->getColumn(0).getInt64()) * kTileWidth +
           static_cast<std::uint64_t>(query->getColumn(1).getInt64());
  });
}

namespace {

constexpr const char* kCheckpointColumns = "id, size, root, issued, note";

StoredCheckpoint checkpoint_from(SQLite::Statement& query) {
  StoredCheckpoint checkpoint;
  checkpoint.id = query.getColumn(0).getInt64();
  checkpoint.size = query.getColumn(1).getInt64();
  const std::string root = blob_column(query.getColumn(2));
  // A root of another length is damage the audit reports; keep what fits.
  std::copy_n(root.begin(), std::min(root.size(), checkpoint.root.size()), checkpoint.root.begin());
  checkpoint.issued = query.getColumn(3).getString();
  checkpoint.note = query.getColumn(4).getString();
  return checkpoint;
}

}  // namespace

Result<std::int64_t> Store::insert_checkpoint(const StoredCheckpoint& checkpoint) {
  return guarded("recording a checkpoint", [&]() -> Result<std::int64_t> {
    auto query = prepared("INSERT INTO checkpoints (size, root, issued, note) VALUES (?, ?, ?, ?)");
    query->bind(1, checkpoint.size);
    query->bind(2, checkpoint.root.data(), static_cast<int>(checkpoint.root.size()));
    query->bind(3, checkpoint.issued);
    query->bind(4, checkpoint.note);
    query->exec();
    return db_->getLastInsertRowid();
  });
}

Result<std::optional<StoredCheckpoint>> Store::latest_checkpoint() {
  return guarded("reading the latest checkpoint", [&]() -> Result<std::optional<StoredCheckpoint>> {
    auto query = prepared("SELECT id, size, root, issued, note FROM checkpoints ORDER BY id DESC LIMIT 1");
    if (!query->executeStep()) return std::optional<StoredCheckpoint>{};
    return std::optional<StoredCheckpoint>{checkpoint_from(*query)};
  });
}

Result<bool> Store::insert_cosignature(const StoredCosignature& cosignature) {
  return guarded("recording a cosignature", [&]() -> Result<bool> {
    SQLite::Statement query(*db_,
                            "INSERT INTO cosignatures (checkpoint_id, witness, line, received) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (checkpoint_id, witness) DO NOTHING");
    query.bind(1, cosignature.checkpoint_id);
    query.bind(2, cosignature.witness);
    query.bind(3, cosignature.line);
    query.bind(4, cosignature.received);
    return query.exec() == 1;
  });
}

Result<std::vector<StoredCosignature>> Store::cosignatures(std::int64_t checkpoint_id) {
  return guarded("reading cosignatures", [&]() -> Result<std::vector<StoredCosignature>> {
    SQLite::Statement query(*db_, checkpoint_id == 0
                                      ? "SELECT checkpoint_id, witness, line, received FROM cosignatures "
                                        "ORDER BY checkpoint_id, witness"
                                      : "SELECT checkpoint_id, witness, line, received FROM cosignatures "
                                        "WHERE checkpoint_id = ? ORDER BY witness");
    if (checkpoint_id != 0) query.bind(1, checkpoint_id);
    std::vector<StoredCosignature> rows;
    while (query.executeStep())
      rows.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                      query.getColumn(3).getString()});
    return rows;
  });
}

Result<std::optional<StoredCheckpoint>> Store::latest_cosigned_checkpoint(std::int64_t min_size,
                                                                          std::int64_t min_cosignatures) {
  return guarded("reading the latest cosigned checkpoint", [&]() -> Result<std::optional<StoredCheckpoint>> {
    SQLite::Statement query(
        *db_, "SELECT id, size, root, issued, note FROM checkpoints WHERE size >= ? AND "
              "(SELECT count(*) FROM cosignatures WHERE checkpoint_id = checkpoints.id) >= ? ORDER BY id DESC LIMIT 1");
    query.bind(1, min_size);
    query.bind(2, min_cosignatures);
    if (!query.executeStep()) return std::optional<StoredCheckpoint>{};
    return std::optional<StoredCheckpoint>{checkpoint_from(query)};
  });
}

Result<std::vector<StoredCheckpoint>> Store::checkpoints_after(std::int64_t size) {
  return guarded("reading checkpoints", [&]() -> Result<std::vector<StoredCheckpoint>> {
    SQLite::Statement query(
        *db_, std::string("SELECT ") + kCheckpointColumns + " FROM checkpoints WHERE size > ? ORDER BY id");
    query.bind(1, size);
    std::vector<StoredCheckpoint> checkpoints;
    while (query.executeStep()) checkpoints.push_back(checkpoint_from(query));
    return checkpoints;
  });
}

Result<std::optional<StoredCheckpoint>> Store::first_checkpoint_covering(std::int64_t seq) {
  return guarded("reading a checkpoint", [&]() -> Result<std::optional<StoredCheckpoint>> {
    auto query = prepared("SELECT id, size, root, issued, note FROM checkpoints WHERE size > ? "
                              "ORDER BY size, id LIMIT 1");
    query->bind(1, seq);
    if (!query->executeStep()) return std::optional<StoredCheckpoint>{};
    return std::optional<StoredCheckpoint>{checkpoint_from(*query)};
  });
}

Result<std::vector<StoredCheckpoint>> Store::checkpoints() {
  return guarded("reading checkpoints", [&]() -> Result<std::vector<StoredCheckpoint>> {
    SQLite::Statement query(*db_, std::string("SELECT ") + kCheckpointColumns + " FROM checkpoints ORDER BY id");
    std::vector<StoredCheckpoint> checkpoints;
    while (query.executeStep()) checkpoints.push_back(checkpoint_from(query));
    return checkpoints;
  });
}

Result<std::optional<IndexTileStore::Stored>> Store::read_index_tile(int level, std::string_view prefix,
                                                                       std::uint64_t at_size) {
  return guarded("reading an index tile", [&]() -> Result<std::optional<Stored>> {
    auto query = prepared("SELECT version, content FROM index_tiles WHERE level = ? AND prefix = ? AND version <= ? "
                          "ORDER BY version DESC LIMIT 1");
    query->bind(1, level);
    query->bindNoCopy(2, prefix.data(), static_cast<int>(prefix.size()));
    query->bind(3, static_cast<std::int64_t>(std::min<std::uint64_t>(at_size, INT64_MAX)));
    if (!query->executeStep()) return std::optional<Stored>{};
    return std::optional<Stored>{
        Stored{static_cast<std::uint64_t>(query->getColumn(0).getInt64()), blob_column(query->getColumn(1))}};
  });
}

Status Store::write_index_tile(int level, std::string_view prefix, std::uint64_t version,
                               std::optional<std::uint64_t> replaces, std::string_view content) {
  return guarded("writing an index tile", [&]() -> Status {
    auto query = replaces ? prepared("UPDATE index_tiles SET version = ?, content = ? "
                                     "WHERE level = ? AND prefix = ? AND version = ?")
                          : prepared("INSERT INTO index_tiles (version, content, level, prefix) VALUES (?, ?, ?, ?)");
    query->bind(1, static_cast<std::int64_t>(version));
    query->bindNoCopy(2, content.data(), static_cast<int>(content.size()));
    query->bind(3, level);
    query->bindNoCopy(4, prefix.data(), static_cast<int>(prefix.size()));
    if (replaces) query->bind(5, static_cast<std::int64_t>(*replaces));
    if (query->exec() != 1) return storage_error("index tile " + std::to_string(level) + " was not written");
    return {};
  });
}

Result<std::uint64_t> Store::index_size() {
  return guarded("reading the index size", [&]() -> Result<std::uint64_t> {
    // The root tile's prefix is empty: naming it lets SQLite read the last
    // version off the primary key (level, prefix, version) in one seek.
    // Without it, max() walks every stored root version, one leaf page
    // each (a root tile is kilobytes): a cost that grew with every
    // checkpoint, paid twice per append and per group commit.
    auto query = prepared("SELECT coalesce(max(version), 0) FROM index_tiles WHERE level = 0 AND prefix = X''");
    query->executeStep();
    return static_cast<std::uint64_t>(query->getColumn(0).getInt64());
  });
}

Result<std::optional<std::uint64_t>> Store::index_start() {
  return guarded("reading the index start", [&]() -> Result<std::optional<std::uint64_t>> {
    SQLite::Statement query(*db_, "SELECT min(version) FROM index_tiles WHERE level = 0 AND prefix = X''");  // one seek, as above
    query.executeStep();
    if (query.getColumn(0).isNull()) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>{static_cast<std::uint64_t>(query.getColumn(0).getInt64())};
  });
}

Result<std::vector<Store::StoredIndexTile>> Store::index_tiles_between(std::uint64_t after, std::uint64_t upto) {
  return guarded("reading index tiles", [&]() -> Result<std::vector<StoredIndexTile>> {
    SQLite::Statement query(*db_,
                            "SELECT level, prefix, version, content FROM index_tiles WHERE version > ? AND version <= ? "
                            "ORDER BY level, prefix, version");
    query.bind(1, static_cast<std::int64_t>(std::min<std::uint64_t>(after, INT64_MAX)));
    query.bind(2, static_cast<std::int64_t>(std::min<std::uint64_t>(upto, INT64_MAX)));
    std::vector<StoredIndexTile> tiles;
    while (query.executeStep())
      tiles.push_back(StoredIndexTile{query.getColumn(0).getInt(), blob_column(query.getColumn(1)),
                                      static_cast<std::uint64_t>(query.getColumn(2).getInt64()),
                                      blob_column(query.getColumn(3))});
    return tiles;
  });
}

Result<std::vector<std::string>> Store::chains() {
  return guarded("reading chains", [&]() -> Result<std::vector<std::string>> {
    SQLite::Statement query(*db_, "SELECT DISTINCT chain FROM entries");
    std::vector<std::string> chains;
    while (query.executeStep()) chains.push_back(query.getColumn(0).getString());
    return chains;
  });
}

}  // namespace vinledger
