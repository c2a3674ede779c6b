// Group commit: the write path of one ledger shared by many concurrent
// requests (the HTTP API's POST /v1/statements, docs/api.md).
//
// Each request is a batch of signed statements, taken all or nothing with
// exactly the checks of Ledger::append. Its statements are parsed and their
// signatures verified on a pool of threads (one per core); one committer
// thread then writes the requests that are ready, in one transaction (one
// fsync) per group, each request inside its own savepoint so that a request
// refused half-way leaves nothing while the others of its group stand. A
// request checked after another of the same group sees it: two requests
// extending the same head are one success and one `prev` conflict, as if
// they had come one after the other.
//
// Every group that writes also signs and records a checkpoint of the whole
// log with the operator's key, and each recorded statement is answered with
// a receipt: a C2SP tlog-proof of its entry against that checkpoint,
// checkable offline with the log's key. A request whose statements are all
// in the ledger already (a retry of the same signed bytes) is answered with
// the original seqs and receipts (the proofs against the first checkpoint
// that covered them), and writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/ledger.h"
#include "vinledger/result.h"

namespace vinledger {

// One recorded statement and the proof of it.
struct Receipt {
  std::int64_t line = 0;   // its line in the request (1 for a single statement)
  std::int64_t seq = 0;    // its entry
  Hash hash{};             // the entry hash (RFC 6962 leaf hash of `leaf`)
  std::string leaf;        // the entry's exact hashed bytes (JCS)
  std::string tlog_proof;  // C2SP tlog-proof of the entry against a signed checkpoint
};

// A request's statements, recorded (now, or by an earlier request with the
// same signed bytes).
struct Submitted {
  bool recorded_now = true;  // false: all were in the ledger already
  std::vector<Receipt> receipts;
  std::string actors;  // the signers, comma-separated, in order of first appearance (for logs)
};

// Why a request was refused; nothing of it was written. The error's kind
// is what the ledger refuses it for (invalid_input: malformed; forbidden:
// not authentic; conflict: `prev` or a replay; storage, internal).
struct Refusal {
  Error error;
  std::int64_t line = 0;  // the request's line at fault; 0 when not about one line
  std::string actors;     // as in Submitted, as far as the statements could be read
};

using SubmitResult = std::expected<Submitted, Refusal>;

struct GroupCommitOptions {
  LedgerSettings settings;
  // Statements taken but not yet answered, over all requests; a request
  // that would go beyond is not taken (`overloaded`), so memory is bounded.
  std::size_t max_pending_statements = 65536;
  // Statements written in one transaction at most (a request is never split).
  std::size_t max_group_statements = 16384;
};

// What the log looks like after the latest group, for metrics.
struct CommitterState {
  std::int64_t size = 0;                 // entries in the log
  std::int64_t checkpoint_size = 0;      // size of the latest checkpoint issued or seen
  std::int64_t checkpoint_issued = 0;    // when it was issued, seconds since the epoch (0: none)
  std::uint64_t groups = 0;              // transactions committed
  std::uint64_t statements = 0;          // statements recorded
  std::size_t pending_statements = 0;    // taken, not yet answered
  std::size_t ready_requests = 0;        // checked, waiting for the committer
};

class GroupCommitter {
 public:
  // Opens the ledger at `path` for writing. `operator_key` must be the
  // operator's key in force (it signs every group's checkpoint);
  // invalid_input if not.
  static Result<std::unique_ptr<GroupCommitter>> open(const std::filesystem::path& path, const SigningKey& operator_key,
                                                      GroupCommitOptions options = {});
  ~GroupCommitter();  // stop()
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  enum class Admission { accepted, overloaded, stopped };

  // Takes one request; thread-safe, never waits for the ledger. `body`
  // holds the statements: one JSON text when `single`, else JSON Lines
  // (blank lines skipped, "\r\n" allowed, lines over kMaxStatementBytes
  // refused). On `accepted`, `done` is called exactly once, on a pool
  // thread, when the request's statements are durable or refused; it must
  // not block (calls for different requests may run at the same time).
  // Otherwise `done` is never called.
  Admission submit(std::string body, bool single, std::function<void(SubmitResult)> done);

  // Stops taking requests, answers every request already taken (writing
  // what passes), then returns once every `done` has returned. Safe to
  // call more than once; never from inside a `done`.
  void stop();

  CommitterState state() const;

 private:
  struct Impl;
  explicit GroupCommitter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinledger
