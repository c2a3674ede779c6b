// Appending statements: the parallel half (parse, check form, verify the
// signature) and the sequential half (who may say it, does `prev` match the
// head, build and write the entry). Runs inside a write transaction the
// caller owns; on any error the caller rolls back and nothing is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "line_reader.h"
#include "merkle_tree.h"
#include "party_registry.h"
#include "store.h"
#include "thread_pool.h"
#include "vinledger/ledger.h"

namespace vinledger {

// A statement after the parallel half: parsed and checked against the key
// its actor had in the registry snapshot the worker saw.
struct PreparedStatement {
  std::int64_t line = 0;
  std::optional<Statement> statement;
  Error error{ErrorKind::invalid_input, ""};  // when !statement
  std::string checked_key;                    // vkey text the signature was checked with
  bool signature_ok = false;
  Hash statement_hash{};                      // SHA-256 of what the actor signed
};

PreparedStatement prepare_statement(std::int64_t line, std::string_view text, const PartySnapshot& parties);
PreparedStatement prepare_statement(std::int64_t line, Statement statement, const PartySnapshot& parties);

class Appender {
 public:
  Appender(Store& store, PartyRegistry& parties, const LedgerSettings& settings);

  // Reads the log's last entry and the tree's right edge; call once inside
  // the write transaction.
  Status start();
  // Checks one prepared statement against the ledger as it now stands and
  // writes its entry. The error message does not name the line: callers do.
  Status add(PreparedStatement& item);

  // Writes the tree tiles the new entries changed; call before commit.
  Status finish();

  AppendReport report() const { return {first_seq_, next_seq_ - first_seq_}; }
  // The hash of the last entry written (or found at start()), and the
  // bytes of the last one written.
  const std::optional<Hash>& last_hash() const { return last_hash_; }
  const std::string& last_leaf() const { return last_leaf_; }

  // Where the appender stands, for undoing part of a transaction: mark()
  // with the store's savepoint, rewind() after rolling the store back to it
  // (the registry too goes back to what it was at the mark).
  struct Mark {
    std::int64_t next_seq = 0;
    std::optional<Hash> last_hash;
    std::optional<TiledMerkleTree::Mark> tree;
    PartyRegistry parties;
  };
  Mark mark() const;
  void rewind(Mark mark);

  // The tree as appended so far (after start()): for proofs against it.
  TiledMerkleTree* tree() { return tree_.get(); }

 private:
  Status check_authentic(PreparedStatement& item, const Statement& statement);
  Result<std::optional<ChainHead>> check_prev(const PreparedStatement& item, const Statement& statement);
  Status check_new_party_key(const Statement& statement);
  Status catch_up_tree();

  Store& store_;
  PartyRegistry& parties_;
  const LedgerSettings& settings_;
  std::int64_t first_seq_ = 0;
  std::int64_t next_seq_ = 0;
  std::optional<Hash> last_hash_;
  std::string last_leaf_;
  std::unique_ptr<TiledMerkleTree> tree_;
};

// Streams `reader` through the pool and the appender, keeping only a
// bounded number of statements in flight.
Result<AppendReport> append_lines(Appender& appender, PartyRegistry& parties, LineReader& reader, ThreadPool& pool,
                                  std::string_view source_name);

}  // namespace vinledger
