// The C2SP tlog-witness add-checkpoint handler as a function: every status
// the spec names, its body and content type, the spec's own example body,
// that nothing is cosigned or recorded on a refusal, that a fork is kept as
// evidence, and that concurrent requests cannot roll the state back.
#include <catch2/catch.hpp>

#include <map>
#include <thread>

#include "merkle_tree.h"
#include "process.h"
#include "vinledger/checkpoint.h"
#include "vinledger/encoding.h"
#include "vinledger/merkle.h"
#include "vinledger/witness_protocol.h"

using namespace vinledger;
using vinledger::testing::TempDir;

namespace {

constexpr const char* kOrigin = "log.example/vehicles";
constexpr const char* kWitnessName = "customs.example/witness";

SigningKey key_from(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(fill);
  return SigningKey::from_seed(seed);
}

class MemoryTiles final : public TileStore {
 public:
  Result<std::optional<std::string>> read_tile(int level, std::uint64_t index) override {
    auto it = tiles_.find({level, index});
    return it == tiles_.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
  }
  Status write_tile(int level, std::uint64_t index, std::string_view hashes) override {
    tiles_[{level, index}] = std::string(hashes);
    return {};
  }

 private:
  std::map<TileId, std::string> tiles_;
};

struct TestLog {
  std::string origin;
  SigningKey key;
  VerifierKey vkey = key.verifier(origin);
  MemoryTiles tiles;
  TiledMerkleTree tree{tiles, 0};
  std::string salt;

  TestLog(std::uint64_t size, std::string salt_ = "", std::string origin_ = kOrigin, std::uint8_t seed = 1)
      : origin(std::move(origin_)), key(key_from(seed)), salt(std::move(salt_)) {
    grow(size);
  }
  void grow(std::uint64_t size) {
    for (std::uint64_t i = tree.size(); i < size; ++i)
      REQUIRE(tree.append(leaf_hash((i < 5 ? "" : salt) + "leaf " + std::to_string(i))).has_value());
    REQUIRE(tree.flush().has_value());
  }
  std::string note(std::uint64_t size) {
    return *sign_checkpoint(Checkpoint{origin, size, *tree.root_at(size), {}}, key, origin);
  }
  std::string request(std::uint64_t old_size, std::uint64_t size) {
    AddCheckpointRequest request{old_size, {}, note(size)};
    if (old_size > 0 && old_size < size) request.proof = *tree.consistency_proof(old_size, size);
    return format_add_checkpoint(request);
  }
};

CosignerKey init_witness(const std::filesystem::path& state, const std::filesystem::path& key, const VerifierKey& log) {
  auto config = Witness::init(state, kWitnessName, key, log);
  REQUIRE(config);
  return config->cosigner_key;
}

struct WitnessDir {
  TempDir dir;
  std::filesystem::path state = dir / "witness";
  CosignerKey cosigner_key;
  std::unique_ptr<WitnessServer> server;

  explicit WitnessDir(const std::vector<VerifierKey>& logs)
      : cosigner_key(init_witness(state, dir / "witness.key", logs.front())) {
    WitnessSettings settings;
    settings.clock = [] { return std::int64_t{1767225600}; };
    auto opened = WitnessServer::open(state, logs, settings);
    REQUIRE(opened);
    server = std::move(*opened);
  }
};

// The reply's cosignature lines added to the note verify with the witness key.
void check_cosigned(const ProtocolReply& reply, const std::string& note, const TestLog& log, const CosignerKey& witness) {
  REQUIRE(reply.status == 200);
  auto answer = read_add_checkpoint_answer(reply.status, reply.content_type, reply.body);
  REQUIRE(answer.kind == AddCheckpointAnswer::Kind::cosigned);
  REQUIRE(answer.cosignatures.size() == 1);
  CHECK(answer.cosignatures[0].name == kWitnessName);
  auto parsed = parse_signed_note(note);
  REQUIRE(parsed);
  parsed->signatures.push_back(answer.cosignatures[0]);
  const std::vector<TrustedKey> witnesses{witness};
  auto opened = open_checkpoint(*format_signed_note(*parsed), log.origin, log.vkey, witnesses);
  REQUIRE(opened);
  CHECK(opened->cosignatures.size() == 1);
  CHECK(opened->cosignatures[0].timestamp == 1767225600);
}

}  // namespace

