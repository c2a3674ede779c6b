// Operator key rotation as a verifiable event: endorsements, the chain a
// checkpoint carries, checkpoints opened with any earlier log key, and the
// whole cycle through the library (rotate, checkpoint, prove, verify with
// the old and the new key, a witness before and after, audit).
#include <catch2/catch.hpp>

#include <sstream>

#include "process.h"
#include "unit_ledger.h"
#include "vinledger/bundle.h"
#include "vinledger/checkpoint.h"
#include "vinledger/encoding.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/ledger.h"
#include "vinledger/vin.h"
#include "vinledger/witness.h"

using namespace vinledger;
using vinledger::testing::kFixedNow;
using vinledger::testing::numbered_vin;
using nlohmann::json;

namespace {

constexpr const char* kOrigin = "rotation.vinledger.example";

std::vector<std::string> lines_of(const std::vector<KeyEndorsement>& chain) {
  std::vector<std::string> lines;
  for (const auto& endorsement : chain) lines.push_back(endorsement.line());
  return lines;
}

struct Keys {
  SigningKey k0 = SigningKey::generate(), k1 = SigningKey::generate(), k2 = SigningKey::generate();
  VerifierKey v0 = k0.verifier(kOrigin), v1 = k1.verifier(kOrigin), v2 = k2.verifier(kOrigin);
  std::vector<KeyEndorsement> chain{endorse_key(kOrigin, k0, v1), endorse_key(kOrigin, k1, v2)};
};

std::string signed_checkpoint(const SigningKey& key, std::vector<std::string> extensions) {
  Checkpoint checkpoint{kOrigin, 5, sha256("root"), std::move(extensions)};
  auto note = sign_checkpoint(checkpoint, key, kOrigin);
  REQUIRE(note);
  return *note;
}

}  // namespace

TEST_CASE("a key endorsement verifies, and its line reads back", "[rotation][endorsement]") {
  Keys keys;
  const KeyEndorsement& endorsement = keys.chain[0];
  CHECK(endorsement.verify(kOrigin));
  CHECK_FALSE(endorsement.verify("other.example"));
  CHECK(endorsement.line().rfind("vinledger-key-endorsement/v1 " + keys.v0.text() + " " + keys.v1.text() + " ", 0) == 0);
  auto parsed = parse_key_endorsement_line(endorsement.line());
  REQUIRE(parsed);
  REQUIRE(*parsed);
  CHECK((*parsed)->line() == endorsement.line());
  CHECK((*parsed)->verify(kOrigin));
  // Another extension line is not an endorsement at all.
  auto other = parse_key_endorsement_line("index-root something");
  REQUIRE(other);
  CHECK_FALSE(*other);
  // One that starts like an endorsement must be one.
  CHECK_FALSE(parse_key_endorsement_line("vinledger-key-endorsement/v1 x y z"));
  CHECK_FALSE(parse_key_endorsement_line(endorsement.line() + " extra"));
  // The message binds origin, old key and new key.
  CHECK(key_endorsement_message(kOrigin, keys.v0, keys.v1) ==
        "vinledger/key-endorsement/v1\n" + std::string(kOrigin) + "\n" + keys.v0.text() + "\n" + keys.v1.text() + "\n");
}

TEST_CASE("a chain of endorsements is followed from any key in it", "[rotation][endorsement]") {
  Keys keys;
  const std::vector<std::string> lines = lines_of(keys.chain);
  auto chain = read_key_endorsements(lines, kOrigin);
  REQUIRE(chain);
  for (const VerifierKey& trusted : {keys.v0, keys.v1, keys.v2}) {
    auto signer = follow_key_endorsements(*chain, trusted);
    REQUIRE(signer);
    CHECK(*signer == keys.v2);
  }
  const VerifierKey stranger = SigningKey::generate().verifier(kOrigin);
  auto refused = follow_key_endorsements(*chain, stranger);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("do not start from the trusted key") != std::string::npos);
  auto empty = follow_key_endorsements({}, stranger);
  REQUIRE(empty);
  CHECK(*empty == stranger);

  SECTION("a forged endorsement (signed by a key other than the old one) is refused") {
    std::vector<std::string> forged = lines;
    KeyEndorsement fake = endorse_key(kOrigin, keys.k2, keys.v2);  // k2 "endorses" itself as if k1
    fake.old_key = keys.v1;
    forged[1] = fake.line();
    auto read = read_key_endorsements(forged, kOrigin);
    REQUIRE_FALSE(read);
    CHECK(read.error().message.find("checkpoint line 5 (key endorsement): not a valid endorsement") == 0);
  }
  SECTION("a gap in the chain is refused") {
    const std::vector<std::string> gap{lines[1]};
    REQUIRE(read_key_endorsements(gap, kOrigin));  // a chain may start anywhere
    const std::vector<std::string> broken{lines[1], lines[0]};
    auto read = read_key_endorsements(broken, kOrigin);
    REQUIRE_FALSE(read);
    CHECK(read.error().message.find("do not form one chain") != std::string::npos);
  }
  SECTION("keys must be named by the log's origin") {
    CHECK_FALSE(read_key_endorsements(lines, "other.example"));
  }
}

