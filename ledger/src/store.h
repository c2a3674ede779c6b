// The SQLite store under the ledger: schema migrations, transactions, and
// the few queries the ledger needs. Every SQLite error becomes a storage
// Error here, so nothing above this file sees SQLiteCpp or its exceptions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "index_tree.h"
#include "merkle_tree.h"
#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace vinledger {

class PreparedQuery;

// The one setting in `meta`: the log's origin, fixed at init.
inline constexpr const char* kOriginKey = "origin";

// One row of `entries`: the hashed bytes and the lookup copies beside them.
struct StoredEntry {
  std::int64_t seq = 0;
  Hash hash{};
  std::string leaf;
  std::string chain;
  std::string type;
  std::string actor;
  std::optional<std::int64_t> chain_prev;
  Hash statement_hash{};
};

// One row of `checkpoints`: a checkpoint the operator issued, as printed.
struct StoredCheckpoint {
  std::int64_t id = 0;
  std::int64_t size = 0;
  Hash root{};
  std::string issued;  // RFC 3339 UTC
  std::string note;    // the signed note text
};

// One row of `event_index`: the business event an entry asserts.
struct StoredEvent {
  std::int64_t seq = 0;
  Hash identity{};
  std::optional<std::int64_t> withdraws;  // a void: the entry it withdraws
};

// One row of `cosignatures`: a witness's cosignature of an issued checkpoint.
struct StoredCosignature {
  std::int64_t checkpoint_id = 0;
  std::string witness;   // the cosigner's vkey
  std::string line;      // the note signature line
  std::string received;  // RFC 3339 UTC
};

struct ChainHead {
  std::int64_t seq = 0;
  Hash hash{};
};

// Streams entries in seq order without holding them all in memory.
class EntryCursor {
 public:
  ~EntryCursor();
  EntryCursor(EntryCursor&&) noexcept;
  // Fills `row` and returns true, or returns false at the end.
  Result<bool> next(StoredEntry& row);

 private:
  friend class Store;
  explicit EntryCursor(std::unique_ptr<SQLite::Statement> query);
  std::unique_ptr<SQLite::Statement> query_;
};

// Streams event_index rows in seq order.
class EventCursor {
 public:
  ~EventCursor();
  EventCursor(EventCursor&&) noexcept;
  Result<bool> next(StoredEvent& row);

 private:
  friend class Store;
  explicit EventCursor(std::unique_ptr<SQLite::Statement> query);
  std::unique_ptr<SQLite::Statement> query_;
};

class Store;

// Runs inside the migration's transaction right after the SQL of schema
// `version`, to fill what SQL cannot compute (a lookup table over the
// entries already in the log). Its error undoes the whole migration.
using MigrationHook = std::function<Status(Store& store, int version)>;

class Store : public TileStore, public IndexTileStore {
 public:
  enum class OpenMode { kCreateNew, kExisting, kReadOnly };

  // SQLite's application_id of a ledger ("VnLd"), set when it is created:
  // the marker by which an open knows the file is ours before writing.
  static constexpr int kLedgerApplicationId = 0x566E4C64;

