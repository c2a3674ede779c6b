// Evidence bundles through the library: Ledger::prove builds them from one
// snapshot against one checkpoint; verify_bundle checks them with nothing
// but the keys it is given, naming what it refuses.
#include <catch2/catch.hpp>

#include <sstream>

#include "bundle_witness.h"
#include "process.h"
#include "unit_ledger.h"
#include "vinledger/bundle.h"
#include "vinledger/ledger.h"
#include "vinledger/vin.h"

using namespace vinledger;
using vinledger::testing::numbered_vin;
using vinledger::testing::cosign_bundle;
using vinledger::testing::Witness;
using nlohmann::json;

namespace {


json registration(const std::string& id, const SigningKey& key, const std::string& role) {
  return {{"type", "party"}, {"time", "2025-01-01T00:00:00Z"}, {"actor", "operator"}, {"id", id},
          {"name", id},      {"country", "JP"},                {"roles", {role}},      {"vkey", key.verifier(id).text()}};
}

json manufacture(int n) {
  return {{"type", "manufacture"}, {"vin", numbered_vin(n)}, {"time", "2025-01-02T00:00:00Z"}, {"actor", "maker"},
          {"country", "JP"},       {"make", "Toyota"},  {"model", "Land Cruiser"},        {"year", 2025}};
}

json transfer(int n) {
  return {{"type", "transfer"}, {"vin", numbered_vin(n)}, {"time", "2025-01-03T00:00:00Z"}, {"actor", "maker"},
          {"from", "maker"},    {"to", "dealer"},    {"country", "JP"}};
}

// A ledger where the VIN's statements straddle a key rotation of their
// maker, with an unrelated party and vehicle interleaved.
struct BundleFixture {
  vinledger::testing::TempDir dir;
  SigningKey operator_key = SigningKey::generate();
  SigningKey maker_first = SigningKey::generate(), maker_second = SigningKey::generate();
  SigningKey dealer_key = SigningKey::generate(), other_key = SigningKey::generate();
  Ledger ledger = create(dir.path() / "l.db", operator_key);

  BundleFixture() {
    record(registration("maker", maker_first, "manufacturer"), operator_key);  // 1
    record(registration("dealer", dealer_key, "dealer"), operator_key);        // 2
    record(registration("other", other_key, "manufacturer"), operator_key);    // 3
    record(manufacture(1), maker_first);                                        // 4
    record(registration("maker", maker_second, "manufacturer"), operator_key);  // 5: rotation
    record(manufacture(2), maker_second);                                       // 6: another VIN
    record(transfer(1), maker_second);                                          // 7
  }

  static Ledger create(const std::filesystem::path& path, const SigningKey& key,
                       const std::string& origin = "unit.vinledger.example") {
    InitOptions options;
    options.origin = origin;
    auto created = Ledger::create(path, options, key, vinledger::testing::fixed_clock());
    REQUIRE(created);
    return std::move(*created);
  }

  void record(json statement, const SigningKey& key) {
    auto recorded = ledger.record(std::move(statement), key);
    INFO((recorded ? "" : recorded.error().message));
    REQUIRE(recorded);
  }

  BundleTrust trust() {
    auto key = ledger.log_key();
    REQUIRE(key);
    return BundleTrust{*key, {}, 0, {}};
  }

  std::string bundle_text(int vin = 1) {
    auto proved = ledger.prove(numbered_vin(vin), &operator_key);
    INFO((proved ? "" : proved.error().message));
    REQUIRE(proved);
    return format_bundle(proved->bundle);
  }
};

std::vector<std::int64_t> seqs_of(const json& items) {
  std::vector<std::int64_t> seqs;
  for (const auto& item : items) seqs.push_back(item["entry"]["seq"]);
  return seqs;
}

BundleFailure refusal(const std::string& text, const BundleTrust& trust) {
  auto verified = verify_bundle(text, trust);
  REQUIRE_FALSE(verified);
  return verified.error();
}

}  // namespace

TEST_CASE_METHOD(BundleFixture, "prove: the VIN's entries and every registration they rely on, against one checkpoint",
                 "[bundle][prove]") {
  const json bundle = json::parse(bundle_text());
  CHECK(bundle["format"] == "vinledger-bundle/v2");
  CHECK(bundle["vin"] == numbered_vin(1));
  CHECK(bundle["log_key"] == trust().log_key.text());
  CHECK(seqs_of(bundle["entries"]) == std::vector<std::int64_t>{4, 7});
  // operator, maker twice (the rotation is in force at 7), dealer (named by
  // the transfer); not "other".
  CHECK(seqs_of(bundle["parties"]) == std::vector<std::int64_t>{0, 1, 2, 5});

  auto verified = verify_bundle(bundle.dump(), trust());
  INFO((verified ? "" : verified.error().message()));
  REQUIRE(verified);
  CHECK(verified->vin == numbered_vin(1));
  REQUIRE(verified->events.size() == 2);
  CHECK(verified->events[1].seq == 7);
  CHECK(verified->checkpoint.checkpoint.size == 8);
  CHECK(verified->party_entries == 4);
  REQUIRE(verified->parties.as_of("maker", 7));
  CHECK(verified->parties.as_of("maker", 7)->seq == 5);
}