TEST_CASE("open_checkpoint follows the endorsements from any earlier log key", "[rotation][checkpoint]") {
  Keys keys;
  const std::string note = signed_checkpoint(keys.k2, lines_of(keys.chain));
  for (const VerifierKey& trusted : {keys.v0, keys.v1, keys.v2}) {
    auto opened = open_checkpoint(note, kOrigin, trusted);
    INFO((opened ? "" : opened.error().message));
    REQUIRE(opened);
    CHECK(opened->log_key == keys.v2.text());
  }
  CHECK_FALSE(open_checkpoint(note, kOrigin, SigningKey::generate().verifier(kOrigin)));
  // The chain leads to k2: a checkpoint signed by k1 that carries it is not
  // what the chain vouches for.
  CHECK_FALSE(open_checkpoint(signed_checkpoint(keys.k1, lines_of(keys.chain)), kOrigin, keys.v0));
  // Without the chain, an old key vouches for nothing newer.
  CHECK_FALSE(open_checkpoint(signed_checkpoint(keys.k2, {}), kOrigin, keys.v0));
  // A checkpoint from before the rotation still opens with the key of then.
  REQUIRE(open_checkpoint(signed_checkpoint(keys.k0, {}), kOrigin, keys.v0));
}

TEST_CASE("add_key_endorsement fills the operator's own new-key registration only", "[rotation][endorsement]") {
  Keys keys;
  json own = {{"type", "party"}, {"actor", "operator"}, {"id", "operator"}, {"vkey", keys.v1.text()}};
  add_key_endorsement(own, keys.k0);
  REQUIRE(own.contains("endorsement"));
  const auto signature = base64_decode(own["endorsement"].get<std::string>());
  REQUIRE(signature);
  SignatureBytes bytes;
  std::copy(signature->begin(), signature->end(), bytes.begin());
  CHECK((KeyEndorsement{keys.v0, keys.v1, bytes}.verify(kOrigin)));

  json same_key = {{"type", "party"}, {"actor", "operator"}, {"id", "operator"}, {"vkey", keys.v0.text()}};
  add_key_endorsement(same_key, keys.k0);
  CHECK_FALSE(same_key.contains("endorsement"));
  json other_party = {{"type", "party"}, {"actor", "operator"}, {"id", "maker"}, {"vkey", keys.v1.text()}};
  add_key_endorsement(other_party, keys.k0);
  CHECK_FALSE(other_party.contains("endorsement"));
}

namespace {

json manufacture(int n) {
  return {{"type", "manufacture"}, {"vin", numbered_vin(n)}, {"time", "2025-01-02T00:00:00Z"}, {"actor", "maker"},
          {"country", "JP"},       {"make", "Toyota"},  {"model", "Land Cruiser"},        {"year", 2025}};
}

json operator_registration(const VerifierKey& key) {
  return {{"type", "party"},   {"actor", "operator"}, {"id", "operator"},          {"name", kOrigin},
          {"country", "ZZ"},   {"roles", {"regulator"}}, {"vkey", key.text()}};
}

struct RotationFixture {
  vinledger::testing::TempDir dir;
  Keys keys;
  SigningKey maker = SigningKey::generate();
  Ledger ledger = create(dir.path() / "l.db", keys.k0);

  static Ledger create(const std::filesystem::path& path, const SigningKey& key) {
    InitOptions options;
    options.origin = kOrigin;
    auto created = Ledger::create(path, options, key, vinledger::testing::fixed_clock());
    REQUIRE(created);
    return std::move(*created);
  }

  RotationFixture() {
    record({{"type", "party"}, {"actor", "operator"}, {"id", "maker"}, {"name", "Maker"}, {"country", "JP"},
            {"roles", {"manufacturer"}}, {"vkey", maker.verifier("maker").text()}},
           keys.k0);
    record(manufacture(1), maker);
  }

  void record(json statement, const SigningKey& key) {
    auto recorded = ledger.record(std::move(statement), key);
    INFO((recorded ? "" : recorded.error().message));
    REQUIRE(recorded);
  }

  // What a party's own signing software produces: no endorsement added.
  Result<AppendReport> append_signed(json statement, const SigningKey& key) {
    statement["time"] = "2025-01-03T00:00:00Z";
    auto signed_statement = sign_statement(std::move(statement), key);
    REQUIRE(signed_statement);
    std::istringstream line(signed_statement->canonical + "\n");
    return ledger.append(line, "batch");
  }
};

}  // namespace

