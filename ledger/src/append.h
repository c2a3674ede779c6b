// Appending statements: the parallel half (parse, check form, verify the
// signature) and the sequential half (who may say it, does `prev` match the
// head, build and write the entry). Runs inside a write transaction the
// caller owns; on any error the caller rolls back and nothing is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "index_update.h"
#include "key_in_force.h"
#include "line_reader.h"
#include "merkle_tree.h"
#include "party_registry.h"
#include "store.h"
#include "thread_pool.h"
#include "vinledger/event_identity.h"
#include "vinledger/ledger.h"

namespace vinledger {

// A statement after the parallel half: parsed and checked against the key
// its actor had in the registry snapshot the worker saw.
struct PreparedStatement {
  std::int64_t line = 0;
  std::optional<Statement> statement;
  Error error{ErrorKind::invalid_input, ""};  // when !statement
  SignatureCheck signature;                   // against the key in force in the worker's snapshot
  Hash statement_hash{};                      // SHA-256 of what the actor signed
  EventIdentity identity;                     // of the business event it asserts
};

PreparedStatement prepare_statement(std::int64_t line, std::string_view text, const PartySnapshot& parties);
PreparedStatement prepare_statement(std::int64_t line, Statement statement, const PartySnapshot& parties);

class Appender {
 public:
  // `origin`: the log's name, which binds statements (`log`) and names the
  // operator's keys.
  Appender(Store& store, PartyRegistry& parties, const LedgerSettings& settings, std::string origin,
           AppendOptions options = {});

  // Reads the log's last entry and the tree's right edge; call once inside
  // the write transaction.
  Status start();
  // Checks one prepared statement against the ledger as it now stands and
  // writes its entry: true. False when it was skipped as already recorded
  // (AppendOptions::skip_recorded). The error message does not name the
  // line: callers do.
  [[nodiscard]] Result<bool> add(PreparedStatement& item);
  // Writes an entry built and verified elsewhere (a mirror's, held to the
  // audit's checks against the log it copies), exactly as given, with the
  // same side effects as add(): the row, its event index row, the tree, the
  // VIN index, the registry.
  [[nodiscard]] Status add_verified(const StoredEntry& row, const Statement& statement);

  // Writes the tree tiles and the VIN index tiles the new entries changed;
  // call before commit.
  Status finish();
  // The VIN index root as of the last finish(), if the appender keeps the index.
  const std::optional<Hash>& index_root() const { return index_root_; }

  AppendReport report() const { return {first_seq_, next_seq_ - first_seq_, skipped_}; }
  std::int64_t next_seq() const { return next_seq_; }
  // The root of the tree as appended so far (after finish(): as stored).
  Result<Hash> root() { return tree_ ? tree_->root() : internal_error("the appender keeps no tree"); }
  // The hash of the last entry written (or found at start()), and the
  // bytes of the last one written.
  const std::optional<Hash>& last_hash() const { return last_hash_; }
  const std::string& last_leaf() const { return last_leaf_; }

  // Where the appender stands, for undoing part of a transaction: mark()
  // with the store's savepoint, rewind() after rolling the store back to it
  // (the registry and the queued VIN index changes too go back to what they
  // were at the mark).
  struct Mark {
    std::int64_t next_seq = 0;
    std::int64_t skipped = 0;
    std::optional<Hash> last_hash;
    std::optional<TiledMerkleTree::Mark> tree;
    std::optional<IndexUpdater::Pending> index;
    PartyRegistry parties;
  };
  Mark mark() const;
  void rewind(Mark mark);

  // The tree as appended so far (after start()): for proofs against it.
  TiledMerkleTree* tree() { return tree_.get(); }

 private:
  Status check_authentic(PreparedStatement& item, const Statement& statement);
  // Why the statement is already in the ledger (a replay, or another
  // statement of the same event), or nullopt.
  Result<std::optional<std::string>> already_recorded(const PreparedStatement& item, const Statement& statement);
  // The seq of the entry a void withdraws, after the rules of corrections.h.
  Result<std::int64_t> void_target(const Statement& statement);
  Result<std::optional<ChainHead>> check_prev(const Statement& statement);
  Status check_bound_to_log(const Statement& statement) const;
  Status check_party_statement(const Statement& statement, std::int64_t seq);
  Status catch_up_tree();
  Status write(const StoredEntry& row, const Statement& statement, const StoredEvent& event);

  Store& store_;
  PartyRegistry& parties_;
  const LedgerSettings& settings_;
  std::string origin_;
  AppendOptions options_;
  std::int64_t skipped_ = 0;
  std::int64_t first_seq_ = 0;
  std::int64_t next_seq_ = 0;
  std::optional<Hash> last_hash_;
  std::string last_leaf_;
  std::unique_ptr<TiledMerkleTree> tree_;
  std::unique_ptr<IndexUpdater> index_;
  std::optional<Hash> index_root_;
};

// Streams `reader` through the pool and the appender, keeping only a
// bounded number of statements in flight.
Result<AppendReport> append_lines(Appender& appender, PartyRegistry& parties, LineReader& reader, ThreadPool& pool,
                                  std::string_view source_name);

}  // namespace vinledger
