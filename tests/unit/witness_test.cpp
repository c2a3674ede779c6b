// The witness through its library API: what it cosigns, what it refuses,
// that a refusal leaves its state as it was, that its state is never behind
// a cosignature it issued, and every consistency probe of the shared vectors
// held to it as a witness would meet them.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "merkle_tree.h"
#include "process.h"
#include "vinledger/checkpoint.h"
#include "vinledger/encoding.h"
#include "vinledger/hash.h"
#include "vinledger/merkle.h"
#include "vinledger/witness.h"

using namespace vinledger;
using vinledger::testing::TempDir;

namespace {

constexpr const char* kOrigin = "log.example/vehicles";
constexpr const char* kWitnessName = "customs.example/witness";
constexpr std::int64_t kNow = 1767225600;

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

// A log of numbered leaves, and the checkpoints its operator signs.
struct TestLog {
  SigningKey key = key_from(1);
  VerifierKey vkey = key.verifier(kOrigin);
  MemoryTiles tiles;
  TiledMerkleTree tree{tiles, 0};
  std::string salt;  // a fork differs by its leaves' salt

  explicit TestLog(std::uint64_t size, std::string salt_ = "") : salt(std::move(salt_)) { grow(size); }
  void grow(std::uint64_t size) {
    for (std::uint64_t i = tree.size(); i < size; ++i)
      REQUIRE(tree.append(leaf_hash((i < 5 ? "" : salt) + "leaf " + std::to_string(i))).has_value());
    REQUIRE(tree.flush().has_value());
  }
  Checkpoint at(std::uint64_t size) { return Checkpoint{kOrigin, size, *tree.root_at(size), {}}; }
  std::string note(std::uint64_t size) { return *sign_checkpoint(at(size), key, kOrigin); }
  ProofSource proofs() {
    return [this](std::uint64_t a, std::uint64_t b) { return tree.consistency_proof(a, b); };
  }
};

ProofSource no_proof() {
  return [](std::uint64_t, std::uint64_t) -> Result<std::vector<Hash>> { return not_found("none given"); };
}

ProofSource fixed_proof(std::vector<Hash> proof) {
  return [proof = std::move(proof)](std::uint64_t, std::uint64_t) -> Result<std::vector<Hash>> { return proof; };
}

// Every byte of every file in the directory.
std::string dir_digest(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file()) files[entry.path().filename().string()] = vinledger::testing::read_file(entry.path());
  std::string all;
  for (const auto& [name, content] : files) all += name + "\n" + content + "\n--\n";
  return all;
}

struct WitnessFixture {
  TempDir temp;
  std::filesystem::path dir = temp / "witness";
  SigningKey witness_key = key_from(7);
  TestLog log{20};
  WitnessSettings settings;

  WitnessFixture() {
    settings.clock = [] { return kNow; };
    REQUIRE(witness_key.save_new(temp / "witness.key").has_value());
    REQUIRE(Witness::init(dir, kWitnessName, temp / "witness.key", log.vkey).has_value());
  }
  Witness open() {
    auto witness = Witness::open(dir, settings);
    REQUIRE(witness.has_value());
    return std::move(*witness);
  }
  CosignerKey cosigner() const { return CosignerKey::from_public_key(kWitnessName, witness_key.public_key()); }
  std::uint64_t latest_size() {
    auto latest = open().latest();
    REQUIRE(latest.has_value());
    return *latest ? (*latest)->size : 0;
  }
  // The witness's cosignature in `note` verifies, with its timestamp.
  void check_cosigned(const std::string& note, std::uint64_t size) {
    std::vector<TrustedKey> witnesses{cosigner()};
    auto opened = open_checkpoint(note, kOrigin, log.vkey, witnesses);
    INFO((opened ? "" : opened.error().message));
    REQUIRE(opened.has_value());
    CHECK(opened->checkpoint.size == size);
    REQUIRE(opened->cosignatures.size() == 1);
    CHECK(opened->cosignatures[0].timestamp == static_cast<std::uint64_t>(kNow));
  }
};

}  // namespace