TEST_CASE_METHOD(RotationFixture, "a new operator key needs the old key's endorsement", "[rotation][append]") {
  SECTION("without one it is refused") {
    auto refused = append_signed(operator_registration(keys.v1), keys.k0);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("needs an \"endorsement\"") != std::string::npos);
  }
  SECTION("a forged one is refused") {
    json statement = operator_registration(keys.v1);
    statement["endorsement"] = base64_encode(endorse_key(kOrigin, keys.k1, keys.v1).signature);
    auto refused = append_signed(statement, keys.k0);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("is not the signature of the operator's key in force") != std::string::npos);
  }
  SECTION("one on another party's registration is refused") {
    json statement = {{"type", "party"}, {"actor", "operator"}, {"id", "maker"}, {"name", "Maker"}, {"country", "JP"},
                      {"roles", {"manufacturer"}}, {"vkey", maker.verifier("maker").text()},
                      {"endorsement", base64_encode(SignatureBytes{})}};
    CHECK_FALSE(append_signed(statement, keys.k0));
  }
}

TEST_CASE_METHOD(RotationFixture, "the whole cycle of an operator key rotation", "[rotation][cycle]") {
  // A witness that knows only the first key, and a checkpoint before.
  vinledger::testing::TempDir witness_dir;
  auto config = Witness::init(witness_dir.path() / "w", "customs.example/w", witness_dir.path() / "w.key", keys.v0);
  REQUIRE(config);
  WitnessSettings witness_settings;
  witness_settings.clock = [] { return kFixedNow; };
  auto witness = Witness::open(witness_dir.path() / "w", witness_settings);
  REQUIRE(witness);
  auto proofs = [&](std::uint64_t a, std::uint64_t b) -> Result<std::vector<Hash>> {
    auto proof = ledger.consistency_proof(a, b);
    if (!proof) return std::unexpected(proof.error());
    return proof->proof;
  };
  auto before = ledger.checkpoint(keys.k0);
  REQUIRE(before);
  REQUIRE(witness->cosign(before->note, proofs));

  // Rotate: record fills the endorsement; the old key signs it.
  record(operator_registration(keys.v1), keys.k0);
  auto log_key = ledger.log_key();
  REQUIRE(log_key);
  CHECK(*log_key == keys.v1);
  CHECK_FALSE(ledger.checkpoint(keys.k0));  // the old key signs no more checkpoints
  record(manufacture(2), maker);

  SECTION("prove never pairs a checkpoint with a key that did not sign it") {
    // The latest checkpoint was signed with k0: without the key in force,
    // prove cannot give a bundle its key would open.
    auto without_key = ledger.prove(numbered_vin(1), nullptr);
    REQUIRE_FALSE(without_key);
    CHECK(without_key.error().message.find("earlier operator key") != std::string::npos);
    auto proved = ledger.prove(numbered_vin(1), &keys.k1);
    REQUIRE(proved);
    CHECK(proved->bundle.log_key == keys.v1.text());
    const std::string bundle = format_bundle(proved->bundle);
    for (const VerifierKey& trusted : {keys.v0, keys.v1}) {
      auto verified = verify_bundle(bundle, BundleTrust{trusted, {}, 0, {}});
      INFO((verified ? "" : verified.error().message()));
      REQUIRE(verified);
      CHECK(verified->checkpoint.log_key == keys.v1.text());
    }
    // A stranger's key follows nothing.
    CHECK_FALSE(verify_bundle(bundle, BundleTrust{SigningKey::generate().verifier(kOrigin), {}, 0, {}}));
  }
  SECTION("the witness follows the rotation and keeps the newer key") {
    auto after = ledger.checkpoint(keys.k1);
    REQUIRE(after);
    // The VIN index line first, then the one endorsement line.
    REQUIRE(after->checkpoint.extensions.size() == 2);
    CHECK(after->checkpoint.extensions[0].rfind("vinledger-index/v1 ", 0) == 0);
    CHECK(after->checkpoint.extensions[1].rfind("vinledger-key-endorsement/v1 ", 0) == 0);
    auto cosigned = witness->cosign(after->note, proofs);
    INFO((cosigned ? "" : cosigned.error().message));
    REQUIRE(cosigned);
    // Having followed, it no longer takes a checkpoint signed by the old key.
    auto forged = sign_checkpoint(after->checkpoint, keys.k0, kOrigin);
    REQUIRE(forged);
    auto refused = witness->cosign(*forged, proofs);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::invalid_input);
  }
  SECTION("audit is clean, and every checkpoint issued opens") {
    REQUIRE(ledger.checkpoint(keys.k1));
    auto report = ledger.audit({{"before", before->note}});
    REQUIRE(report);
    for (const auto& finding : report->findings) INFO(finding.code << ": " << finding.message);
    CHECK(report->findings.empty());
    auto issued = ledger.checkpoints();
    REQUIRE(issued);
    REQUIRE(issued->size() == 2);
    for (const auto& checkpoint : *issued) CHECK(ledger.open_own_checkpoint(checkpoint.note));
  }
}