TEST_CASE("add-checkpoint bodies parse strictly, and the spec's example parses", "[witness][protocol]") {
  const std::string example =
      "old 20852014\n"
      "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
      "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
      "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
      "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
      "\n"
      "example.com/behind-the-sofa\n"
      "20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
      "\n"
      "\xe2\x80\x94 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
      "\xe2\x80\x94 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
  auto request = parse_add_checkpoint(example);
  REQUIRE(request);
  CHECK(request->old_size == 20852014);
  CHECK(request->proof.size() == 4);
  CHECK(format_add_checkpoint(*request) == example);

  for (const char* bad : {"", "old 1\n", "old 01\n\n", "old -1\n\n", "old  1\n\n", "new 1\n\n", "old 1\nnot base64\n\n",
                          "old 1\n\nnot a checkpoint\n", "old 1\nAAAA\n\n"}) {
    INFO(bad);
    CHECK_FALSE(parse_add_checkpoint(bad));
  }
  std::string too_many = "old 1\n";
  for (int i = 0; i < 64; ++i) too_many += "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
  CHECK_FALSE(parse_add_checkpoint(too_many + "\n" + example.substr(example.find("example.com"))));
}

TEST_CASE("add-checkpoint answers each case with the status the spec gives", "[witness][protocol]") {
  TestLog log(20);
  WitnessDir witness({log.vkey});
  WitnessServer& server = *witness.server;

  // First contact: old size 0, nothing cosigned yet.
  auto first = server.add_checkpoint(log.request(0, 10));
  check_cosigned(first, log.note(10), log, witness.cosigner_key);
  CHECK(first.content_type == kWitnessTextContentType);

  SECTION("409: the old size is not the size last cosigned; the body names it") {
    for (std::uint64_t old_size : {0, 5, 11}) {
      auto reply = server.add_checkpoint(log.request(old_size, 15));
      CHECK(reply.status == 409);
      CHECK(reply.content_type == "text/x.tlog.size");
      CHECK(reply.body == "10\n");
      auto answer = read_add_checkpoint_answer(reply.status, reply.content_type, reply.body);
      CHECK(answer.kind == AddCheckpointAnswer::Kind::conflict);
      CHECK(answer.witness_size == 10);
    }
    // Retrying from the size the witness named succeeds.
    check_cosigned(server.add_checkpoint(log.request(10, 15)), log.note(15), log, witness.cosigner_key);
  }
  SECTION("400: old size larger than the checkpoint's; or a body that is not one") {
    CHECK(server.add_checkpoint(log.request(12, 11)).status == 400);
    CHECK(server.add_checkpoint("old 1\nnonsense").status == 400);
  }
  SECTION("404: a log the witness does not know") {
    TestLog other(10, "", "other.example/log", 2);
    CHECK(server.add_checkpoint(other.request(0, 10)).status == 404);
  }
  SECTION("403: not signed by the log's key; or a bad signature by it") {
    TestLog impostor(20, "", kOrigin, 3);  // the right origin, another key
    CHECK(server.add_checkpoint(impostor.request(10, 15)).status == 403);
    std::string request = log.request(10, 15);
    const std::size_t at = request.rfind(' ') + 5;  // inside the signature's base64
    request[at] = request[at] == 'A' ? 'B' : 'A';
    CHECK(server.add_checkpoint(request).status == 403);
  }
  SECTION("422: a consistency proof that does not verify") {
    AddCheckpointRequest bad{10, *log.tree.consistency_proof(10, 15), log.note(15)};
    bad.proof[0][0] ^= 1;
    CHECK(server.add_checkpoint(format_add_checkpoint(bad)).status == 422);
    bad.proof.pop_back();
    CHECK(server.add_checkpoint(format_add_checkpoint(bad)).status == 422);
  }
  SECTION("409 without a size: the same size with another root is a fork, kept as evidence") {
    TestLog fork(20, "forked ");
    auto reply = server.add_checkpoint(fork.request(10, 10));
    CHECK(reply.status == 409);
    CHECK(reply.content_type != "text/x.tlog.size");
    CHECK(reply.body.find("forked") != std::string::npos);
    // The log does not take it for a size to retry from.
    CHECK(read_add_checkpoint_answer(reply.status, reply.content_type, reply.body).kind ==
          AddCheckpointAnswer::Kind::refused);
    std::size_t evidence = 0;
    for (const auto& file : std::filesystem::directory_iterator(witness.state / "evidence")) {
      ++evidence;
      const std::string text = vinledger::testing::read_file(file.path());
      CHECK(text.find(fork.note(10)) != std::string::npos);  // what the log signed
      CHECK(text.find(log.note(10)) != std::string::npos);   // what the witness had cosigned
    }
    CHECK(evidence == 1);
  }
  SECTION("422: a proof where none belongs; a size-0 checkpoint with another root") {
    AddCheckpointRequest same{10, {Hash{}}, log.note(10)};
    CHECK(server.add_checkpoint(format_add_checkpoint(same)).status == 422);
    TestLog empty(0);
    WitnessDir fresh({empty.vkey});
    AddCheckpointRequest with_proof{0, {Hash{}}, log.note(10)};
    CHECK(fresh.server->add_checkpoint(format_add_checkpoint(with_proof)).status == 422);
    auto bad_empty = *sign_checkpoint(Checkpoint{kOrigin, 0, leaf_hash("x"), {}}, log.key, kOrigin);
    CHECK(fresh.server->add_checkpoint(format_add_checkpoint({0, {}, bad_empty})).status == 422);
    auto good_empty = *sign_checkpoint(Checkpoint{kOrigin, 0, empty_tree_root(), {}}, log.key, kOrigin);
    CHECK(fresh.server->add_checkpoint(format_add_checkpoint({0, {}, good_empty})).status == 200);
  }
  SECTION("the same checkpoint again is cosigned again; the state stays") {
    check_cosigned(server.add_checkpoint(log.request(10, 10)), log.note(10), log, witness.cosigner_key);
  }
  // Whatever was refused, the state still holds size 10 or what the retry moved it to.
  auto latest = server.latest_checkpoint(to_hex(sha256(std::string(kOrigin))));
  REQUIRE(latest.status == 200);
  auto kept = parse_unverified_checkpoint(latest.body);
  REQUIRE(kept);
  CHECK((kept->checkpoint.size == 10 || kept->checkpoint.size == 15));
  CHECK(latest.body.find(kWitnessName) != std::string::npos);  // with the witness's own cosignature
  CHECK(server.latest_checkpoint(to_hex(sha256(std::string("nobody")))).status == 404);
}

