// The ledger: an append-only, hash-chained log of signed statements in one
// SQLite file. This is the library's front door; the CLI and the HTTP server
// are thin layers over it.
//
// Threads: a Ledger is one database connection with cached queries and a
// cached party registry, and is NOT safe to use from two threads at once.
// Use one Ledger per thread (the server keeps a pool and lends each to one
// request at a time), or guard one with a lock. Any number of Ledgers, in
// one process or in many, may open the same file at once: SQLite serialises
// their writes (each append sees what the previous one left) and gives each
// read a consistent snapshot. GroupCommitter (group_commit.h) is the
// thread-safe writer for many concurrent requests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/bundle.h"
#include "vinledger/checkpoint.h"
#include "vinledger/finding.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/mirror.h"
#include "vinledger/result.h"
#include "vinledger/statement.h"
#include "vinledger/tile_source.h"
#include "vinledger/tlog_tiles.h"
#include "vinledger/verification.h"

namespace vinledger {

struct InitOptions {
  std::string origin;                  // the log's name in checkpoints
  std::string operator_id = "operator";
  std::string operator_name;           // defaults to the origin
  std::string operator_country = "ZZ"; // ISO 3166 user-assigned: no single country
};

// Longest origin `init` accepts. The origin is the key name on every
// checkpoint signature line (at most kMaxSignatureLineBytes), the first line
// of every checkpoint, part of the operator's vkey inside its 16 KiB
// registration statement, and that statement's default `name`, a text field
// of at most 256 bytes: the same 256 bytes fit all of them.
inline constexpr std::size_t kMaxOriginBytes = 256;

struct AppendReport {
  std::int64_t first_seq = 0;  // seq of the first entry written
  std::int64_t count = 0;      // entries written
  std::int64_t skipped = 0;    // statements already recorded, skipped (AppendOptions)
};

struct AppendOptions {
  // Skip statements the ledger already holds (a replay, or another
  // statement of the same event: docs/format.md "Event identity") instead of
  // refusing the batch, so that a batch half landed can simply be sent again.
  bool skip_recorded = false;
};

// How `record` and `record_all` build, check and append statements.
struct RecordOptions {
  // Allow `from`, `to` or a `consignee` id that is not a registered party.
  bool unregistered = false;
  // A correction: append a void of this entry (of the same VIN) first, in the
  // same transaction, with `reason` (a default when empty).
  std::optional<Hash> corrects;
  std::string reason;
  // Run every check against the ledger as it stands, then write nothing.
  bool check_only = false;
  bool skip_recorded = false;
};

// An unsigned statement and what to call it in an error ("row 14").
struct LabelledStatement {
  std::string label;
  nlohmann::json statement;
};

// One entry as stored: its hash, its exact hashed bytes, and the parsed entry.
struct LedgerEntry {
  Hash hash{};
  std::string leaf;
  nlohmann::json entry;
  std::optional<Withdrawal> withdrawn;  // set by history(): a void withdrew it
};

// A party as registered now: its registration in force (seq) and its first
// (first_seq).
using PartyInfo = PartyVersion;

// A checkpoint the operator issued, as recorded in the ledger.
struct IssuedCheckpoint {
  std::int64_t id = 0;
  std::string issued;     // RFC 3339 UTC, when it was signed
  Checkpoint checkpoint;  // origin, size, root
  std::string note;       // the C2SP signed note, exactly as printed
};

// A signed checkpoint kept outside the ledger, and where it came from (a
// file name, for messages).
struct ExternalCheckpoint {
  std::string source;
  std::string note;
};

// An RFC 9162 consistency proof between two sizes of the log, with the
// roots it joins, all read from one snapshot.
struct ConsistencyProof {
  std::uint64_t size1 = 0;
  std::uint64_t size2 = 0;
  Hash root1{};
  Hash root2{};
  std::vector<Hash> proof;
};

// Where the next `audit --since` can start: the latest checkpoint of the
// log whose tree a clean audit verified.
struct AuditResume {
  std::uint64_t size = 0;
  std::string note;  // the signed checkpoint, as recorded
};

// The last entry of a chain (a VIN, or "party/<id>").
struct ChainHeadInfo {
  std::int64_t seq = 0;
  Hash hash{};
};

// A checkpoint of this log, as `consistency` judges it.
struct ConsistencySide {
  Checkpoint checkpoint;
  std::string note;  // the signed note, as given
};

// Two checkpoints of this log held against the log: the consistency proof
// between them, or what is wrong (TRUNCATED: a checkpoint covers more
// entries than the log has; CHECKPOINT_MISMATCH: the log does not give a
// checkpoint's root at its size). `proof` is set iff `findings` is empty.
struct ConsistencyReport {
  ConsistencySide old_side;
  ConsistencySide new_side;
  std::optional<std::vector<Hash>> proof;
  std::vector<Finding> findings;
};

struct AuditReport {
  std::int64_t size = 0;
  std::optional<Hash> root;  // the Merkle root, once the ledger keeps a tree
  std::vector<Finding> findings;
  std::int64_t first_seq = 0;         // entries before it were vouched for by --since
  std::optional<AuditResume> resume;  // only when nothing was found
};

// Knobs that tests and benchmarks turn; the defaults are what the CLI uses.
struct LedgerSettings {
  // Seconds since the epoch, for `recorded` and the future-date check.
  std::function<std::int64_t()> clock;
  // Statements dated further ahead of the clock than this are refused.
  std::int64_t max_clock_skew_seconds = 300;
  // Worker threads for signature checks; 0 = one per hardware thread.
  unsigned threads = 0;
  // Opens the file read-only (no migration, no write ever): for a witness or
  // auditor reading someone else's ledger.
  bool read_only = false;
  // For benchmarks only (the cost of the tree, bench/append_tree_bench.cpp):
  // false appends entries without extending the Merkle tree, which leaves a
  // ledger that audit, checkpoint and prove refuse. Never exposed by the CLI.
  bool maintain_tree = true;
  // For benchmarks only (the cost of the VIN index): false appends entries
  // without updating the index; the next write with it on catches up.
  bool maintain_index = true;
};

// An evidence bundle and the checkpoint its proofs are against.
struct ProvedBundle {
  Bundle bundle;
  IssuedCheckpoint checkpoint;
  bool issued_checkpoint = false;  // prove had to issue it
};

class Ledger {
 public:
  // Creates a new ledger file (refusing an existing one) whose first entry
  // registers the operator, self-signed with `operator_key`. The file is
  // built under a temporary name and linked into place complete.
  static Result<Ledger> create(const std::filesystem::path& path, const InitOptions& options,
                               const SigningKey& operator_key, LedgerSettings settings = {});
  static Result<Ledger> open(const std::filesystem::path& path, LedgerSettings settings = {});
  // Creates an empty mirror of the log whose key is `log_key` (its name is
  // the origin), copied from `source` (recorded for people). Append, record
  // and checkpoint refuse a mirror: it takes entries only from its log
  // (ledger_mirror.cpp).
  static Result<Ledger> create_mirror(const std::filesystem::path& path, const VerifierKey& log_key,
                                      std::string_view source, LedgerSettings settings = {});

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  const std::string& origin() const;
  const std::string& operator_id() const;
  // The log this ledger mirrors (create_mirror), if it is a mirror.
  const std::optional<std::string>& mirror_of() const;

