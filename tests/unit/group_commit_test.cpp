// GroupCommitter: requests committed together stay all or nothing each, see
// each other in order, answer retries with their first receipts, and every
// receipt proves its entry against a checkpoint signed by the log's key.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <chrono>
#include <future>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "process.h"
#include "unit_ledger.h"
#include "vinledger/canonical_json.h"
#include "vinledger/checkpoint.h"
#include "vinledger/encoding.h"
#include "vinledger/group_commit.h"
#include "vinledger/vin_index.h"
#include "vinledger/json.h"
#include "vinledger/ledger.h"
#include "vinledger/receipt.h"
#include "vinledger/signing.h"
#include "vinledger/vin.h"

using namespace vinledger;
using nlohmann::json;

namespace {

using vinledger::testing::fixed_clock;
using vinledger::testing::numbered_vin;

json manufacture(int n) { return vinledger::testing::manufacture_statement(n); }

json transfer(int n, int doc) {
  return {{"type", "transfer"}, {"vin", numbered_vin(n)}, {"time", "2025-02-01T00:00:00Z"}, {"actor", "maker"},
          {"from", "maker"},    {"to", "maker"},     {"country", "JP"},                 {"doc", "D-" + std::to_string(doc)}};
}

// One signed statement, as a single-statement request's body.
std::string signed_text(json statement, const SigningKey& key) {
  std::string line = vinledger::testing::signed_line(std::move(statement), key);
  line.pop_back();
  return line;
}

struct Fixture {
  vinledger::testing::TempDir dir;
  std::filesystem::path path = dir.path() / "l.db";
  SigningKey operator_key = SigningKey::generate();
  SigningKey maker_key = SigningKey::generate();
  VerifierKey log_key = operator_key.verifier(vinledger::testing::kUnitOrigin);

  Fixture() {
    auto ledger = vinledger::testing::create_unit_ledger(path, operator_key);
    REQUIRE(ledger.record(vinledger::testing::maker_registration(maker_key), operator_key));
  }

  std::unique_ptr<GroupCommitter> committer() {
    GroupCommitOptions options;
    options.settings = fixed_clock();
    auto opened = GroupCommitter::open(path, operator_key, options);
    REQUIRE(opened);
    return std::move(*opened);
  }

  Ledger ledger() {
    auto opened = Ledger::open(path, fixed_clock());
    REQUIRE(opened);
    return std::move(*opened);
  }
};

// Submits and returns a future of the answer.
std::future<SubmitResult> submit(GroupCommitter& committer, std::string body, bool single) {
  auto promise = std::make_shared<std::promise<SubmitResult>>();
  auto future = promise->get_future();
  auto admitted = committer.submit(std::move(body), single, [promise](SubmitResult result) { promise->set_value(std::move(result)); });
  REQUIRE(admitted == GroupCommitter::Admission::accepted);
  return future;
}

// Holds the ledger's write lock from another connection, so that the
// committer waits and the requests submitted meanwhile form one group.
struct WriteLock {
  SQLite::Database db;
  explicit WriteLock(const std::filesystem::path& path) : db(path, SQLite::OPEN_READWRITE, 60000) {
    db.exec("BEGIN IMMEDIATE");
  }
  void release() { db.exec("ROLLBACK"); }
};

void wait_until_ready(GroupCommitter& committer, std::size_t requests) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (committer.state().ready_requests < requests) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void check_receipts(const Submitted& submitted, const VerifierKey& log_key) {
  for (const auto& receipt : submitted.receipts) {
    auto verified = verify_receipt(json::parse(receipt.leaf), receipt.tlog_proof, log_key);
    INFO(receipt.tlog_proof);
    REQUIRE(verified);
    CHECK(verified->seq == receipt.seq);
    CHECK(verified->hash == receipt.hash);
  }
}

}  // namespace

