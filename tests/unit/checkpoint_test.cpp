// C2SP tlog-checkpoint bodies and signed checkpoints, against the
// transparency-dev/formats, golang.org/x/mod and C2SP vectors.
#include "vinledger/checkpoint.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "vinledger/encoding.h"
#include "vinledger/hash.h"

namespace vinledger {
namespace {

const std::string kEmDash = "\xE2\x80\x94";
const std::string kSumdbVkey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
const std::string kSumdbOrigin = "go.sum database tree";

nlohmann::json load_vectors() {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/signed_note_vectors.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

const nlohmann::json& open_case(const nlohmann::json& vectors, std::string_view id) {
  for (const auto& c : vectors["open_cases"]) {
    if (c["id"] == id) return c;
  }
  FAIL("no open case " << id);
  throw std::logic_error("unreachable");
}

SigningKey key_from_byte(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  return SigningKey::from_seed(seed);
}

VerifierKey vkey(std::string_view text) {
  Result<VerifierKey> key = VerifierKey::parse(text);
  REQUIRE(key.has_value());
  return *key;
}

Checkpoint sample_checkpoint() { return Checkpoint{"example.com/vinledger", 42, sha256("root"), {}}; }

std::string body_with_root(std::string_view origin, std::string_view size, std::string_view rest = "") {
  return std::string(origin) + "\n" + std::string(size) + "\n" + base64_encode(sha256("root")) + "\n" +
         std::string(rest);
}

std::string parse_error(std::string_view body) {
  Result<Checkpoint> parsed = parse_checkpoint_body(body);
  INFO(body);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().kind == ErrorKind::invalid_input);
  return parsed.error().message;
}

std::vector<std::string> lines_of(std::string text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.erase(0, end + 1);
  }
  return lines;
}

// transparency-dev/formats accepts any root hash length and empty extension
// lines. Our parser is strict C2SP for an RFC 6962 SHA-256 tree, so it
// refuses the first five "valid" cases: their root hashes are 7 and 37 bytes
// (a root that is not 32 bytes cannot be a root of our tree, and accepting
// it would let a checkpoint name a tree no one can check), and the fifth
// also has empty extension lines, which C2SP says MUST NOT be. Each of those
// bodies is then checked with a 32-byte root in place, to show everything
// else about it is read as the source expects.
TEST_CASE("checkpoint: body parse cases of transparency-dev/formats", "[checkpoint]") {
  const nlohmann::json vectors = load_vectors();
  REQUIRE(vectors["checkpoint_body_parse"].size() == 12);
  for (const auto& c : vectors["checkpoint_body_parse"]) {
    const std::string body = c["body"];
    INFO(c["desc"]);
    const std::string message = parse_error(body);
    if (!c["expect_valid_in_source"].get<bool>()) continue;

    CHECK(message.starts_with("checkpoint line 3 (root hash): decodes to "));
    CHECK(message.ends_with(" bytes; a SHA-256 root hash is 32"));
    const std::string origin = c["expected"]["origin"];
    const std::string size = std::to_string(c["expected"]["size"].get<std::uint64_t>());
    const std::string rest = c["expected_rest"];
    const std::string fixed = body_with_root(origin, size, rest);
    if (rest.find("\n\n") != std::string::npos || rest.starts_with("\n")) {
      CHECK(parse_error(fixed) == "checkpoint line 4 (extension): extension lines must not be empty");
      continue;
    }
    Result<Checkpoint> parsed = parse_checkpoint_body(fixed);
    REQUIRE(parsed.has_value());
    CHECK(parsed->origin == origin);
    CHECK(std::to_string(parsed->size) == size);
    CHECK(parsed->root == sha256("root"));
    CHECK(parsed->extensions == lines_of(rest));
    CHECK(format_checkpoint_body(*parsed) == fixed);
  }
}

TEST_CASE("checkpoint: the invalid cases fail on the line the source blames", "[checkpoint]") {
  CHECK(parse_error("Head\n9944\n") == "checkpoint body has 2 lines; it needs origin, tree size and root hash");
  CHECK(parse_error("\n9944\n" + base64_encode(sha256("x")) + "\n") == "checkpoint line 1 (origin): origin is empty");
  CHECK(parse_error("Log\n123\nYmFuYW5hcw==") == "checkpoint body: note text must end in a newline");
  CHECK(parse_error(body_with_root("Log", "bananas")).starts_with("checkpoint line 2 (tree size)"));
  CHECK(parse_error(body_with_root("Log", "-34")).starts_with("checkpoint line 2 (tree size)"));
  CHECK(
      parse_error(body_with_root("Log", "3438945738945739845734895735")).starts_with("checkpoint line 2 (tree size)"));
  CHECK(parse_error("Log\n123\nThisIsn'tBase64\n").starts_with("checkpoint line 3 (root hash): not strict"));
}

// The marshal vectors use 7- and 37-byte roots our Checkpoint cannot hold
// (see above). What they pin down is the layout, which is checked with a
// 32-byte root: the origin and size lines of the expected body, then base64
// of the root, each line ending in a newline and nothing else.
TEST_CASE("checkpoint: marshal layout", "[checkpoint]") {
  const nlohmann::json vectors = load_vectors();
  for (const auto& c : vectors["checkpoint_marshal"]) {
    const std::string expected = c["expected_body"];
    const std::string ascii_root = c["root_hash_ascii"];
    CHECK(lines_of(expected).at(2) == base64_encode(ascii_root));

    const Checkpoint checkpoint{c["origin"], c["size"], sha256(ascii_root), {}};
    Result<std::string> body = format_checkpoint_body(checkpoint);
    REQUIRE(body.has_value());
    const std::vector<std::string> lines = lines_of(*body);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == lines_of(expected)[0]);
    CHECK(lines[1] == lines_of(expected)[1]);
    CHECK(lines[2] == base64_encode(checkpoint.root));
    CHECK(*body == lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n");
  }
}

TEST_CASE("checkpoint: Go sumdb tree note", "[checkpoint]") {
  const nlohmann::json vectors = load_vectors();
  for (const auto& c : vectors["go_sumdb_tree_note"]) {
    const std::string body = c["body"];
    Result<Checkpoint> parsed = parse_checkpoint_body(body);
    REQUIRE(parsed.has_value());
    CHECK(parsed->origin == kSumdbOrigin);
    CHECK(parsed->size == 123456789012u);
    CHECK(parsed->root == leaf_hash(c["root_hash_is_rfc6962_leaf_hash_of_ascii"].get<std::string>()));
    CHECK(parsed->extensions.empty());
    CHECK(format_checkpoint_body(*parsed) == body);
  }
}

TEST_CASE("checkpoint: the spec example parses but cannot be verified", "[checkpoint]") {
  const nlohmann::json vectors = load_vectors();
  const auto& example = vectors["spec_examples_unverifiable"][0];
  Result<UnverifiedCheckpoint> parsed = parse_unverified_checkpoint(example["note"].get<std::string>());
  REQUIRE(parsed.has_value());
  const auto& expected = example["expected_parse"];
  CHECK(parsed->checkpoint.origin == expected["origin"].get<std::string>());
  CHECK(parsed->checkpoint.size == expected["size"].get<std::uint64_t>());
  CHECK(base64_encode(parsed->checkpoint.root) == expected["root_hash_b64"].get<std::string>());
  REQUIRE(parsed->note.signatures.size() == 1);
  CHECK(parsed->note.signatures[0].name == expected["signature_key_name"].get<std::string>());
  CHECK(parsed->note.signatures[0].key_id == 0x033de0ae);
  // Its key id collides with sum.golang.org's, but the name does not match.
  CHECK_FALSE(
      open_checkpoint(example["note"].get<std::string>(), expected["origin"].get<std::string>(), vkey(kSumdbVkey))
          .has_value());
}

TEST_CASE("checkpoint: real sum.golang.org checkpoints open", "[checkpoint]") {
  const nlohmann::json vectors = load_vectors();
  const VerifierKey sumdb = vkey(kSumdbVkey);
  for (const char* id : {"sumdb-6476701", "sumdb-15067302", "sumdb-3935567", "sumdb-6353345"}) {
    INFO(id);
    const std::string note = open_case(vectors, id)["note"];
    Result<VerifiedCheckpoint> opened = open_checkpoint(note, kSumdbOrigin, sumdb);
    INFO((opened ? "" : opened.error().message));
    REQUIRE(opened.has_value());
    CHECK(opened->checkpoint.origin == kSumdbOrigin);
    CHECK(opened->cosignatures.empty());
  }
  Result<VerifiedCheckpoint> opened =
      open_checkpoint(open_case(vectors, "sumdb-6476701")["note"].get<std::string>(), kSumdbOrigin, sumdb);
  REQUIRE(opened.has_value());
  CHECK(opened->checkpoint.size == 6476701);
  CHECK(base64_encode(opened->checkpoint.root) == "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=");
}

TEST_CASE("checkpoint: the wrong-origin policy case is rejected at the origin check", "[checkpoint]") {
  const nlohmann::json vectors = load_vectors();
  const auto& c = open_case(vectors, "sumdb-6476701-wrong-origin-policy");
  REQUIRE(c["expected_checkpoint_result"] == "reject");
  Result<VerifiedCheckpoint> opened = open_checkpoint(
      c["note"].get<std::string>(), c["expected_origin_for_checkpoint_check"].get<std::string>(), vkey(kSumdbVkey));
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().message ==
        "checkpoint origin \"go.sum database tree\" is not the expected \"Go rocks but I might have the wrong ID\"");
}

TEST_CASE("checkpoint: sumdb with witnesses", "[checkpoint]") {
  const nlohmann::json vectors = load_vectors();
  const auto& c = open_case(vectors, "sumdb-6476701-cosig-plus-random");
  const std::vector<TrustedKey> witnesses{vkey("monkeys+db4d9f7e+AULaJMvTtDLHPUcUrjdDad9vDlh/PTfC2VV60JUtCfWT")};
  Result<VerifiedCheckpoint> opened =
      open_checkpoint(c["note"].get<std::string>(), kSumdbOrigin, vkey(kSumdbVkey), witnesses);
  REQUIRE(opened.has_value());
  REQUIRE(opened->cosignatures.size() == 1);
  CHECK(opened->cosignatures[0].name == "monkeys");
  CHECK(opened->unverified.size() == 4);

  // Tampered size and a changed key id both fail.
  CHECK_FALSE(open_checkpoint(open_case(vectors, "sumdb-6476701-tampered-size")["note"].get<std::string>(),
                              kSumdbOrigin, vkey(kSumdbVkey))
                  .has_value());
  CHECK_FALSE(open_checkpoint(open_case(vectors, "sumdb-6476701-wrong-keyid")["note"].get<std::string>(), kSumdbOrigin,
                              vkey(kSumdbVkey))
                  .has_value());
}

