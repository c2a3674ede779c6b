// C2SP tlog-proof text: round trips over the RFC 6962 inclusion-proof
// vectors, and refusal of every malformed variant.
#include "vinledger/tlog_proof.h"
#include "vinledger/merkle.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "vinledger/checkpoint.h"
#include "vinledger/encoding.h"
#include "vinledger/hash.h"

namespace vinledger {
namespace {

nlohmann::json load_merkle_vectors() {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/merkle_vectors.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

Hash hash_from(const std::string& hex) {
  const std::optional<Hash> hash = hash_from_hex(hex);
  REQUIRE(hash.has_value());
  return *hash;
}

SigningKey log_key() {
  std::array<std::uint8_t, 32> seed;
  seed.fill(0x5a);
  return SigningKey::from_seed(seed);
}

std::string signed_checkpoint(std::uint64_t size, const Hash& root) {
  Result<std::string> note =
      sign_checkpoint(Checkpoint{"example.com/vinledger", size, root, {}}, log_key(), "example.com/vinledger");
  REQUIRE(note.has_value());
  return *note;
}

// A proof for leaf 2 of a 5-leaf tree (3 hashes), built from the vectors'
// node hashes, with its text written out by hand.
struct SampleProof {
  Hash h1 = sha256("one");
  Hash h2 = sha256("two");
  Hash h3 = sha256("three");
  std::string checkpoint = signed_checkpoint(5, sha256("root"));

  TlogProof proof() const { return TlogProof{{}, 2, {h1, h2, h3}, checkpoint}; }

  std::string text(std::string_view extra_line = "") const {
    return "c2sp.org/tlog-proof@v1\n" + std::string(extra_line) + "index 2\n" + base64_encode(h1) + "\n" +
           base64_encode(h2) + "\n" + base64_encode(h3) + "\n\n" + checkpoint;
  }
};

std::string parse_error(std::string_view text) {
  Result<TlogProof> parsed = parse_tlog_proof(text);
  INFO(text.substr(0, 200));
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().kind == ErrorKind::invalid_input);
  return parsed.error().message;
}

std::string replace_line(const std::string& text, std::size_t line_number, const std::string& replacement) {
  std::size_t start = 0;
  for (std::size_t i = 1; i < line_number; ++i) start = text.find('\n', start) + 1;
  const std::size_t end = text.find('\n', start);
  return text.substr(0, start) + replacement + text.substr(end);
}

TEST_CASE("tlog-proof: proof lengths agree with the RFC 6962 vectors", "[tlog_proof]") {
  const nlohmann::json vectors = load_merkle_vectors();
  for (const auto& c : vectors["inclusion_proofs"]) {
    CHECK(inclusion_proof_length(c["leaf_index"], c["tree_size"]) == c["proof_hex"].size());
  }
  CHECK(inclusion_proof_length(0, 1) == 0);
  CHECK(inclusion_proof_length(0, 2) == 1);
  CHECK(inclusion_proof_length(4, 5) == 1);
  CHECK(inclusion_proof_length(0, 5) == 3);
  CHECK(inclusion_proof_length(0, UINT64_MAX) == 64);
  CHECK(inclusion_proof_length(UINT64_MAX - 1, UINT64_MAX) == 63);
  CHECK(inclusion_proof_length(5, 5) == 0);  // no such leaf
}

TEST_CASE("tlog-proof: round trip over every inclusion proof of the vectors", "[tlog_proof]") {
  const nlohmann::json vectors = load_merkle_vectors();
  for (const auto& c : vectors["inclusion_proofs"]) {
    TlogProof proof;
    proof.index = c["leaf_index"];
    for (const auto& hex : c["proof_hex"]) proof.inclusion_proof.push_back(hash_from(hex));
    proof.checkpoint = signed_checkpoint(c["tree_size"], hash_from(c["root_hex"]));
    Result<std::string> text = format_tlog_proof(proof);
    INFO("index " << proof.index << " size " << c["tree_size"]);
    REQUIRE(text.has_value());
    Result<TlogProof> parsed = parse_tlog_proof(*text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == proof);
    CHECK(format_tlog_proof(*parsed) == *text);
  }
}

TEST_CASE("tlog-proof: exact text, with and without extra data", "[tlog_proof]") {
  const SampleProof sample;
  TlogProof proof = sample.proof();
  CHECK(format_tlog_proof(proof) == sample.text());
  CHECK(parse_tlog_proof(sample.text()) == proof);

  proof.extra = {'c', 'o', 'n', 't', 'e', 'x', 't'};
  CHECK(format_tlog_proof(proof) == sample.text("extra Y29udGV4dA==\n"));
  CHECK(parse_tlog_proof(sample.text("extra Y29udGV4dA==\n")) == proof);

  // The embedded checkpoint is kept verbatim and opens with the log key.
  Result<VerifiedCheckpoint> opened =
      open_checkpoint(proof.checkpoint, "example.com/vinledger", log_key().verifier("example.com/vinledger"));
  REQUIRE(opened.has_value());
  CHECK(opened->checkpoint.size == 5);

  // A proof with no hashes: the only leaf of a one-leaf tree.
  const TlogProof single{{}, 0, {}, signed_checkpoint(1, sha256("leaf"))};
  Result<std::string> text = format_tlog_proof(single);
  REQUIRE(text.has_value());
  CHECK(*text == "c2sp.org/tlog-proof@v1\nindex 0\n\n" + single.checkpoint);
  CHECK(parse_tlog_proof(*text) == single);
}

TEST_CASE("tlog-proof: malformed header, extra and index lines", "[tlog_proof]") {
  const SampleProof sample;
  const std::string good = sample.text();
  REQUIRE(parse_tlog_proof(good).has_value());

  CHECK(parse_error("") ==
        "tlog-proof line 1: expected the header line, found the end of the proof or a line with no newline");
  CHECK(parse_error("c2sp.org/tlog-proof@v1").starts_with("tlog-proof line 1: expected the header line"));
  CHECK(parse_error("c2sp.org/tlog-proof@v1\n")
            .starts_with("tlog-proof line 2: expected \"index <n>\" or \"extra <base64>\", found the end"));
  CHECK(parse_error(replace_line(good, 1, "c2sp.org/tlog-proof@v2")) ==
        "tlog-proof line 1: expected \"c2sp.org/tlog-proof@v1\"");
  CHECK(parse_error(replace_line(good, 1, "c2sp.org/tlog-proof@v1 ")).starts_with("tlog-proof line 1:"));
  CHECK(parse_error(replace_line(good, 1, "c2sp.org/tlog-proof@v1\r")).starts_with("tlog-proof line 1:"));
  CHECK(parse_error(replace_line(good, 1, "C2SP.org/tlog-proof@v1")).starts_with("tlog-proof line 1:"));
  CHECK(parse_error("\n" + good).starts_with("tlog-proof line 1:"));

  CHECK(parse_error(replace_line(good, 2, "index 02")).starts_with("tlog-proof line 2: index must be a decimal"));
  CHECK(parse_error(replace_line(good, 2, "index -2")).starts_with("tlog-proof line 2: index must be a decimal"));
  CHECK(parse_error(replace_line(good, 2, "index +2")).starts_with("tlog-proof line 2: index must be a decimal"));
  CHECK(parse_error(replace_line(good, 2, "index  2")).starts_with("tlog-proof line 2: index must be a decimal"));
  CHECK(parse_error(replace_line(good, 2, "index 2 ")).starts_with("tlog-proof line 2: index must be a decimal"));
  CHECK(parse_error(replace_line(good, 2, "index ")).starts_with("tlog-proof line 2: index must be a decimal"));
  CHECK(parse_error(replace_line(good, 2, "index 18446744073709551616")).starts_with("tlog-proof line 2: index must"));
  CHECK(parse_error(replace_line(good, 2, "Index 2")) ==
        "tlog-proof line 2: expected \"index <n>\" or \"extra <base64>\"");
  CHECK(parse_error(replace_line(good, 2, "index\t2")).starts_with("tlog-proof line 2: expected \"index <n>\""));
  CHECK(parse_error(replace_line(good, 2, "")).starts_with("tlog-proof line 2: expected \"index <n>\""));

  CHECK(parse_error(sample.text("extra \n")).starts_with("tlog-proof line 2: \"extra\" line without data"));
  CHECK(parse_error(sample.text("extra Y29udGV4dA\n")).starts_with("tlog-proof line 2: extra data is not strict"));
  CHECK(parse_error(sample.text("extra Y29udGV4dB==\n")).starts_with("tlog-proof line 2: extra data is not strict"));
  CHECK(parse_error(sample.text("extra  Y29udGV4dA==\n")).starts_with("tlog-proof line 2: extra data is not strict"));
  CHECK(parse_error(sample.text("extra " + std::string(kMaxTlogProofExtraBytes / 3 * 4 + 4, 'A') + "\n"))
            .starts_with("tlog-proof line 2: extra data is longer"));
  // Extra data of exactly the limit is fine.
  CHECK(parse_tlog_proof(sample.text("extra " + std::string(kMaxTlogProofExtraBytes / 3 * 4, 'A') + "\n")).has_value());
  // Extra only as the second line, once.
  CHECK(parse_error(sample.text("extra Y29udGV4dA==\nextra Y29udGV4dA==\n")) ==
        "tlog-proof line 3: expected \"index <n>\"");
  const std::string after_index = replace_line(good, 2, "index 2\nextra Y29udGV4dA==");
  CHECK(parse_error(after_index).starts_with("tlog-proof line 3: expected a proof hash"));
}

TEST_CASE("tlog-proof: malformed proof hashes and separator", "[tlog_proof]") {
  const SampleProof sample;
  const std::string good = sample.text();
  const std::string root = base64_encode(sample.h1);
  CHECK(parse_error(replace_line(good, 3, root.substr(0, 43))).starts_with("tlog-proof line 3: expected a proof hash"));
  CHECK(parse_error(replace_line(good, 4, base64_encode(std::string(31, 'h'))))
            .starts_with("tlog-proof line 4: expected a proof hash"));
  CHECK(parse_error(replace_line(good, 5, base64_encode(std::string(33, 'h'))))
            .starts_with("tlog-proof line 5: expected a proof hash"));
  CHECK(parse_error(replace_line(good, 3, root + " ")).starts_with("tlog-proof line 3: expected a proof hash"));
  CHECK(parse_error(replace_line(good, 3, root.substr(0, 42) + "B=")).starts_with("tlog-proof line 3:"));  // pad bits
  CHECK(parse_error(replace_line(good, 3, " ")).starts_with("tlog-proof line 3:"));

  // One hash too few or too many for index 2 of 5.
  const std::string fewer = replace_line(good, 5, "");
  CHECK(parse_error(fewer.substr(0, fewer.find("\n\n") + 1) + "\n" + sample.checkpoint)
            .ends_with("an inclusion proof for index 2 in a tree of size 5 has 3 hashes, the proof has 2"));
  CHECK(parse_error(replace_line(good, 5, base64_encode(sample.h3) + "\n" + base64_encode(sample.h3)))
            .ends_with("has 3 hashes, the proof has 4"));

  // No empty line before the checkpoint, or no checkpoint at all.
  CHECK(parse_error(replace_line(good, 6, base64_encode(sample.h3)))
            .starts_with("tlog-proof line 7: expected a proof hash"));
  std::string no_separator = good;
  no_separator.erase(no_separator.find("\n\n"), 1);
  CHECK(parse_error(no_separator).starts_with("tlog-proof line 6: expected a proof hash"));
  CHECK(parse_error(good.substr(0, good.find("\n\n") + 1))
            .starts_with("tlog-proof line 6: expected a proof hash or the empty line"));
  CHECK(parse_error(good.substr(0, good.find("\n\n") + 2))
            .starts_with("tlog-proof checkpoint (from line 7): malformed signed checkpoint"));

  // More than 64 hash lines is refused as soon as the 65th is read.
  std::string many = "c2sp.org/tlog-proof@v1\nindex 0\n";
  for (int i = 0; i < 70; ++i) many += root + "\n";
  CHECK(parse_error(many) == "tlog-proof line 67: more than 64 proof hashes");
}

TEST_CASE("tlog-proof: the embedded checkpoint is checked", "[tlog_proof]") {
  const SampleProof sample;
  const std::string good = sample.text();
  const std::string head = good.substr(0, good.find("\n\n") + 2);

  // Index not below the tree size.
  CHECK(parse_error(replace_line(good, 2, "index 5")).ends_with("index 5 is not below the tree size 5"));
  const std::string empty_tree = "c2sp.org/tlog-proof@v1\nindex 0\n\n" + signed_checkpoint(0, sha256(""));
  CHECK(parse_error(empty_tree).ends_with("index 0 is not below the tree size 0"));

  // An unsigned body, a bad body, trailing bytes, an extra blank line.
  const std::string body = *format_checkpoint_body(Checkpoint{"o", 5, sha256("root"), {}});
  CHECK(parse_error(head + body).starts_with("tlog-proof checkpoint (from line 7): malformed signed checkpoint"));
  const std::string bad_body = *sign_note("o\n5\nnot-base64\n", log_key(), "o");
  CHECK(parse_error(head + bad_body).starts_with("tlog-proof checkpoint (from line 7): checkpoint line 3 (root hash)"));
  CHECK(parse_error(good + "x").starts_with("tlog-proof checkpoint (from line 7): malformed signed checkpoint"));
  CHECK(parse_error(good + "\n").starts_with("tlog-proof checkpoint (from line 7): malformed signed checkpoint"));
  CHECK(parse_error(good.substr(0, good.size() - 1)).starts_with("tlog-proof checkpoint (from line 7): malformed"));
  CHECK(parse_error(good + good).starts_with("tlog-proof checkpoint (from line 7): "));

  // With an extra line the checkpoint starts one line later.
  CHECK(parse_error(sample.text("extra AA==\n") + "x").starts_with("tlog-proof checkpoint (from line 8)"));

  // The C2SP example elides its signatures ("[...]"), so it cannot parse.
  const std::string spec_example =
      "c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\nindex 73894\n"
      "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\nB95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
      "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\nRoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
      "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n\nexample.com/fancylog\n109482\n"
      "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n\xE2\x80\x94 example.com/fancylog hI2DJw[...]1roloI=\n";
  CHECK(parse_error(spec_example).starts_with("tlog-proof checkpoint (from line 10): malformed signed checkpoint"));

  CHECK(parse_error(std::string(kMaxNoteBytes + 200 * 1024, 'a')).starts_with("tlog-proof is"));
}

TEST_CASE("tlog-proof: formatting refuses what would not parse back", "[tlog_proof]") {
  const SampleProof sample;
  TlogProof proof = sample.proof();
  proof.index = 7;
  CHECK_FALSE(format_tlog_proof(proof).has_value());
  proof = sample.proof();
  proof.inclusion_proof.pop_back();
  CHECK_FALSE(format_tlog_proof(proof).has_value());
  proof = sample.proof();
  proof.checkpoint += "\n";
  CHECK_FALSE(format_tlog_proof(proof).has_value());
  proof = sample.proof();
  proof.extra.assign(kMaxTlogProofExtraBytes + 1, 0);
  CHECK_FALSE(format_tlog_proof(proof).has_value());
  proof.extra.assign(kMaxTlogProofExtraBytes, 0);
  CHECK(format_tlog_proof(proof).has_value());
}

TEST_CASE("tlog-proof: random bytes and mutations never crash the parser", "[tlog_proof][fuzz]") {
  const SampleProof sample;
  const std::string good = sample.text("extra AAEC\n");
  REQUIRE(parse_tlog_proof(good).has_value());
  std::mt19937 random(99);
  for (int round = 0; round < 4000; ++round) {
    std::string mutated = good;
    const int edits = 1 + static_cast<int>(random() % 5);
    for (int e = 0; e < edits && !mutated.empty(); ++e) {
      const std::size_t at = random() % mutated.size();
      switch (random() % 4) {
        case 0: mutated[at] = static_cast<char>(random()); break;
        case 1: mutated.erase(at, 1 + random() % 16); break;
        case 2: mutated.insert(at, 1, '\n'); break;
        default: mutated.insert(at, mutated.substr(random() % mutated.size(), 1 + random() % 60)); break;
      }
    }
    Result<TlogProof> parsed = parse_tlog_proof(mutated);
    if (parsed) CHECK(format_tlog_proof(*parsed) == mutated);  // anything accepted is canonical
  }
  for (int round = 0; round < 500; ++round) {
    std::string noise(random() % 300, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    CHECK_FALSE(parse_tlog_proof(noise).has_value());
    CHECK_FALSE(parse_tlog_proof("c2sp.org/tlog-proof@v1\n" + noise).has_value());
  }
}

}  // namespace
}  // namespace vinledger