TEST_CASE_METHOD(Fixture, "a single statement is recorded with a receipt that verifies offline", "[group-commit]") {
  auto committer = this->committer();
  auto answer = submit(*committer, signed_text(manufacture(1), maker_key), true).get();
  REQUIRE(answer);
  CHECK(answer->recorded_now);
  REQUIRE(answer->receipts.size() == 1);
  CHECK(answer->receipts[0].seq == 2);
  CHECK(answer->receipts[0].line == 1);
  CHECK(answer->actors == "maker");
  check_receipts(*answer, log_key);
  // The checkpoint it is proved against is recorded, and covers the log.
  auto ledger = this->ledger();
  auto latest = ledger.latest_checkpoint();
  REQUIRE(latest);
  REQUIRE(*latest);
  CHECK((*latest)->checkpoint.size == 3);
  CHECK(answer->receipts[0].tlog_proof.find((*latest)->note) != std::string::npos);
  auto audit = ledger.audit();
  REQUIRE(audit);
  CHECK(audit->findings.empty());
}

// What the write API's answer was before it was written directly: a json
// document with each entry parsed, printed by json_text.
std::string answer_as_document(const Submitted& submitted) {
  json statements = json::array();
  for (const auto& receipt : submitted.receipts)
    statements.push_back({{"line", receipt.line},
                          {"seq", receipt.seq},
                          {"hash", to_hex(receipt.hash)},
                          {"entry", json::parse(receipt.leaf)},
                          {"receipt", receipt.tlog_proof}});
  return json_text({{"recorded", submitted.recorded_now}, {"statements", std::move(statements)}});
}

TEST_CASE_METHOD(Fixture, "the write API's answer puts each entry in as it was hashed, as a json document prints it",
                 "[group-commit]") {
  auto committer = this->committer();
  const std::string batch = signed_text(manufacture(1), maker_key) + "\n" + signed_text(manufacture(2), maker_key) + "\n";
  auto answer = submit(*committer, batch, false).get();
  REQUIRE(answer);
  REQUIRE(answer->receipts.size() == 2);
  // An entry with what JCS and a json document could print differently if
  // they disagreed: text beyond ASCII, a control character, quotes, nesting.
  auto odd = canonical_json(json{{"b", "Z\u00fcrich \u0001 \"q\" \\ \xe2\x82\xac"}, {"a", json::array({1, json{{"z", nullptr}}})}});
  REQUIRE(odd);
  answer->receipts.push_back(Receipt{3, 9, answer->receipts[0].hash, *odd, "c2sp.org/tlog-proof@v1\nline \"two\"\n"});
  const std::string text = submitted_json_text(*answer);
  CHECK(text == answer_as_document(*answer));
  for (const auto& receipt : answer->receipts) CHECK(text.find(receipt.leaf) != std::string::npos);
  answer->recorded_now = false;
  CHECK(submitted_json_text(*answer) == answer_as_document(*answer));
  answer->receipts.clear();
  CHECK(submitted_json_text(*answer) == answer_as_document(*answer));
}

TEST_CASE_METHOD(Fixture, "the same signed bytes again answer the first receipts and write nothing", "[group-commit]") {
  auto committer = this->committer();
  std::string batch;
  for (int n = 0; n < 5; ++n) batch += signed_text(manufacture(n), maker_key) + "\n";
  auto first = submit(*committer, batch, false).get();
  REQUIRE(first);
  CHECK(first->recorded_now);
  // Something else is recorded in between: the retry's proofs must still be
  // against the checkpoint the first answer gave.
  REQUIRE(submit(*committer, signed_text(manufacture(99), maker_key), true).get());
  auto again = submit(*committer, batch, false).get();
  REQUIRE(again);
  CHECK_FALSE(again->recorded_now);
  REQUIRE(again->receipts.size() == first->receipts.size());
  for (std::size_t i = 0; i < first->receipts.size(); ++i) {
    CHECK(again->receipts[i].seq == first->receipts[i].seq);
    CHECK(again->receipts[i].hash == first->receipts[i].hash);
    CHECK(again->receipts[i].tlog_proof == first->receipts[i].tlog_proof);
    CHECK(again->receipts[i].leaf == first->receipts[i].leaf);
  }
  committer->stop();
  auto size = this->ledger().size();
  REQUIRE(size);
  CHECK(*size == 2 + 5 + 1);
}