struct SignedFixture {
  SigningKey log_key = key_from_byte(11);
  VerifierKey log = log_key.verifier("example.com/vinledger");
  SigningKey witness_key = key_from_byte(12);
  CosignerKey witness = CosignerKey::from_public_key("witness.example/w1", witness_key.public_key());
  Checkpoint checkpoint = sample_checkpoint();

  std::string cosigned(std::uint64_t timestamp) const {
    Result<std::string> note = sign_checkpoint(checkpoint, log_key, log.name());
    REQUIRE(note.has_value());
    Result<SignedNote> parsed = parse_signed_note(*note);
    REQUIRE(parsed.has_value());
    Result<NoteSignature> cosignature = cosign_checkpoint(checkpoint, witness_key, witness.name(), timestamp);
    REQUIRE(cosignature.has_value());
    parsed->signatures.push_back(*cosignature);
    Result<std::string> formatted = format_signed_note(*parsed);
    REQUIRE(formatted.has_value());
    return *formatted;
  }
};

TEST_CASE("checkpoint: sign, cosign and open round trip", "[checkpoint]") {
  const SignedFixture f;
  const std::string note = f.cosigned(1700000000);
  const std::vector<TrustedKey> witnesses{f.witness};
  Result<VerifiedCheckpoint> opened = open_checkpoint(note, f.checkpoint.origin, f.log, witnesses);
  REQUIRE(opened.has_value());
  CHECK(opened->checkpoint == f.checkpoint);
  CHECK(opened->body == *format_checkpoint_body(f.checkpoint));
  REQUIRE(opened->cosignatures.size() == 1);
  CHECK(opened->cosignatures[0].name == "witness.example/w1");
  CHECK(opened->cosignatures[0].timestamp == 1700000000);
  CHECK(opened->unverified.empty());

  // Without the witness configured its cosignature is merely unverified.
  Result<VerifiedCheckpoint> log_only = open_checkpoint(note, f.checkpoint.origin, f.log);
  REQUIRE(log_only.has_value());
  CHECK(log_only->cosignatures.empty());
  REQUIRE(log_only->unverified.size() == 1);
  CHECK(log_only->unverified[0].name == "witness.example/w1");

  // Extension lines are signed and read back.
  Checkpoint extended = f.checkpoint;
  extended.extensions = {"ext one", "ext+two"};
  Result<std::string> signed_extended = sign_checkpoint(extended, f.log_key, f.log.name());
  REQUIRE(signed_extended.has_value());
  Result<VerifiedCheckpoint> reopened = open_checkpoint(*signed_extended, extended.origin, f.log);
  REQUIRE(reopened.has_value());
  CHECK(reopened->checkpoint == extended);
}