TEST_CASE_METHOD(BundleFixture, "prove issues a checkpoint only when none covers the VIN", "[bundle][prove]") {
  SECTION("without the operator key and no checkpoint: refused, nothing issued") {
    auto proved = ledger.prove(numbered_vin(1), nullptr);
    REQUIRE_FALSE(proved);
    CHECK(proved.error().kind == ErrorKind::invalid_input);
    CHECK(proved.error().message.find("--operator-key") != std::string::npos);
    CHECK(ledger.checkpoints()->empty());
  }
  SECTION("an existing checkpoint that covers the VIN is used, even without a key and behind the log") {
    REQUIRE(ledger.checkpoint(operator_key));
    record(manufacture(3), maker_second);
    auto proved = ledger.prove(numbered_vin(1), nullptr);
    REQUIRE(proved);
    CHECK_FALSE(proved->issued_checkpoint);
    CHECK(proved->checkpoint.checkpoint.size == 8);
    CHECK(verify_bundle(format_bundle(proved->bundle), trust()));
  }
  SECTION("a checkpoint that stops before the VIN's last entry is not enough") {
    auto early = ledger.checkpoint(operator_key);
    REQUIRE(early);
    record(transfer(2), maker_second);  // seq 8, VIN 2
    auto proved = ledger.prove(numbered_vin(2), &operator_key);
    REQUIRE(proved);
    CHECK(proved->issued_checkpoint);
    CHECK(proved->checkpoint.checkpoint.size == 9);
    CHECK(ledger.checkpoints()->size() == 2);
  }
  SECTION("an unknown VIN: an absence bundle") {
    auto proved = ledger.prove(numbered_vin(99), &operator_key);
    REQUIRE(proved);
    CHECK(proved->bundle.entries.empty());
    CHECK(proved->bundle.parties.empty());
    auto verified = verify_bundle(format_bundle(proved->bundle), trust());
    REQUIRE(verified);
    CHECK(verified->completeness == VerifiedBundle::Completeness::kAbsent);
  }
}

TEST_CASE_METHOD(BundleFixture, "verify_bundle trusts only the key it is given", "[bundle][verify]") {
  const std::string text = bundle_text();
  vinledger::testing::TempDir other_dir;
  const SigningKey other_operator = SigningKey::generate();
  Ledger other = create(other_dir.path() / "o.db", other_operator);
  auto other_key = other.log_key();
  REQUIRE(other_key);

  SECTION("another log's key: the bundle names another log") {
    auto failure = refusal(text, BundleTrust{*other_key, {}, 0, {}});
    CHECK(failure.kind == BundleFailure::Kind::integrity);
    CHECK(failure.item == "log_key");
  }
  SECTION("log_key rewritten to the trusted key: the checkpoint's signature still tells") {
    json bundle = json::parse(text);
    bundle["log_key"] = other_key->text();
    auto failure = refusal(bundle.dump(), BundleTrust{*other_key, {}, 0, {}});
    CHECK(failure.item == "checkpoint");
  }
  SECTION("the same key under another name (origin) is not this log's key") {
    const VerifierKey renamed = operator_key.verifier("elsewhere.example");
    json bundle = json::parse(text);
    bundle["log_key"] = renamed.text();
    CHECK(refusal(bundle.dump(), BundleTrust{renamed, {}, 0, {}}).item == "checkpoint");
  }
}

TEST_CASE_METHOD(BundleFixture, "verify_bundle names the item it refuses", "[bundle][verify]") {
  const json bundle = json::parse(bundle_text());
  auto refused_item = [&](const json& mutated) { return refusal(mutated.dump(), trust()).message(); };

  SECTION("a dropped VIN entry breaks the VIN's chain") {
    json mutated = bundle;
    mutated["entries"].erase(0);
    CHECK(refused_item(mutated).rfind("entries[0].entry.vin_prev: ", 0) == 0);
  }
  SECTION("a dropped key rotation leaves the statement without its key") {
    json mutated = bundle;
    mutated["parties"].erase(3);  // maker's rotation at seq 5
    CHECK(refused_item(mutated).rfind("entries[1].entry.statement.sig: ", 0) == 0);
  }
  SECTION("a dropped first registration breaks the party's chain") {
    json mutated = bundle;
    mutated["parties"].erase(1);  // maker's first registration
    CHECK(refused_item(mutated).rfind("parties[2].entry.vin_prev: ", 0) == 0);
  }
  SECTION("the operator's registration is required") {
    json mutated = bundle;
    mutated["parties"].erase(0);
    CHECK(refused_item(mutated).rfind("parties[0]: ", 0) == 0);
  }
  SECTION("an edited field changes the leaf") {
    json mutated = bundle;
    mutated["entries"][1]["entry"]["statement"]["country"] = "KP";
    CHECK(refused_item(mutated).rfind("entries[1].tlog_proof lines 3-", 0) == 0);
  }
  SECTION("a proof hash changed names its lines") {
    json mutated = bundle;
    std::string proof = mutated["entries"][0]["tlog_proof"];
    const std::size_t third_line = proof.find('\n', proof.find('\n') + 1) + 1;
    proof[third_line] = proof[third_line] == 'A' ? 'B' : 'A';
    mutated["entries"][0]["tlog_proof"] = proof;
    CHECK(refused_item(mutated).rfind("entries[0].tlog_proof", 0) == 0);
  }
  SECTION("a proof's index that is not the entry's seq") {
    json mutated = bundle;
    std::swap(mutated["entries"][0]["tlog_proof"], mutated["entries"][1]["tlog_proof"]);
    CHECK(refused_item(mutated).rfind("entries[0].tlog_proof line 2: ", 0) == 0);
  }
  SECTION("an unknown member is not a bundle") {
    json mutated = bundle;
    mutated["note"] = "trust me";
    CHECK(refusal(mutated.dump(), trust()).kind == BundleFailure::Kind::malformed);
    mutated = bundle;
    mutated["entries"][0]["comment"] = "x";
    CHECK(refusal(mutated.dump(), trust()).kind == BundleFailure::Kind::malformed);
  }
  SECTION("broken JSON and another format are malformed") {
    CHECK(refusal("{", trust()).kind == BundleFailure::Kind::malformed);
    json mutated = bundle;
    mutated["format"] = "vinledger-bundle/v3";
    CHECK(refusal(mutated.dump(), trust()).item == "format");
    // v1 has exactly five members: v2's with "format" changed is not one.
    mutated["format"] = "vinledger-bundle/v1";
    CHECK(refusal(mutated.dump(), trust()).kind == BundleFailure::Kind::malformed);
  }
  SECTION("a v1 bundle (no checkpoint, no index proof) verifies, without completeness") {
    json v1 = bundle;
    v1.erase("checkpoint");
    v1.erase("index_proof");
    v1["format"] = "vinledger-bundle/v1";
    auto verified = verify_bundle(v1.dump(), trust());
    REQUIRE(verified);
    CHECK(verified->completeness == VerifiedBundle::Completeness::kUnknown);
    CHECK(verify_bundle(bundle.dump(), trust())->completeness == VerifiedBundle::Completeness::kComplete);
  }
}

TEST_CASE_METHOD(BundleFixture, "verify_bundle: witness cosignatures and --min-witnesses", "[bundle][witness]") {
  const std::string text = bundle_text();
  const Witness w1{SigningKey::generate(), "witness.example/w1"}, w2{SigningKey::generate(), "witness.example/w2"};
  BundleTrust trust = this->trust();
  trust.witnesses = {w1.vkey(), w2.vkey()};

  SECTION("both cosigned, two required") {
    trust.min_witnesses = 2;
    auto verified = verify_bundle(cosign_bundle(text, {&w1, &w2}), trust);
    REQUIRE(verified);
    CHECK(verified->checkpoint.cosignatures.size() == 2);
  }
  SECTION("one cosigned, two required") {
    trust.min_witnesses = 2;
    auto failure = refusal(cosign_bundle(text, {&w1}), trust);
    CHECK(failure.item == "checkpoint");
    CHECK(failure.reason.find("1 of the trusted witnesses (witness.example/w1)") != std::string::npos);
  }
  SECTION("one cosigned, one required") {
    trust.min_witnesses = 1;
    CHECK(verify_bundle(cosign_bundle(text, {&w1}), trust));
  }
  SECTION("no cosignature, one required") {
    trust.min_witnesses = 1;
    CHECK(refusal(text, trust).item == "checkpoint");
  }
  SECTION("an untrusted witness does not count") {
    const Witness stranger{SigningKey::generate(), "witness.example/w1"};  // w1's name, another key
    trust.min_witnesses = 1;
    CHECK(refusal(cosign_bundle(text, {&stranger}), trust).item == "checkpoint");
  }
  SECTION("a cosignature that does not verify rejects the checkpoint") {
    trust.min_witnesses = 1;
    std::string cosigned = cosign_bundle(text, {&w1});
    // The same byte of w1's signature changed in every proof's checkpoint.
    const std::string marker = "\xE2\x80\x94 witness.example/w1 ";
    const std::size_t at = cosigned.find(marker);
    REQUIRE(at != std::string::npos);
    const std::string signature = cosigned.substr(at + marker.size(), cosigned.find('\\', at) - at - marker.size());
    std::string forged = signature;
    forged[20] = forged[20] == 'A' ? 'B' : 'A';
    for (std::size_t pos = 0; (pos = cosigned.find(signature, pos)) != std::string::npos; pos += forged.size())
      cosigned.replace(pos, signature.size(), forged);
    CHECK(refusal(cosigned, trust).item == "checkpoint");
  }
}