  // Brings a mirror up to the checkpoint `source` serves now: fetches the
  // checkpoint, verifies it (signed by `log_key`, or by a key the operator
  // rotated to after it), proves it extends what the mirror holds (RFC 9162
  // consistency from the log's tiles), fetches the new entry bundles and
  // holds every entry to what an audit requires (hashes, both chains,
  // signatures by the key in force), rebuilds the tree and compares its
  // root. Nothing is kept unless all of that holds; a log that was
  // rewritten or truncated gives Outcome::refused with both checkpoints.
  // Errors are for what stopped the check itself (network, storage).
  Result<MirrorUpdate> mirror_from(TileSource& source, const VerifierKey& log_key, const MirrorOptions& options = {});

  // Appends one signed statement per line, all or nothing, in one
  // transaction. An error names the line (as "<source_name>:<line>: ...")
  // and leaves the ledger as it was.
  [[nodiscard]] Result<AppendReport> append(std::istream& lines, std::string_view source_name,
                                            const AppendOptions& options = {});

  // Builds the statement as prepare_unsigned does, sets `prev` (the chain's
  // current head), signs with `key` and appends, all under the write lock so
  // the head cannot move between reading and writing it. With
  // options.corrects, a void of that entry goes first in the same append.
  [[nodiscard]] Result<AppendReport> record(nlohmann::json unsigned_statement, const SigningKey& key,
                                            const RecordOptions& options = {});
  // record for many statements in one transaction, all or nothing; each is
  // linked to the head its predecessors in the batch left. An error is
  // prefixed with the statement's label.
  [[nodiscard]] Result<AppendReport> record_all(std::vector<LabelledStatement> statements, const SigningKey& key,
                                                const RecordOptions& options = {});