  // Opens (or creates) the database, sets WAL mode and a generous busy
  // timeout, and applies pending migrations (calling `hook` after each).
  // kCreateNew refuses an existing file; the others refuse a missing one and,
  // before anything is written, any file that is not a ledger (invalid_input).
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& path, OpenMode mode,
                                             const MigrationHook& hook = {});
  ~Store() override;

  // Sizes this connection for a long-lived writer that commits small
  // transactions one after another (the server's group committer); see
  // the comments in store.cpp for each setting. Durability is unchanged:
  // synchronous stays FULL, every commit is fsynced.
  [[nodiscard]] Status tune_for_group_commit();
  // A 64 MiB page cache for this connection (tune_for_group_commit's
  // first half): for a long write such as a mirror's. Returns the size it
  // replaces (PRAGMA cache_size), for restore_page_cache.
  [[nodiscard]] Result<std::int64_t> use_large_page_cache();
  // Sets the page cache back to `cache_size`; never fails loudly (a cache
  // size is a hint): it runs on every path out of a long write.
  void restore_page_cache(std::int64_t cache_size) noexcept;

  // BEGIN IMMEDIATE: takes the write lock up front, waiting for other
  // writers, so that heads read inside the transaction stay heads until commit.
  Status begin_write();
  // BEGIN: a consistent snapshot for a long read (audit) beside writers.
  Status begin_read();
  Status commit();
  // Never fails loudly: it runs on error paths.
  void rollback() noexcept;

  // A savepoint inside a write transaction, so that one part of it (a
  // request of a group commit) can be undone while the rest stands:
  // savepoint(), then release() to keep what followed or rollback_to() to
  // undo it (which also releases the savepoint).
  Status savepoint();
  Status release();
  Status rollback_to();

  Result<std::optional<std::string>> meta(std::string_view key);
  Status insert_meta(std::string_view key, std::string_view value);
  // Every setting, (key, value) in key order: what audit compares with the log.
  Result<std::vector<std::pair<std::string, std::string>>> all_meta();

  Result<std::int64_t> size();
  Result<std::optional<ChainHead>> last_entry();
  Result<std::optional<ChainHead>> chain_head(std::string_view chain);
  // The chain's last entry with seq < `before_seq` (where `audit --since` resumes).
  Result<std::optional<ChainHead>> chain_head_before(std::string_view chain, std::int64_t before_seq);
  // The seq of the entry whose statement has this hash, if any.
  Result<std::optional<std::int64_t>> seq_of_statement(const Hash& statement_hash);
  Status insert(const StoredEntry& row);

  // The event index (schema/004_event_index.sql). A ledger opened read-only
  // at an older schema version has none: has_event_index says so.
  Result<bool> has_event_index();
  [[nodiscard]] Status insert_event(const StoredEvent& row);
  // The first entry asserting this event that no void has withdrawn.
  [[nodiscard]] Result<std::optional<std::int64_t>> live_event(const Hash& identity);
  [[nodiscard]] Result<std::optional<StoredEvent>> event_at(std::int64_t seq);
  // The void that withdrew entry `seq`, if any.
  [[nodiscard]] Result<std::optional<std::int64_t>> withdrawn_by(std::int64_t seq);
  [[nodiscard]] Result<EventCursor> scan_events();

  Result<EntryCursor> scan_all();
  Result<EntryCursor> scan_from(std::int64_t first_seq);
  Result<EntryCursor> scan_chain(std::string_view chain);
  // Every party entry (registrations and rotations), in seq order.
  Result<EntryCursor> scan_parties();
  // Every vehicle entry (chains that are not "party/..."), by chain then
  // seq, so that one VIN's entries arrive together (index entries_by_chain).
  Result<EntryCursor> scan_vehicles();
  Result<std::optional<StoredEntry>> entry_at(std::int64_t seq);

  // Records an issued checkpoint; returns its id.
  Result<std::int64_t> insert_checkpoint(const StoredCheckpoint& checkpoint);
  Result<std::optional<StoredCheckpoint>> latest_checkpoint();
  // The smallest recorded checkpoint that covers entry `seq` (size > seq):
  // the one the entry was first proved against.
  Result<std::optional<StoredCheckpoint>> first_checkpoint_covering(std::int64_t seq);
  // Every issued checkpoint, oldest first.
  Result<std::vector<StoredCheckpoint>> checkpoints();
  // Stores a cosignature unless that witness's is already stored for the
  // checkpoint; returns whether it was new.
  Result<bool> insert_cosignature(const StoredCosignature& cosignature);
  // The cosignatures of one checkpoint, or of every checkpoint (id 0), by
  // checkpoint then witness.
  Result<std::vector<StoredCosignature>> cosignatures(std::int64_t checkpoint_id);
  // The latest checkpoint of at least `min_size` entries with at least
  // `min_cosignatures` cosignatures, if any.
  Result<std::optional<StoredCheckpoint>> latest_cosigned_checkpoint(std::int64_t min_size, std::int64_t min_cosignatures);
  // The issued checkpoints larger than `size`, oldest first.
  Result<std::vector<StoredCheckpoint>> checkpoints_after(std::int64_t size);

  // The Merkle tree's tiles (TileStore), and the number of leaves they hold.
  Result<std::optional<std::string>> read_tile(int level, std::uint64_t index) override;
  Status write_tile(int level, std::uint64_t index, std::string_view hashes) override;
  Result<std::uint64_t> tree_size();
  // How many tiles each level holds: (level, count), ascending.
  Result<std::vector<std::pair<int, std::uint64_t>>> tile_counts();

  // The VIN index's tiles (IndexTileStore; index_tree.h).
  Result<std::optional<Stored>> read_index_tile(int level, std::string_view prefix, std::uint64_t at_size) override;
  Status write_index_tile(int level, std::string_view prefix, std::uint64_t version, std::optional<std::uint64_t> replaces,
                          std::string_view content) override;
  // The log size the stored index covers (its root tile's latest version), 0 if none.
  Result<std::uint64_t> index_size();
  // The smallest version of the root tile: where the stored index began.
  Result<std::optional<std::uint64_t>> index_start();
  struct StoredIndexTile {
    int level = 0;
    std::string prefix;
    std::uint64_t version = 0;
    std::string content;
  };
  // The tiles with after < version <= upto, by (level, prefix, version).
  Result<std::vector<StoredIndexTile>> index_tiles_between(std::uint64_t after, std::uint64_t upto);
  // The distinct chains of the log: what an index key can be named by.
  Result<std::vector<std::string>> chains();

  // What SQLite's PRAGMA integrity_check finds wrong (empty when sound): an
  // index that disagrees with its table, a damaged page.
  Result<std::vector<std::string>> integrity_problems();

 private:
  explicit Store(std::unique_ptr<SQLite::Database> db);
  Status migrate(const MigrationHook& hook);
  // The statement for `sql` (a string literal), prepared once per connection.
  PreparedQuery prepared(const char* sql);

  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> prepared_;
};

}  // namespace vinledger