TEST_CASE("one witness directory serves several logs, each with its own state", "[witness][protocol]") {
  TestLog first(8), second(12, "", "second.example/log", 4);
  WitnessDir witness({first.vkey, second.vkey});
  check_cosigned(witness.server->add_checkpoint(first.request(0, 8)), first.note(8), first, witness.cosigner_key);
  check_cosigned(witness.server->add_checkpoint(second.request(0, 12)), second.note(12), second, witness.cosigner_key);
  CHECK(witness.server->add_checkpoint(first.request(0, 8)).body == "8\n");
  CHECK(witness.server->add_checkpoint(second.request(0, 12)).body == "12\n");
  CHECK(std::filesystem::exists(witness.state / "logs" / to_hex(sha256(std::string("second.example/log"))) / "state.json"));
  // Opened again (a restart), it remembers both.
  auto reopened = WitnessServer::open(witness.state, std::vector<VerifierKey>{first.vkey, second.vkey});
  REQUIRE(reopened);
  CHECK((*reopened)->add_checkpoint(second.request(0, 12)).body == "12\n");
  // A key that is not the one the state follows is refused at start.
  TestLog other_key(8, "", kOrigin, 9);
  CHECK_FALSE(WitnessServer::open(witness.state, std::vector<VerifierKey>{other_key.vkey}));
}

TEST_CASE("concurrent add-checkpoint requests never roll the witness back", "[witness][protocol]") {
  // The spec's race: A (size N) and B (size N+K) both pass the old-size check;
  // B's update lands, then A's rolls it back. Here every request names old
  // size 10; exactly one of each size can win, and the state ends at a size
  // that one winner was cosigned for, never below a size cosigned.
  TestLog log(64);
  WitnessDir witness({log.vkey});
  REQUIRE(witness.server->add_checkpoint(log.request(0, 10)).status == 200);
  std::vector<std::string> requests;
  for (std::uint64_t size = 11; size <= 40; ++size) requests.push_back(log.request(10, size));
  std::vector<int> statuses(requests.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < requests.size(); ++i)
    threads.emplace_back([&, i] { statuses[i] = witness.server->add_checkpoint(requests[i]).status; });
  for (auto& thread : threads) thread.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == static_cast<long>(requests.size()) - 1);
  const std::size_t winner = std::find(statuses.begin(), statuses.end(), 200) - statuses.begin();
  auto state = witness.server->add_checkpoint(log.request(0, 64));
  CHECK(state.body == std::to_string(11 + winner) + "\n");
}