TEST_CASE_METHOD(Fixture, "a retry's receipts carry the cosignatures the log has stored since", "[group-commit][witness]") {
  auto committer = this->committer();
  const std::string statement = signed_text(manufacture(7), maker_key);
  auto first = submit(*committer, statement, true).get();
  REQUIRE(first);
  REQUIRE(first->receipts.size() == 1);

  // A witness cosigns the checkpoint the receipt is against; the log stores it.
  auto ledger = this->ledger();
  auto latest = ledger.latest_checkpoint();
  REQUIRE(latest);
  REQUIRE(*latest);
  CHECK(first->receipts[0].tlog_proof.find((*latest)->note) != std::string::npos);
  auto parsed = parse_unverified_checkpoint((*latest)->note);
  REQUIRE(parsed);
  const SigningKey witness_key = SigningKey::generate();
  auto cosignature = cosign_checkpoint(parsed->checkpoint, witness_key, "witness.example/w1", vinledger::testing::kFixedNow);
  REQUIRE(cosignature);
  parsed->note.signatures.push_back(*cosignature);
  auto cosigned = format_signed_note(parsed->note);
  REQUIRE(cosigned);
  const std::vector<CosignerKey> witnesses{CosignerKey::from_public_key("witness.example/w1", witness_key.public_key())};
  auto added = ledger.add_cosignatures(*cosigned, witnesses);
  REQUIRE(added);
  REQUIRE(*added == 1);

  auto again = submit(*committer, statement, true).get();
  REQUIRE(again);
  CHECK_FALSE(again->recorded_now);
  REQUIRE(again->receipts.size() == 1);
  CHECK(again->receipts[0].seq == first->receipts[0].seq);
  INFO(again->receipts[0].tlog_proof);
  CHECK(again->receipts[0].tlog_proof.find(*cosigned) != std::string::npos);
  CHECK(first->receipts[0].tlog_proof.find("witness.example/w1") == std::string::npos);
  check_receipts(*again, log_key);
}

TEST_CASE_METHOD(Fixture, "requests committed in one group are each all or nothing", "[group-commit]") {
  auto committer = this->committer();
  // The first vehicle exists before the group.
  auto made = submit(*committer, signed_text(manufacture(1), maker_key), true).get();
  REQUIRE(made);
  const std::string head = to_hex(made->receipts[0].hash);

  WriteLock lock(path);
  auto blocked = submit(*committer, signed_text(manufacture(2), maker_key), true);
  // Two transfers of vehicle 1 that both claim the current head: one wins.
  json first = transfer(1, 1), second = transfer(1, 2);
  first["prev"] = head;
  second["prev"] = head;
  // A batch whose third line is refused: its first two must not stay.
  json bad = manufacture(4);
  bad["actor"] = "nobody";
  const std::string broken = signed_text(manufacture(3), maker_key) + "\n" + signed_text(transfer(3, 9), maker_key) +
                             "\n" + signed_text(bad, maker_key) + "\n";
  const std::string good = signed_text(manufacture(5), maker_key) + "\n" + signed_text(transfer(5, 7), maker_key) + "\n";
  // One more wait so that the blocked group has taken `blocked` alone.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto a = submit(*committer, signed_text(first, maker_key), true);
  auto b = submit(*committer, signed_text(second, maker_key), true);
  auto c = submit(*committer, broken, false);
  auto d = submit(*committer, good, false);
  wait_until_ready(*committer, 4);
  lock.release();

  REQUIRE(blocked.get());
  auto answer_a = a.get(), answer_b = b.get(), answer_c = c.get(), answer_d = d.get();
  // Requests of one group are taken in the order they became ready, which
  // the pool decides: exactly one of the two transfers wins.
  REQUIRE(answer_a.has_value() != answer_b.has_value());
  const auto& lost = answer_a ? answer_b : answer_a;
  CHECK(lost.error().error.kind == ErrorKind::conflict);
  CHECK(lost.error().line == 1);
  REQUIRE_FALSE(answer_c);
  CHECK(answer_c.error().error.kind == ErrorKind::forbidden);
  CHECK(answer_c.error().line == 3);
  REQUIRE(answer_d);
  CHECK(answer_d->receipts.size() == 2);
  check_receipts(*answer_d, log_key);
  check_receipts(answer_a ? *answer_a : *answer_b, log_key);

  committer->stop();
  auto ledger = this->ledger();
  auto history = ledger.history(numbered_vin(3));
  REQUIRE(history);
  CHECK(history->empty());  // nothing of the refused batch
  auto size = ledger.size();
  REQUIRE(size);
  CHECK(*size == 2 + 1 + 1 + 1 + 2);  // parties, vehicle 1, vehicle 2, one transfer, the good batch
  // The full audit also recomputes the VIN index and holds it to the index
  // line of every checkpoint: the refused batch's chains, queued for the
  // index before its savepoint was rolled back, must not be in it.
  auto audit = ledger.audit();
  REQUIRE(audit);
  CHECK(audit->findings.empty());
  auto latest = ledger.latest_checkpoint();
  REQUIRE(latest);
  REQUIRE(*latest);
  auto index_root = checkpoint_index_root((*latest)->checkpoint);
  REQUIRE(index_root);
  CHECK(index_root->has_value());
  // The whole group shares one checkpoint: every receipt of it names it.
  CHECK(answer_d->receipts[0].tlog_proof.substr(answer_d->receipts[0].tlog_proof.find("\n\n")) ==
        (answer_a ? *answer_a : *answer_b).receipts[0].tlog_proof.substr(
            (answer_a ? *answer_a : *answer_b).receipts[0].tlog_proof.find("\n\n")));
}