TEST_CASE_METHOD(WitnessFixture, "witness init writes a config, an empty state and uses or makes the key",
                 "[witness]") {
  auto witness = open();
  CHECK(witness.config().name == kWitnessName);
  CHECK(witness.config().origin() == kOrigin);
  CHECK(witness.config().cosigner_key == cosigner());
  CHECK(!witness.latest().value().has_value());
  // A second init over it is refused and changes nothing.
  const std::string before = dir_digest(dir);
  CHECK(Witness::init(dir, kWitnessName, temp / "witness.key", log.vkey).error().kind == ErrorKind::invalid_input);
  CHECK(dir_digest(dir) == before);
  // A missing key is generated, private.
  auto made = Witness::init(temp / "other", "other.example/w", temp / "new.key", log.vkey);
  REQUIRE(made.has_value());
  struct stat info {};
  REQUIRE(::stat((temp / "new.key").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(Witness::init(temp / "bad", "has space", temp / "new.key", log.vkey).error().kind == ErrorKind::invalid_input);
}

TEST_CASE_METHOD(WitnessFixture, "the witness cosigns a growing log and remembers the latest tree", "[witness]") {
  auto witness = open();
  auto first = witness.cosign(log.note(10), no_proof());  // the first needs no proof
  REQUIRE(first.has_value());
  check_cosigned(*first, 10);
  CHECK(latest_size() == 10);

  auto grown = witness.cosign(log.note(17), log.proofs());
  REQUIRE(grown.has_value());
  check_cosigned(*grown, 17);
  CHECK(latest_size() == 17);

  // The same tree again is cosigned again (no proof needed), state unchanged.
  const std::string before = dir_digest(dir);
  auto again = witness.cosign(log.note(17), no_proof());
  REQUIRE(again.has_value());
  CHECK(dir_digest(dir) == before);

  // Cosigning a copy that already carries this witness's (older) cosignature
  // and another witness's keeps one of each.
  const SigningKey other_key = key_from(9);
  auto other = cosign_checkpoint(log.at(17), other_key, "other.example/w", 5);
  auto with_other = parse_signed_note(*grown);
  with_other->signatures.push_back(*other);
  auto recosigned = witness.cosign(*format_signed_note(*with_other), no_proof());
  REQUIRE(recosigned.has_value());
  CHECK(parse_signed_note(*recosigned)->signatures.size() == 3);
}

TEST_CASE_METHOD(WitnessFixture, "refusals sign nothing and leave the state as it was", "[witness]") {
  auto witness = open();
  REQUIRE(witness.cosign(log.note(12), no_proof()).has_value());
  const std::string before = dir_digest(dir);
  auto refused = [&](Result<std::string> result, ErrorKind kind, const std::string& says) {
    REQUIRE_FALSE(result.has_value());
    INFO(result.error().message);
    CHECK(result.error().kind == kind);
    CHECK(result.error().message.find(says) != std::string::npos);
    CHECK(dir_digest(dir) == before);
  };
  SECTION("an older checkpoint (a replay)") { refused(witness.cosign(log.note(11), log.proofs()), ErrorKind::conflict, "older"); }
  SECTION("another root at the size it cosigned (a fork)") {
    TestLog fork(20, "fork ");
    refused(witness.cosign(fork.note(12), no_proof()), ErrorKind::conflict, "forked");
  }
  SECTION("a larger tree that does not extend it, with the fork's own valid proof") {
    TestLog fork(20, "fork ");
    refused(witness.cosign(fork.note(20), fork.proofs()), ErrorKind::conflict, "not shown to extend");
  }
  SECTION("a missing proof") { refused(witness.cosign(log.note(20), no_proof()), ErrorKind::conflict, "no consistency proof"); }
  SECTION("a proof with one bit changed") {
    auto proof = *log.tree.consistency_proof(12, 20);
    proof[1][3] ^= 0x10;
    refused(witness.cosign(log.note(20), fixed_proof(proof)), ErrorKind::conflict, "not shown to extend");
  }
  SECTION("a proof for other sizes") {
    refused(witness.cosign(log.note(20), fixed_proof(*log.tree.consistency_proof(11, 20))), ErrorKind::conflict,
            "not shown to extend");
  }
  SECTION("a checkpoint signed by another key") {
    const SigningKey impostor = key_from(3);
    refused(witness.cosign(*sign_checkpoint(log.at(20), impostor, kOrigin), log.proofs()), ErrorKind::invalid_input,
            "not a checkpoint of");
  }
  SECTION("a checkpoint of another origin signed by the log's key name") {
    Checkpoint other = log.at(20);
    other.origin = "other.example/log";
    refused(witness.cosign(*sign_checkpoint(other, log.key, kOrigin), log.proofs()), ErrorKind::invalid_input,
            "origin");
  }
  SECTION("a note with a bad log signature") {
    std::string note = log.note(20);
    note[note.size() - 6] = note[note.size() - 6] == 'A' ? 'B' : 'A';
    refused(witness.cosign(note, log.proofs()), ErrorKind::invalid_input, "not a checkpoint of");
  }
}

TEST_CASE_METHOD(WitnessFixture, "the state is durable before any cosignature exists", "[witness]") {
  {
    auto witness = open();
    REQUIRE(witness.cosign(log.note(10), no_proof()).has_value());
  }
  // A crash after the state is written and before the cosignature is made.
  settings.after_state_saved = [] { return Status(storage_error("injected crash")); };
  {
    auto witness = open();
    auto crashed = witness.cosign(log.note(15), log.proofs());
    REQUIRE_FALSE(crashed.has_value());
    CHECK(crashed.error().message == "injected crash");
  }
  settings.after_state_saved = nullptr;
  // The witness remembers the tree it was about to vouch for: a fork of that
  // size is refused, the same tree is cosigned again.
  CHECK(latest_size() == 15);
  TestLog fork(20, "fork ");
  CHECK(open().cosign(fork.note(15), no_proof()).error().kind == ErrorKind::conflict);
  CHECK(open().cosign(log.note(15), no_proof()).has_value());
  // No temporary file is left behind by a successful write.
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE_METHOD(WitnessFixture, "a damaged state is an error, never a fresh start", "[witness]") {
  REQUIRE(open().cosign(log.note(10), no_proof()).has_value());
  SECTION("state edited to an unsigned tree") {
    std::string state = vinledger::testing::read_file(dir / "state.json");
    state.replace(state.find("\\n10\\n"), 6, "\\n9\\n");
    vinledger::testing::write_file(dir / "state.json", state);
  }
  SECTION("state removed") { std::filesystem::remove(dir / "state.json"); }
  auto result = open().cosign(log.note(12), log.proofs());
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::storage);
}

TEST_CASE("proof lines: what consistency prints, parsed strictly", "[witness]") {
  const std::vector<Hash> proof{leaf_hash("a"), leaf_hash("b")};
  const std::string text = format_proof_lines(proof);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);
  CHECK(parse_proof_lines(text).value() == proof);
  CHECK(parse_proof_lines("").value().empty());
  CHECK_FALSE(parse_proof_lines(text.substr(0, text.size() - 1)).has_value());  // no final newline
  CHECK_FALSE(parse_proof_lines(text + "\n").has_value());                      // empty line
  CHECK_FALSE(parse_proof_lines("AAAA\n").has_value());                          // not 32 bytes
  std::string crlf = text;
  crlf.insert(crlf.find('\n'), "\r");
  CHECK_FALSE(parse_proof_lines(crlf).has_value());
}

TEST_CASE("merge_cosignatures takes each configured witness once, only for the same checkpoint", "[witness]") {
  TestLog log(20);
  const std::string note = log.note(20);
  auto cosigned_by = [&](std::uint8_t seed, const std::string& name, const std::string& base) {
    auto parsed = parse_signed_note(base);
    parsed->signatures.push_back(*cosign_checkpoint(log.at(20), key_from(seed), name, 100 + seed));
    return *format_signed_note(*parsed);
  };
  std::vector<TrustedKey> witnesses{CosignerKey::from_public_key("a.example/w", key_from(4).public_key()),
                                    CosignerKey::from_public_key("b.example/w", key_from(5).public_key())};
  const std::vector<std::string> copies{cosigned_by(4, "a.example/w", note), cosigned_by(5, "b.example/w", note),
                                        cosigned_by(4, "a.example/w", note)};
  const std::vector<std::string> sources{"a", "b", "a2"};
  auto merged = merge_cosignatures(note, copies, sources, log.vkey, witnesses);
  REQUIRE(merged.has_value());
  CHECK(merged->witnesses == std::vector<std::string>{"a.example/w", "b.example/w"});
  auto opened = open_checkpoint(merged->note, kOrigin, log.vkey, witnesses);
  REQUIRE(opened.has_value());
  CHECK(opened->cosignatures.size() == 2);

  auto stale_copy = parse_signed_note(log.note(19));
  stale_copy->signatures.push_back(*cosign_checkpoint(log.at(19), key_from(4), "a.example/w", 104));
  const std::vector<std::string> other{*format_signed_note(*stale_copy)};
  const std::vector<std::string> other_source{"old.cosigned"};
  auto stale = merge_cosignatures(note, other, other_source, log.vkey, witnesses);
  REQUIRE(stale.has_value());
  CHECK(stale->note == note);
  REQUIRE(stale->skipped.size() == 1);
  CHECK(stale->skipped[0].source == "old.cosigned");
  INFO(stale->skipped[0].reason);
  CHECK(stale->skipped[0].reason.find("cosigns another checkpoint") != std::string::npos);
}

TEST_CASE("merge_cosignatures skips a junk copy and keeps the honest ones", "[witness]") {
  TestLog log(20);
  const std::string note = log.note(20);
  std::vector<TrustedKey> witnesses{CosignerKey::from_public_key("a.example/w", key_from(4).public_key()),
                                    CosignerKey::from_public_key("b.example/w", key_from(5).public_key())};
  auto with_lines = [&](const std::vector<NoteSignature>& lines) {
    auto parsed = parse_signed_note(note);
    for (const auto& line : lines) parsed->signatures.push_back(line);
    return *format_signed_note(*parsed);
  };
  const NoteSignature good_a = *cosign_checkpoint(log.at(20), key_from(4), "a.example/w", 104);
  const NoteSignature good_b = *cosign_checkpoint(log.at(20), key_from(5), "b.example/w", 105);
  NoteSignature bad_a = good_a;
  bad_a.signature.back() ^= 1;  // a line of a configured witness that does not verify
  const NoteSignature stranger = *cosign_checkpoint(log.at(20), key_from(6), "c.example/w", 106);
  const std::vector<std::string> copies{with_lines({bad_a, good_b}), with_lines({stranger}), "junk\n",
                                        with_lines({good_a}), with_lines({good_b})};
  const std::vector<std::string> sources{"junk-a", "stranger", "garbage", "honest-a", "honest-b"};
  auto merged = merge_cosignatures(note, copies, sources, log.vkey, witnesses);
  REQUIRE(merged.has_value());
  auto opened = open_checkpoint(merged->note, kOrigin, log.vkey, witnesses);
  REQUIRE(opened.has_value());
  CHECK(opened->cosignatures.size() == 2);
  CHECK(opened->unverified.empty());  // the stranger's line was not merged
  std::vector<std::string> skipped;
  for (const auto& s : merged->skipped) skipped.push_back(s.source);
  CHECK(skipped == std::vector<std::string>{"junk-a", "stranger", "garbage"});
  CHECK(merged->skipped[0].reason.find("invalid signature by trusted key a.example/w") != std::string::npos);
  CHECK(merged->skipped[1].reason.find("no cosignature by a configured witness") != std::string::npos);
}

// The shared consistency probes, met as a witness meets them: it cosigned
// the tree of size1 with root1 and is offered size2 with root2 and the
// probe's proof, as the proof text `witness cosign --proof` reads. Probes
// from size 0 are left to merkle_test (a witness's first checkpoint needs no
// proof). A root that is not 32 bytes cannot be in a checkpoint and a proof
// line that is not 32 bytes does not parse: the witness refuses both. At
// equal sizes the witness does not look at a proof: it cosigns again iff the
// roots are equal.
TEST_CASE("every consistency probe with 0 < size1, held to a witness", "[witness][vectors]") {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/merkle_vectors.json");
  REQUIRE(in.good());
  const nlohmann::json probes = nlohmann::json::parse(in).at("consistency_probes");
  auto bytes_of = [](const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
      bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
  };
  TestLog log(1);  // only its key is used
  int met = 0, accepted_count = 0;
  for (const auto& probe : probes) {
    const std::uint64_t size1 = probe.at("size1"), size2 = probe.at("size2");
    if (size1 == 0) continue;
    ++met;
    INFO(probe.at("source_file").get<std::string>());
    const std::string root1 = bytes_of(probe.at("root1_hex")), root2 = bytes_of(probe.at("root2_hex"));
    std::string proof_text;
    for (const auto& hex : probe.at("proof_hex")) proof_text += base64_encode(bytes_of(hex)) + "\n";
    auto proof = parse_proof_lines(proof_text);

    TempDir temp;
    REQUIRE(key_from(7).save_new(temp / "w.key").has_value());
    REQUIRE(Witness::init(temp / "w", kWitnessName, temp / "w.key", log.vkey).has_value());
    auto witness = Witness::open(temp / "w");
    REQUIRE(witness.has_value());
    bool accepted = false;
    if (root1.size() == 32 && root2.size() == 32) {
      auto sign = [&](std::uint64_t size, const std::string& root) {
        Hash hash;
        std::copy(root.begin(), root.end(), hash.begin());
        return *sign_checkpoint(Checkpoint{kOrigin, size, hash, {}}, log.key, kOrigin);
      };
      REQUIRE(witness->cosign(sign(size1, root1), no_proof()).has_value());
      const std::string before = dir_digest(temp / "w");
      ProofSource source = proof ? fixed_proof(*proof) : no_proof();
      accepted = witness->cosign(sign(size2, root2), source).has_value();
      if (accepted) CHECK(witness->latest().value()->size == size2);
      else CHECK(dir_digest(temp / "w") == before);
    }
    accepted_count += accepted;
    if (size1 == size2) {
      CHECK(accepted == (root1 == root2 && root1.size() == 32));
      // One probe expects two equal 12-byte "roots" to pass; see merkle_test.cpp.
      if (probe.at("expect_valid").get<bool>() && root1.size() == 32) CHECK(accepted);
    } else {
      CHECK(accepted == probe.at("expect_valid").get<bool>());
    }
  }
  CHECK(met == 89);
  // The 4 valid proofs, and the 2 equal-size probes with equal 32-byte roots:
  // one valid, one with a needless proof that the witness does not read.
  CHECK(accepted_count == 6);
}