  // The registered party whose key in force is `key`; invalid_input if none
  // (or it is revoked).
  [[nodiscard]] Result<std::string> party_of_key(const SigningKey& key);
  // An unsigned statement as `key`'s party signs it: `actor` filled in when
  // absent and refused when it is another party; `time` converted to UTC
  // from any RFC 3339 offset (now when absent); a value's currency in ISO
  // 4217; and unless `unregistered`, each `from`, `to` or `consignee` id a
  // registered party (the error suggests the nearest registered ids).
  [[nodiscard]] Result<nlohmann::json> prepare_unsigned(nlohmann::json statement, const SigningKey& key,
                                                        bool unregistered = false);
  // Only the last check of prepare_unsigned, against the registry as loaded.
  [[nodiscard]] Status check_party_references(const nlohmann::json& statement);

  Result<std::vector<PartyInfo>> parties();
  // Revokes party `id`: re-registers it as it stands (name, country, roles,
  // key, WMIs), marked revoked, signed by `operator_key` under the write
  // lock. Its statements are refused from then on; earlier ones stand.
  // invalid_input for an unknown or already revoked party.
  Result<AppendReport> revoke_party(std::string_view id, const SigningKey& operator_key);
  // The VIN's entries in order, each marked if a void withdrew it; empty if
  // the ledger has none.
  Result<std::vector<LedgerEntry>> history(std::string_view vin);
  Result<std::optional<Hash>> head(std::string_view chain);
  // The chain's last entry, with its seq; nullopt for a chain with no entries.
  Result<std::optional<ChainHeadInfo>> chain_head(std::string_view chain);
  Result<LedgerEntry> entry(std::int64_t seq);
  Result<std::int64_t> size();

  // Re-reads every entry and re-checks hashes, both chains, signatures (by
  // the key in force at each entry), every lookup column, the stored tree,
  // and every checkpoint the ledger issued. `checkpoints` are signed
  // checkpoints kept outside (an auditor's copies): each must be signed by
  // this log's operator key, and the log must still contain its tree
  // (CHECKPOINT_MISMATCH, TRUNCATED).
  // A checkpoint that is not this log's (bad signature, other origin) is
  // invalid_input, naming its source.
  // With `since` (a checkpoint of this log an earlier clean audit verified),
  // only the entries after it are read, with a proof that the log still
  // holds its tree and extends it: the cost grows with the new entries.
  Result<AuditReport> audit(const std::vector<ExternalCheckpoint>& checkpoints = {},
                            const std::optional<ExternalCheckpoint>& since = std::nullopt);
  // The same audit of the ledger at `path`, opened without `open`'s checks
  // (its origin, its party entries), so that a damaged ledger is reported
  // finding by finding instead of refused.
  static Result<AuditReport> audit_file(const std::filesystem::path& path,
                                        const std::vector<ExternalCheckpoint>& checkpoints = {},
                                        LedgerSettings settings = {},
                                        const std::optional<ExternalCheckpoint>& since = std::nullopt);

  // The log's verifier key: the operator's key in force, named by the origin.
  Result<VerifierKey> log_key();
  // Signs a checkpoint of the whole log with `operator_key` (refused unless
  // it is the operator's key in force) and records it. When the latest
  // recorded checkpoint already covers the whole log, that one is returned:
  // the same tree signed again would give the same bytes.
  Result<IssuedCheckpoint> checkpoint(const SigningKey& operator_key);
  // Every checkpoint the ledger issued, oldest first.
  Result<std::vector<IssuedCheckpoint>> checkpoints();
  // The latest recorded checkpoint, if any.
  Result<std::optional<IssuedCheckpoint>> latest_checkpoint();

  // Witnesses' cosignatures (ledger_cosignatures.cpp). Stores those of
  // `cosigned` (a checkpoint this ledger issued, with cosignature lines)
  // made by `witnesses`, each verified first; lines by other keys are
  // ignored, a bad one by a given key refuses the copy. Returns how many
  // were new. invalid_input if the ledger did not issue that checkpoint.
  Result<std::size_t> add_cosignatures(std::string_view cosigned, std::span<const CosignerKey> witnesses);
  // The checkpoint's note with every cosignature stored for it.
  Result<std::string> cosigned_note(const IssuedCheckpoint& checkpoint);
  // The latest checkpoint with at least `min_cosignatures` stored, its note
  // with them (what a log with a witness quorum serves); none if none has.
  Result<std::optional<IssuedCheckpoint>> latest_cosigned_checkpoint(std::size_t min_cosignatures);
  // The checkpoint the log hands out (`GET /checkpoint`, `GET
  // /v1/checkpoint`): the latest recorded one with every cosignature stored
  // for it, or with `quorum` > 0 the latest one that has at least that many
  // (latest_cosigned_checkpoint). None if there is no such checkpoint.
  [[nodiscard]] Result<std::optional<IssuedCheckpoint>> published_checkpoint(std::size_t quorum = 0);

