// GroupCommitter (group_commit.h): requests are verified on the pool, then
// written by one committer thread, a group per transaction.
#include "vinledger/group_commit.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "append.h"
#include "event_index.h"
#include "ledger_impl.h"
#include "line_reader.h"
#include "merkle_tree.h"
#include "party_registry.h"
#include "store.h"
#include "thread_pool.h"
#include "vinledger/timestamp.h"
#include "vinledger/tlog_proof.h"

namespace vinledger {
namespace {

// Statements one pool job checks: a batch is spread over every core, and
// a single statement is one job.
constexpr std::size_t kLinesPerJob = 64;

// A request on its way: its statements, checked on the pool, then written.
struct Request {
  std::vector<PreparedStatement> items;  // in line order
  std::optional<Refusal> refused;        // refused before any statement was checked
  std::size_t statements = 0;            // what admission counted
  std::function<void(SubmitResult)> done;
  std::atomic<std::size_t> jobs_left{0};
};

// Splits a request body into its statements as `append` reads a file.
Result<std::vector<InputLine>> statement_lines(std::string body, bool single) {
  std::vector<InputLine> lines;
  if (single) {
    if (body.size() > kMaxStatementBytes)
      return invalid_input("the statement is longer than " + std::to_string(kMaxStatementBytes) + " bytes");
    lines.push_back(InputLine{1, std::move(body)});
    return lines;
  }
  std::istringstream in(std::move(body));
  LineReader reader(in, kMaxStatementBytes);
  InputLine line;
  for (;;) {
    auto more = reader.next(line);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    if (line.text.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines carry nothing
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return invalid_input("the request holds no statements");
  return lines;
}

// Statements in a body, for admission: a cheap upper bound (its lines).
std::size_t count_lines(std::string_view body, bool single) {
  if (single) return 1;
  std::size_t lines = 1;
  for (const char* at = body.data(); (at = static_cast<const char*>(std::memchr(at, '\n', body.data() + body.size() - at)));
       ++at)
    ++lines;
  return lines;
}

// What the committer learns about one request of a group.
struct Outcome {
  std::optional<Refusal> refused;
  bool recorded_now = false;
  std::vector<std::pair<std::int64_t, std::int64_t>> seqs;  // (line, seq)
  std::vector<Hash> hashes;                                 // entry hash per seq
  std::vector<std::string> leaves;                          // entry bytes per seq
  std::vector<TlogProof> proofs;                            // the receipts, not yet written as text
};

std::int64_t issued_seconds(const std::string& issued) {
  auto time = parse_timestamp(issued);
  return time ? time->seconds : 0;
}

}  // namespace

struct GroupCommitter::Impl {
  // Set at open, then the committer thread's alone.
  std::unique_ptr<Store> store;
  GroupCommitOptions options;
  std::string origin;
  SigningKey operator_key;
  PartyRegistry parties;
  std::int64_t known_size = 0;  // the log's size after our last group
  // The checkpoints' key endorsement lines, which read and parse the whole
  // party log: kept between groups for the operator's registration in
  // force they were read under (its seq). They change only with a new
  // operator registration, which gives that registration a new seq
  // whether this server or another writer appended it (`parties` is read
  // again when the log grew beside us).
  std::optional<std::pair<std::int64_t, std::vector<std::string>>> endorsements;

  mutable std::mutex mutex;
  std::condition_variable wake;  // the committer: requests are ready, or we stop
  std::condition_variable idle;  // stop(): nothing left in verification
  std::deque<std::shared_ptr<Request>> ready;
  std::size_t verifying = 0;  // requests taken, not yet ready
  std::size_t answering = 0;  // requests committed (or failed), not yet answered
  std::condition_variable answered;  // stop(): every answer is given
  bool stopping = false;
  PartySnapshot snapshot;  // what the pool verifies against
  CommitterState state;

  std::thread committer;
  // Last: destroyed (joined) first, while everything its jobs touch lives.
  std::unique_ptr<ThreadPool> pool;

  Impl(std::unique_ptr<Store> store_in, GroupCommitOptions options_in, std::string origin_in, SigningKey key)
      : store(std::move(store_in)),
        options(std::move(options_in)),
        origin(std::move(origin_in)),
        operator_key(std::move(key)) {}

  void verify(const std::shared_ptr<Request>& request, std::vector<InputLine> lines, const PartySnapshot& parties);
  void make_ready(const std::shared_ptr<Request>& request);
  void run();
  void commit_group(std::vector<std::shared_ptr<Request>>& group);
  void answer(std::vector<std::shared_ptr<Request>>& group, std::vector<std::optional<SubmitResult>>& results,
              std::vector<Outcome>* outcomes = nullptr);
};

GroupCommitter::GroupCommitter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GroupCommitter::~GroupCommitter() { stop(); }

Result<std::unique_ptr<GroupCommitter>> GroupCommitter::open(const std::filesystem::path& path,
                                                             const SigningKey& operator_key,
                                                             GroupCommitOptions options) {
  if (!options.settings.clock) options.settings.clock = now_seconds;
  if (options.settings.read_only) return invalid_input("a read-only ledger takes no statements");
  auto store = Store::open(path, Store::OpenMode::kExisting, fill_event_index);
  if (!store) return std::unexpected(store.error());
  if (auto tuned = (*store)->tune_for_group_commit(); !tuned) return std::unexpected(tuned.error());
  auto origin = (*store)->meta(kOriginKey);
  if (!origin) return std::unexpected(origin.error());
  if (!*origin) return storage_error(path.string() + " is not a vinledger ledger (it has no origin)");
  // A mirror takes entries only from the log it copies (`vinledger mirror`).
  auto mirror_of = (*store)->meta(kMirrorOfKey);
  if (!mirror_of) return std::unexpected(mirror_of.error());
  if (*mirror_of)
    return invalid_input("this ledger is a mirror of " + **mirror_of +
                         ": it takes entries and checkpoints only from that log (`vinledger mirror`)");
  auto registry = PartyRegistry::load(**store);
  if (!registry) return std::unexpected(registry.error());
  if (auto ok = check_operator_key(*registry, operator_key, **origin); !ok) return std::unexpected(ok.error());
  auto size = (*store)->size();
  if (!size) return std::unexpected(size.error());
  auto latest = (*store)->latest_checkpoint();
  if (!latest) return std::unexpected(latest.error());

  auto impl = std::make_unique<Impl>(std::move(*store), std::move(options), std::move(**origin), operator_key);
  impl->parties = std::move(*registry);
  impl->known_size = *size;
  impl->snapshot = impl->parties.snapshot();
  impl->state.size = *size;
  if (*latest) {
    impl->state.checkpoint_size = (*latest)->size;
    impl->state.checkpoint_issued = issued_seconds((*latest)->issued);
  }
  impl->pool = std::make_unique<ThreadPool>(impl->options.settings.threads);
  Impl* raw = impl.get();
  impl->committer = std::thread([raw] { raw->run(); });
  return std::unique_ptr<GroupCommitter>(new GroupCommitter(std::move(impl)));
}

GroupCommitter::Admission GroupCommitter::submit(std::string body, bool single,
                                                 std::function<void(SubmitResult)> done) {
  auto request = std::make_shared<Request>();
  request->statements = count_lines(body, single);
  request->done = std::move(done);
  PartySnapshot parties;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return Admission::stopped;
    // One request larger than the bound is still taken when nothing else
    // waits (the body limit bounds it); otherwise the bound holds.
    const std::size_t pending = impl_->state.pending_statements;
    if (pending > 0 && pending + request->statements > impl_->options.max_pending_statements)
      return Admission::overloaded;
    impl_->state.pending_statements += request->statements;
    ++impl_->verifying;
    parties = impl_->snapshot;
  }
  Impl* impl = impl_.get();
  impl->pool->submit([impl, request, body = std::move(body), single, parties]() mutable {
    auto lines = statement_lines(std::move(body), single);
    if (!lines) {
      request->refused = Refusal{lines.error(), 0, {}};
      impl->make_ready(request);
      return;
    }
    impl->verify(request, std::move(*lines), parties);
  });
  return Admission::accepted;
}

// Spreads the request's statements over the pool; the job that finishes
// last hands the request to the committer.
void GroupCommitter::Impl::verify(const std::shared_ptr<Request>& request, std::vector<InputLine> lines,
                                  const PartySnapshot& parties) {
  const std::size_t count = lines.size();
  request->items.resize(count);
  const std::size_t jobs = (count + kLinesPerJob - 1) / kLinesPerJob;
  request->jobs_left = jobs;
  auto shared_lines = std::make_shared<std::vector<InputLine>>(std::move(lines));
  auto job = [this, request, shared_lines, parties](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      request->items[i] = prepare_statement((*shared_lines)[i].number, (*shared_lines)[i].text, parties);
    if (--request->jobs_left == 0) make_ready(request);
  };
  // This thread is a pool worker already: it takes the first job itself.
  for (std::size_t j = 1; j < jobs; ++j)
    pool->submit([job, j, count] { job(j * kLinesPerJob, std::min(count, (j + 1) * kLinesPerJob)); });
  job(0, std::min(count, kLinesPerJob));
}

void GroupCommitter::Impl::make_ready(const std::shared_ptr<Request>& request) {
  std::lock_guard lock(mutex);
  ready.push_back(request);
  --verifying;
  wake.notify_one();
  if (verifying == 0) idle.notify_all();
}

void GroupCommitter::Impl::run() {
  for (;;) {
    std::vector<std::shared_ptr<Request>> group;
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return !ready.empty() || (stopping && verifying == 0); });
      if (ready.empty()) return;  // stopping, and nothing is left
      std::size_t statements = 0;
      while (!ready.empty() && (group.empty() || statements + ready.front()->items.size() <= options.max_group_statements)) {
        statements += ready.front()->items.size();
        group.push_back(std::move(ready.front()));
        ready.pop_front();
      }
    }
    commit_group(group);
  }
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->wake.notify_one();
  }
  if (impl_->committer.joinable()) impl_->committer.join();
  // Every request taken has its answer before stop() returns.
  std::unique_lock lock(impl_->mutex);
  impl_->answered.wait(lock, [&] { return impl_->answering == 0; });
}

CommitterState GroupCommitter::state() const {
  std::lock_guard lock(impl_->mutex);
  CommitterState state = impl_->state;
  state.ready_requests = impl_->ready.size();
  return state;
}

namespace {

// A request whose statements are all in the ledger already: a retry.
Result<bool> find_recorded(Store& store, const Request& request, Outcome& outcome) {
  if (request.items.empty()) return false;
  for (const auto& item : request.items) {
    if (!item.statement) return false;
    auto seq = store.seq_of_statement(item.statement_hash);
    if (!seq) return std::unexpected(seq.error());
    if (!*seq) return false;
    outcome.seqs.emplace_back(item.line, **seq);
  }
  for (const auto& [line, seq] : outcome.seqs) {
    auto row = store.entry_at(seq);
    if (!row) return std::unexpected(row.error());
    if (!*row) return internal_error("entry " + std::to_string(seq) + " vanished inside a transaction");
    outcome.hashes.push_back((*row)->hash);
    outcome.leaves.push_back(std::move((*row)->leaf));
  }
  return true;
}

std::string actors_of(const Request& request) {
  std::string actors;
  std::vector<std::string_view> seen;
  for (const auto& item : request.items) {
    if (!item.statement) continue;
    const std::string& actor = item.statement->actor;
    if (std::find(seen.begin(), seen.end(), actor) != seen.end()) continue;
    seen.push_back(actor);
    actors += (actors.empty() ? "" : ",") + actor;
  }
  return actors;
}

bool fails_everyone(const Error& error) {
  return error.kind == ErrorKind::storage || error.kind == ErrorKind::internal;
}

}  // namespace

// One transaction: every request of the group in its own savepoint, one
// checkpoint over the result, the receipts, one commit.
void GroupCommitter::Impl::commit_group(std::vector<std::shared_ptr<Request>>& group) {
  std::vector<Outcome> outcomes(group.size());
  std::vector<std::optional<SubmitResult>> results(group.size());
  auto fail_all = [&](const Error& error) {
    store->rollback();
    parties = PartyRegistry();  // may hold registrations of the rolled-back group
    known_size = -1;            // reload it next time
    endorsements.reset();       // may have been read with them
    for (std::size_t i = 0; i < group.size(); ++i)
      results[i] = std::unexpected(outcomes[i].refused ? *outcomes[i].refused : Refusal{error, 0, {}});
    answer(group, results);
  };

  if (auto ok = store->begin_write(); !ok) return fail_all(ok.error());
  // Another writer (an `append` beside the server) may have registered
  // parties since our last group: then read the registry again.
  auto size = store->size();
  if (!size) return fail_all(size.error());
  if (*size != known_size) {
    auto registry = PartyRegistry::load(*store);
    if (!registry) return fail_all(registry.error());
    parties = std::move(*registry);
  }
  Appender appender(*store, parties, options.settings, origin);
  if (auto ok = appender.start(); !ok) return fail_all(ok.error());

  bool wrote = false;
  for (std::size_t i = 0; i < group.size(); ++i) {
    Request& request = *group[i];
    Outcome& outcome = outcomes[i];
    if (request.refused) {
      outcome.refused = request.refused;
      continue;
    }
    // A single statement that fails leaves nothing to undo (add checks
    // everything before it writes); a batch needs a savepoint.
    const bool batch = request.items.size() > 1;
    std::optional<Appender::Mark> mark;
    if (batch) {
      if (auto ok = store->savepoint(); !ok) return fail_all(ok.error());
      mark = appender.mark();
    }
    for (auto& item : request.items) {
      if (auto added = appender.add(item); !added) {
        if (fails_everyone(added.error())) return fail_all(added.error());
        outcome.refused = Refusal{added.error(), item.line, {}};
        break;
      }
      outcome.seqs.emplace_back(item.line, appender.report().first_seq + appender.report().count - 1);
      outcome.hashes.push_back(*appender.last_hash());
      outcome.leaves.push_back(appender.last_leaf());
    }
    if (outcome.refused) {
      outcome.seqs.clear();
      outcome.hashes.clear();
      outcome.leaves.clear();
      if (batch) {
        if (auto ok = store->rollback_to(); !ok) return fail_all(ok.error());
        appender.rewind(std::move(*mark));
      }
      // A retry of the same signed bytes fails at its first line (a
      // replay, or a key rotated since): then it may be all recorded, and
      // is answered as the first time. Looked up only on a refusal, so a
      // new statement costs no extra query.
      if (outcome.refused->line == request.items.front().line) {
        Outcome recorded;
        auto retried = find_recorded(*store, request, recorded);
        if (!retried) return fail_all(retried.error());
        if (*retried) outcome = std::move(recorded);
      }
      continue;
    }
    if (batch)
      if (auto ok = store->release(); !ok) return fail_all(ok.error());
    outcome.recorded_now = true;
    wrote = true;
  }

  // The checkpoint every new entry is proved against; retries are proved
  // against the first one that covered them (issued now if none did).
  const std::uint64_t log_size = static_cast<std::uint64_t>(appender.report().first_seq + appender.report().count);
  if (auto ok = appender.finish(); !ok) return fail_all(ok.error());
  TiledMerkleTree* tree = appender.tree();
  if (!tree) return fail_all(Error{ErrorKind::internal, "the group committer needs the Merkle tree"});
  std::optional<IssuedCheckpoint> issued;
  auto issue = [&]() -> Status {
    auto root = tree->root();
    if (!root) return std::unexpected(root.error());
    const PartyVersion* in_force = parties.find(parties.operator_id());
    if (in_force && (!endorsements || endorsements->first != in_force->seq)) {
      auto lines = endorsement_lines(*store, origin);
      if (!lines) return std::unexpected(lines.error());
      endorsements.emplace(in_force->seq, std::move(*lines));
    }
    auto recorded = record_checkpoint(*store, parties, origin, operator_key, log_size, *root, options.settings.clock(),
                                      in_force ? &endorsements->second : nullptr);
    if (!recorded) return std::unexpected(recorded.error());
    issued = std::move(*recorded);
    return {};
  };
  if (wrote)
    if (auto ok = issue(); !ok) return fail_all(ok.error());

  // seq -> the checkpoint its receipt is against, by size.
  std::map<std::uint64_t, std::string> notes;
  std::map<std::uint64_t, std::vector<std::uint64_t>> seqs_by_size;
  std::vector<std::vector<std::uint64_t>> size_of(group.size());
  for (std::size_t i = 0; i < group.size(); ++i) {
    for (const auto& [line, seq] : outcomes[i].seqs) {
      std::uint64_t covering = 0;
      if (outcomes[i].recorded_now) {
        covering = issued->checkpoint.size;
        notes.emplace(covering, issued->note);
      } else {
        auto first = store->first_checkpoint_covering(seq);
        if (!first) return fail_all(first.error());
        if (!*first) {
          if (!issued)
            if (auto ok = issue(); !ok) return fail_all(ok.error());
          covering = issued->checkpoint.size;
          notes.emplace(covering, issued->note);
        } else {
          // A retry is proved against the checkpoint its first answer
          // gave, now with the cosignatures the log holds for it.
          covering = static_cast<std::uint64_t>((*first)->size);
          if (!notes.contains(covering)) {
            auto note = note_with_cosignatures(*store, (*first)->id, (*first)->note);
            if (!note) return fail_all(note.error());
            notes.emplace(covering, std::move(*note));
          }
        }
      }
      size_of[i].push_back(covering);
      seqs_by_size[covering].push_back(static_cast<std::uint64_t>(seq));
    }
  }
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<Hash>> proofs;  // (size, seq) -> proof
  for (const auto& [covering, seqs] : seqs_by_size) {
    auto computed = tree->inclusion_proofs(seqs, covering);
    if (!computed) return fail_all(computed.error());
    for (std::size_t k = 0; k < seqs.size(); ++k) proofs[{covering, seqs[k]}] = std::move((*computed)[k]);
  }
  std::vector<Submitted> submitted(group.size());
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (outcomes[i].refused) continue;
    submitted[i].recorded_now = outcomes[i].recorded_now;
    for (std::size_t k = 0; k < outcomes[i].seqs.size(); ++k) {
      const auto [line, seq] = outcomes[i].seqs[k];
      const std::uint64_t covering = size_of[i][k];
      // Written as text by answer(), off this thread.
      outcomes[i].proofs.push_back(TlogProof{{}, static_cast<std::uint64_t>(seq),
                                             std::move(proofs[{covering, static_cast<std::uint64_t>(seq)}]),
                                             notes[covering]});
      submitted[i].receipts.push_back(Receipt{line, seq, outcomes[i].hashes[k], std::move(outcomes[i].leaves[k]), {}});
    }
  }
  if (auto ok = store->commit(); !ok) return fail_all(ok.error());

  known_size = static_cast<std::int64_t>(log_size);
  {
    std::lock_guard lock(mutex);
    snapshot = parties.snapshot();
    state.size = known_size;
    if (issued) {
      state.checkpoint_size = static_cast<std::int64_t>(issued->checkpoint.size);
      state.checkpoint_issued = issued_seconds(issued->issued);
      ++state.groups;
    }
    state.statements += static_cast<std::uint64_t>(appender.report().count);
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (outcomes[i].refused) results[i] = std::unexpected(*outcomes[i].refused);
    else results[i] = std::move(submitted[i]);
  }
  answer(group, results, &outcomes);
}