TEST_CASE("checkpoint: a witness signature alone is not the log's", "[checkpoint]") {
  const SignedFixture f;
  const NoteSignature cosignature = *cosign_checkpoint(f.checkpoint, f.witness_key, f.witness.name(), 5);
  const std::string note = *format_signed_note(SignedNote{*format_checkpoint_body(f.checkpoint), {cosignature}});
  const std::vector<TrustedKey> witnesses{f.witness};
  Result<VerifiedCheckpoint> opened = open_checkpoint(note, f.checkpoint.origin, f.log, witnesses);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().message == "checkpoint is not signed by the log key " + f.log.text());
}

// Every single-byte change, and every truncation, of a signed checkpoint
// must be refused. Signatures from keys not passed in are ignored (the spec
// says so: it is how witnesses are added), so a change that only spoils the
// witness's line of a cosigned checkpoint leaves one signed by the log; for
// that note "refused" means the cosignature no longer counts.
bool accepted(std::string_view note, const SignedFixture& f, bool cosignature_required) {
  const std::vector<TrustedKey> witnesses{f.witness};
  Result<VerifiedCheckpoint> opened = open_checkpoint(note, f.checkpoint.origin, f.log, witnesses);
  if (!opened) return false;
  CHECK(opened->checkpoint == f.checkpoint);
  return !cosignature_required || !opened->cosignatures.empty();
}

void check_every_mutation_refused(const std::string& note, const SignedFixture& f, bool cosignature_required) {
  REQUIRE(accepted(note, f, cosignature_required));
  for (std::size_t i = 0; i < note.size(); ++i) {
    for (const unsigned mask : {0x01u, 0x02u, 0x04u, 0x08u, 0x10u, 0x20u, 0x40u, 0x80u, 0xFFu}) {
      std::string mutated = note;
      mutated[i] = static_cast<char>(static_cast<unsigned char>(mutated[i]) ^ mask);
      INFO("byte " << i << " mask " << mask);
      CHECK_FALSE(accepted(mutated, f, cosignature_required));
    }
  }
  for (std::size_t length = 0; length < note.size(); ++length) {
    INFO("truncated to " << length);
    CHECK_FALSE(accepted(note.substr(0, length), f, cosignature_required));
  }
}

TEST_CASE("checkpoint: every flipped byte of a signed checkpoint is refused", "[checkpoint][mutation]") {
  const SignedFixture f;
  SECTION("signed by the log only: every change fails outright") {
    check_every_mutation_refused(*sign_checkpoint(f.checkpoint, f.log_key, f.log.name()), f, false);
  }
  SECTION("cosigned: no change keeps both signatures") {
    check_every_mutation_refused(f.cosigned(1700000000), f, true);
  }
}