TEST_CASE_METHOD(Fixture, "a request refused before its statements are read names why", "[group-commit]") {
  auto committer = this->committer();
  SECTION("no statements") {
    auto answer = submit(*committer, "\n  \n", false).get();
    REQUIRE_FALSE(answer);
    CHECK(answer.error().error.kind == ErrorKind::invalid_input);
  }
  SECTION("a line over the limit") {
    auto answer = submit(*committer, std::string(kMaxStatementBytes + 10, 'x') + "\n", false).get();
    REQUIRE_FALSE(answer);
    CHECK(answer.error().error.message.find("longer than") != std::string::npos);
  }
  SECTION("malformed JSON on line 2") {
    auto answer = submit(*committer, signed_text(manufacture(1), maker_key) + "\n{\"type\":\n", false).get();
    REQUIRE_FALSE(answer);
    CHECK(answer.error().error.kind == ErrorKind::invalid_input);
    CHECK(answer.error().line == 2);
  }
  committer->stop();
  auto size = this->ledger().size();
  REQUIRE(size);
  CHECK(*size == 2);
}

TEST_CASE_METHOD(Fixture, "the committer refuses a key that is not the operator's", "[group-commit]") {
  auto opened = GroupCommitter::open(path, maker_key);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().kind == ErrorKind::invalid_input);
}

TEST_CASE_METHOD(Fixture, "a full queue is overload, a stopped committer takes nothing", "[group-commit]") {
  GroupCommitOptions options;
  options.settings = fixed_clock();
  options.max_pending_statements = 3;
  auto opened = GroupCommitter::open(path, operator_key, options);
  REQUIRE(opened);
  auto& committer = **opened;
  WriteLock lock(path);
  std::string batch;
  for (int n = 0; n < 3; ++n) batch += signed_text(manufacture(n), maker_key) + "\n";
  auto first = submit(committer, batch, false);
  CHECK(committer.submit(signed_text(manufacture(7), maker_key), true, [](SubmitResult) { FAIL("not taken"); }) ==
        GroupCommitter::Admission::overloaded);
  lock.release();
  REQUIRE(first.get());
  committer.stop();
  CHECK(committer.submit(signed_text(manufacture(8), maker_key), true, [](SubmitResult) { FAIL("not taken"); }) ==
        GroupCommitter::Admission::stopped);
}

