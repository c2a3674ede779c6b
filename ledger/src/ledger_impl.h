// The ledger's private state, shared by the files that implement Ledger's
// methods (ledger.cpp for the log itself; one file per feature beside it).
#pragma once

#include <memory>
#include <string>

#include "append.h"
#include "party_registry.h"
#include "store.h"
#include "thread_pool.h"
#include "vinledger/ledger.h"

namespace vinledger {

// A recorded checkpoint as the ledger hands it out (ledger_checkpoint.cpp);
// a note that no longer parses is a storage error.
Result<IssuedCheckpoint> issued_from(const StoredCheckpoint& row);

// The note of recorded checkpoint `checkpoint_id` with every cosignature
// stored for it (ledger_cosignatures.cpp): what Ledger::cosigned_note
// returns, and what the group committer's retried receipts carry.
[[nodiscard]] Result<std::string> note_with_cosignatures(Store& store, std::int64_t checkpoint_id,
                                                         const std::string& note);

// invalid_input unless `operator_key` is the operator's key in force.
Status check_operator_key(const PartyRegistry& parties, const SigningKey& operator_key, const std::string& origin);

// The chain of endorsements from the operator's first key to the key in
// force, as checkpoint extension lines (key_endorsement.h), read from the
// party log.
[[nodiscard]] Result<std::vector<std::string>> endorsement_lines(Store& store, const std::string& origin);

// Signs the checkpoint of the tree of `size` leaves with `root` with
// `operator_key` (refused unless it is the operator's key in force in
// `parties`) and records it, inside the caller's write transaction.
// `endorsements`: the endorsement_lines() of the store as it stands, when
// the caller keeps them; read from the store when null.
[[nodiscard]] Result<IssuedCheckpoint> record_checkpoint(Store& store, const PartyRegistry& parties,
                                                         const std::string& origin, const SigningKey& operator_key,
                                                         std::uint64_t size, const Hash& root, std::int64_t now,
                                                         const std::vector<std::string>* endorsements = nullptr);
// Removes a ledger file (and its -wal, -shm, -journal) that a creation could
// not finish, so that it can simply be run again.
void remove_ledger_files(const std::filesystem::path& path);
// Makes a new directory entry durable.
[[nodiscard]] Status sync_parent_directory(const std::filesystem::path& path);
// Links the finished ledger `aside` into place at `path` (refusing an
// existing path), removes `aside`'s name and syncs the directory: a kill at
// any moment leaves no ledger at `path` or a whole one.
[[nodiscard]] Status link_into_place(const std::filesystem::path& aside, const std::filesystem::path& path);

struct Ledger::Impl {
  std::unique_ptr<Store> store;
  LedgerSettings settings;
  std::string origin;
  std::optional<std::string> mirror_of;  // set for a mirror: no writes but the mirror's
  PartyRegistry parties;
  std::unique_ptr<ThreadPool> pool;

  ThreadPool& workers() {
    if (!pool) pool = std::make_unique<ThreadPool>(settings.threads);
    return *pool;
  }

  // Runs `body` inside a write transaction with the registry as of that
  // transaction (another process may have registered parties since we
  // opened). Any error rolls the transaction back: nothing is written.
  // With `check_only`, a body that succeeds is rolled back too: every check
  // ran against the ledger as it stands, and nothing was written.
  template <class Body>
  Result<AppendReport> write(Body body, AppendOptions options = {}, bool check_only = false) {
    if (auto refused = refuse_if_mirror(); !refused) return std::unexpected(refused.error());
    if (auto ok = store->begin_write(); !ok) return std::unexpected(ok.error());
    auto result = [&]() -> Result<AppendReport> {
      auto registry = PartyRegistry::load(*store);
      if (!registry) return std::unexpected(registry.error());
      parties = std::move(*registry);
      Appender appender(*store, parties, settings, origin, options);
      if (auto ok = appender.start(); !ok) return std::unexpected(ok.error());
      auto report = body(appender);
      if (!report) return report;
      if (auto ok = appender.finish(); !ok) return std::unexpected(ok.error());
      if (check_only) return report;
      if (auto ok = store->commit(); !ok) return std::unexpected(ok.error());
      return report;
    }();
    if (!result || check_only) {
      store->rollback();
      parties = PartyRegistry();  // may hold registrations from the rolled-back batch
    }
    return result;
  }

  Status refuse_if_mirror() const {
    if (!mirror_of) return {};
    return invalid_input("this ledger is a mirror of " + *mirror_of +
                         ": it takes entries and checkpoints only from that log (`vinledger mirror`)");
  }

  Result<AppendReport> append_signed(Appender& appender, Statement statement) {
    PreparedStatement item = prepare_statement(1, std::move(statement), parties.snapshot());
    if (auto ok = appender.add(item); !ok) return std::unexpected(ok.error());
    return appender.report();
  }

  // Migrations that fill tables from the entries (event_index.h).
  static MigrationHook migration_hook();
};

}  // namespace vinledger