TEST_CASE("checkpoint: strict body rules", "[checkpoint]") {
  const std::string root = base64_encode(sha256("root"));
  CHECK(parse_checkpoint_body(body_with_root("o", "0")).has_value());
  CHECK(parse_checkpoint_body(body_with_root("o", "18446744073709551615"))->size == UINT64_MAX);
  CHECK(parse_error(body_with_root("o", "18446744073709551616")).starts_with("checkpoint line 2"));
  CHECK(parse_error(body_with_root("o", "0123")).starts_with("checkpoint line 2"));
  CHECK(parse_error(body_with_root("o", "00")).starts_with("checkpoint line 2"));
  CHECK(parse_error(body_with_root("o", "+5")).starts_with("checkpoint line 2"));
  CHECK(parse_error(body_with_root("o", " 5")).starts_with("checkpoint line 2"));
  CHECK(parse_error(body_with_root("o", "5 ")).starts_with("checkpoint line 2"));
  CHECK(parse_error(body_with_root("o", "")).starts_with("checkpoint line 2"));
  CHECK(parse_error(body_with_root("o", "\xEF\xBC\x95")).starts_with("checkpoint line 2"));  // fullwidth 5
  CHECK(parse_error("o\n5\n" + base64_encode(std::string(31, 'r')) + "\n")
            .ends_with("decodes to 31 bytes; a SHA-256 root hash is 32"));
  CHECK(parse_error("o\n5\n" + base64_encode(std::string(33, 'r')) + "\n")
            .ends_with("decodes to 33 bytes; a SHA-256 root hash is 32"));
  CHECK(parse_error("o\n5\n" + root.substr(0, 43) + "\n").starts_with("checkpoint line 3 (root hash): not strict"));
  CHECK(parse_error("o\n5\n" + root + " \n").starts_with("checkpoint line 3 (root hash): not strict"));
  CHECK(parse_error("o\n5\n" + root.substr(0, 42) + "B=\n").starts_with("checkpoint line 3"));  // non-zero pad bits
  CHECK(parse_error("o\r\n5\n" + root + "\n").starts_with("checkpoint body: line 1: control character 0x0d"));
  CHECK(parse_error("o\n5\n" + root + "\next\n\nmore\n") ==
        "checkpoint line 5 (extension): extension lines must not be empty");
  CHECK(parse_error("o\xFF\n5\n" + root + "\n") == "checkpoint body: line 1: invalid UTF-8");

  // Origins are opaque: spaces and '+' are allowed (only a SHOULD in the spec).
  CHECK(parse_checkpoint_body(body_with_root("go.sum database tree", "1")).has_value());
  CHECK(parse_checkpoint_body(body_with_root("a+b", "1")).has_value());

  std::string extensions;
  for (int i = 0; i < 64; ++i) extensions += "e" + std::to_string(i) + "\n";
  CHECK(parse_checkpoint_body(body_with_root("o", "1", extensions))->extensions.size() == 64);
  CHECK(parse_error(body_with_root("o", "1", extensions + "e\n")) == "checkpoint has more than 64 extension lines");
  CHECK(parse_error(body_with_root("o", "1", std::string(kMaxCheckpointBodyBytes, 'e') + "\n"))
            .starts_with("checkpoint body is"));
}

TEST_CASE("checkpoint: formatting refuses what would not parse back", "[checkpoint]") {
  Checkpoint checkpoint = sample_checkpoint();
  CHECK(format_checkpoint_body(checkpoint).has_value());
  checkpoint.origin = "";
  CHECK_FALSE(format_checkpoint_body(checkpoint).has_value());
  checkpoint.origin = "two\nlines";
  CHECK(format_checkpoint_body(checkpoint).error().message == "checkpoint origin contains a newline");
  checkpoint.origin = "tab\there";
  CHECK_FALSE(format_checkpoint_body(checkpoint).has_value());
  checkpoint = sample_checkpoint();
  checkpoint.extensions = {""};
  CHECK_FALSE(format_checkpoint_body(checkpoint).has_value());
  checkpoint.extensions = {"a\nb"};
  CHECK_FALSE(format_checkpoint_body(checkpoint).has_value());
  CHECK_FALSE(check_checkpoint_origin("bad\xC3").has_value());
  CHECK(check_checkpoint_origin("example.com/vinledger").has_value());
  const SigningKey key = key_from_byte(9);
  CHECK_FALSE(sign_checkpoint(sample_checkpoint(), key, "bad name").has_value());
  CHECK_FALSE(cosign_checkpoint(checkpoint, key, "w", 1).has_value());
}

TEST_CASE("checkpoint: random mutations never crash the parsers", "[checkpoint][fuzz]") {
  const SignedFixture f;
  const std::string note = f.cosigned(1700000000);
  const std::vector<TrustedKey> witnesses{f.witness};
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = note;
    const int edits = 1 + static_cast<int>(random() % 5);
    for (int e = 0; e < edits && !mutated.empty(); ++e) {
      const std::size_t at = random() % mutated.size();
      switch (random() % 3) {
        case 0: mutated[at] = static_cast<char>(random()); break;
        case 1: mutated.erase(at, 1 + random() % 8); break;
        default: mutated.insert(at, mutated.substr(random() % mutated.size(), 1 + random() % 30)); break;
      }
    }
    (void)parse_unverified_checkpoint(mutated);
    Result<VerifiedCheckpoint> opened = open_checkpoint(mutated, f.checkpoint.origin, f.log, witnesses);
    if (opened) CHECK(opened->checkpoint == f.checkpoint);
  }
}

}  // namespace
}  // namespace vinledger