TEST_CASE_METHOD(Fixture, "stop() returns once every request taken has its answer, receipts written",
                 "[group-commit]") {
  // Answers are written on the pool after the commit: a server that stops
  // must not close its connections while some are still being written.
  auto committer = this->committer();
  constexpr int kRequests = 12;
  std::atomic<int> answered{0};
  std::atomic<int> with_receipt{0};
  for (int n = 0; n < kRequests; ++n) {
    auto admitted = committer->submit(signed_text(manufacture(100 + n), maker_key), true, [&](SubmitResult result) {
      // A slow caller (rendering, a socket): stop() must wait for it.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (result && result->receipts.size() == 1 && !result->receipts[0].tlog_proof.empty()) ++with_receipt;
      ++answered;
    });
    REQUIRE(admitted == GroupCommitter::Admission::accepted);
  }
  committer->stop();
  CHECK(answered == kRequests);
  CHECK(with_receipt == kRequests);
}

TEST_CASE_METHOD(Fixture, "stop() returns even when a caller's answer threw", "[group-commit]") {
  auto committer = this->committer();
  auto admitted = committer->submit(signed_text(manufacture(200), maker_key), true,
                                    [](SubmitResult) { throw std::runtime_error("the caller's rendering failed"); });
  REQUIRE(admitted == GroupCommitter::Admission::accepted);
  auto stopped = std::async(std::launch::async, [&] { committer->stop(); });
  REQUIRE(stopped.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  // The statement is recorded all the same.
  auto history = ledger().history(numbered_vin(200));
  REQUIRE(history);
  CHECK(history->size() == 1);
}

TEST_CASE_METHOD(Fixture, "a statement appended beside the committer is seen by its next group", "[group-commit]") {
  auto committer = this->committer();
  REQUIRE(submit(*committer, signed_text(manufacture(1), maker_key), true).get());
  // Another process registers a party; the committer must know it next.
  const SigningKey dealer_key = SigningKey::generate();
  {
    auto ledger = this->ledger();
    json party = {{"type", "party"},   {"actor", "operator"}, {"id", "dealer"},
                  {"name", "Dealer"},  {"country", "JP"},     {"roles", {"dealer"}},
                  {"vkey", dealer_key.verifier("dealer").text()}};
    REQUIRE(ledger.record(party, operator_key));
  }
  json sale = {{"type", "transfer"}, {"vin", numbered_vin(1)}, {"time", "2025-03-01T00:00:00Z"}, {"actor", "dealer"},
               {"from", "maker"},    {"to", "dealer"},    {"country", "JP"},                 {"doc", "S-1"}};
  auto answer = submit(*committer, signed_text(sale, dealer_key), true).get();
  REQUIRE(answer);
  check_receipts(*answer, log_key);
}

TEST_CASE_METHOD(Fixture, "operator key rotations appended beside the committer reach its next checkpoint",
                 "[group-commit][rotation]") {
  // The committer keeps the checkpoints' key endorsement lines between
  // groups; another writer rotating the operator's key away and back must
  // not leave it signing checkpoints without the two endorsements.
  auto committer = this->committer();
  auto first = submit(*committer, signed_text(manufacture(1), maker_key), true).get();
  REQUIRE(first);
  REQUIRE(first->receipts.size() == 1);
  CHECK(first->receipts[0].tlog_proof.find("vinledger-key-endorsement/v1") == std::string::npos);
  const SigningKey other_key = SigningKey::generate();
  {
    auto ledger = this->ledger();
    auto registration = [&](const SigningKey& key) {
      return json{{"type", "party"}, {"actor", "operator"}, {"id", "operator"}, {"name", "Operator"},
                  {"country", "ZZ"}, {"roles", {"regulator"}}, {"vkey", key.verifier(vinledger::testing::kUnitOrigin).text()}};
    };
    auto away = ledger.record(registration(other_key), operator_key);  // endorsed by the key in force
    INFO((away ? "" : away.error().message));
    REQUIRE(away);
    auto back = ledger.record(registration(operator_key), other_key);
    INFO((back ? "" : back.error().message));
    REQUIRE(back);
  }
  auto second = submit(*committer, signed_text(manufacture(2), maker_key), true).get();
  INFO((second ? "" : second.error().error.message));
  REQUIRE(second);
  REQUIRE(second->receipts.size() == 1);
  const std::string& proof = second->receipts[0].tlog_proof;
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = proof.find("\nvinledger-key-endorsement/v1 ", at)) != std::string::npos; ++at) ++lines;
  CHECK(lines == 2);
  check_receipts(*second, log_key);
}