  // A C2SP tlog-tiles resource (tlog_tiles.h) as it is in the tree of
  // `tree_size` leaves: a hash tile's bytes, or an entry bundle of the
  // entries' leaf bytes (ledger_tiles.cpp). not_found if the resource is not
  // part of that tree (beyond it, or a full tile that is still partial).
  Result<std::string> tile_resource(const TileAddress& address, std::uint64_t tree_size);
  // The root of the log's tree at `size` (<= the log's size), from the
  // stored tiles.
  Result<Hash> tree_root(std::uint64_t size);

  // An evidence bundle for `vin` (ledger_prove.cpp): its entries, the party
  // entries they rely on (the registrations of every party its statements
  // name, from each one's first up to the VIN's last entry, and the
  // operator's, which signed them), each with an inclusion proof against
  // the latest recorded checkpoint with the VIN index's proof that they are all, in one snapshot.
  // When that checkpoint does not cover the VIN's last entry (or predates the index), one is issued
  // with `operator_key`; without a key that is invalid_input. A VIN the ledger has no entry
  // for gets an absence bundle (no entries, no parties, an absence proof).
  Result<ProvedBundle> prove(std::string_view vin, const SigningKey* operator_key);
  // Verifies that `signed_checkpoint` is a checkpoint of this log: this
  // origin, signed by a key the operator had at some point (a checkpoint
  // keeps the key it was signed with across rotations). invalid_input if not.
  Result<Checkpoint> open_own_checkpoint(std::string_view signed_checkpoint);
  // The consistency proof from size1 to size2 (0 < size1 <= size2 <= size),
  // with the roots at both sizes (ledger_consistency.cpp).
  Result<ConsistencyProof> consistency_proof(std::uint64_t size1, std::uint64_t size2);
  // Holds two signed checkpoints of this log (an earlier and a later one)
  // against the log: each must be this log's (open_own_checkpoint;
  // invalid_input naming its source otherwise), the earlier one of a
  // non-empty tree no larger than the later one (invalid_input otherwise).
  // Without `later`, a fresh checkpoint of the whole log is taken with
  // `operator_key` (as checkpoint() does), once the earlier one was found
  // to be this log's. A log shorter than either is TRUNCATED, a root the
  // log does not give is CHECKPOINT_MISMATCH (findings, not errors);
  // otherwise the proof.
  Result<ConsistencyReport> check_consistency(const ExternalCheckpoint& earlier,
                                              const std::optional<ExternalCheckpoint>& later,
                                              const SigningKey* operator_key = nullptr);

  // Every registration of every party (what verification judges parties by).
  Result<PartyHistory> party_history();
  // Custody and destination findings for one VIN (ledger_verify.cpp); a
  // VIN with no entry gets the NO_RECORD finding.
  Result<VehicleReport> verify(std::string_view vin, const ReferenceData& reference, const VerifyOptions& options);
  // verify over every VIN, streamed in VIN order through `each_vehicle`
  // (its first error stops the screen), from one read snapshot.
  Result<ScreenSummary> screen(const ReferenceData& reference, const VerifyOptions& options,
                               const std::function<Status(const VehicleReport&)>& each_vehicle);

 private:
  struct Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);
  // create's work at the temporary path; the file is closed on return.
  [[nodiscard]] static Status build(const std::filesystem::path& path, const InitOptions& options,
                                    const SigningKey& operator_key, LedgerSettings settings);
  std::unique_ptr<Impl> impl_;
};

// The check of prepare_unsigned's registered ids on its own, against a list
// of registered party ids (a registry read from a server): invalid_input
// naming the field and the nearest registered ids.
[[nodiscard]] Status check_party_references_in(const nlohmann::json& statement,
                                               const std::vector<std::string>& registered_ids);

// What Ledger::prepare_unsigned does once it knows the key's party, for a
// caller that learnt the party and the registered ids elsewhere (`sign
// --server` and `record --server`, from the server's party list): `actor`
// filled in with `party` or refused when it names another, `time` in UTC
// (`now` when absent), a value's currency in ISO 4217, and unless
// `unregistered` each party the statement names among `registered_ids`.
[[nodiscard]] Result<nlohmann::json> prepare_statement_for(nlohmann::json statement, std::string_view party,
                                                           const std::vector<std::string>& registered_ids,
                                                           bool unregistered, std::int64_t now);

}  // namespace vinledger