// The answers are written on the pool: the receipts' text and the caller's
// rendering of it (`done`) take a third of the committer's time for large
// batches, and the committer is the one thread every statement waits for.
// A receipt that cannot be written (a defect: format_tlog_proof reads back
// what it wrote) fails its request after the commit; a retry of the same
// bytes answers with its receipts, as after a lost answer.
void GroupCommitter::Impl::answer(std::vector<std::shared_ptr<Request>>& group,
                                  std::vector<std::optional<SubmitResult>>& results, std::vector<Outcome>* outcomes) {
  {
    std::lock_guard lock(mutex);
    for (const auto& request : group) state.pending_statements -= request->statements;
    answering += group.size();
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    std::vector<TlogProof> proofs = outcomes ? std::move((*outcomes)[i].proofs) : std::vector<TlogProof>{};
    pool->submit([this, request = std::move(group[i]), result = std::move(*results[i]),
                  proofs = std::move(proofs)]() mutable {
      // Counted off on every way out, a throwing `done` included, so that
      // stop() never waits for an answer that is not coming.
      struct Answered {
        Impl& impl;
        ~Answered() {
          std::lock_guard lock(impl.mutex);
          if (--impl.answering == 0) impl.answered.notify_all();
        }
      } answered_once{*this};
      if (result)
        for (std::size_t k = 0; k < proofs.size() && result; ++k) {
          auto text = format_tlog_proof(proofs[k]);
          if (text) {
            result->receipts[k].tlog_proof = std::move(*text);
          } else {
            result = std::unexpected(
                Refusal{Error{ErrorKind::internal, "cannot write a receipt: " + text.error().message}, 0, {}});
          }
        }
      if (result) result->actors = actors_of(*request);
      else result.error().actors = actors_of(*request);
      request->done(std::move(result));
    });
  }
}

}  // namespace vinledger
