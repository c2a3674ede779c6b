// What the ledger's own append never writes, written by an insider (or by an
// older vinledger) straight into the file, and caught by the rules that do
// not trust the file: audit's WEAK_KEY and DUPLICATE_STATEMENT, and
// verify_bundle's key-in-force rules (revocation), which are audit's.
#include <catch2/catch.hpp>

#include "insider.h"
#include "process.h"
#include "unit_ledger.h"
#include "vinledger/bundle.h"
#include "vinledger/canonical_json.h"
#include "vinledger/encoding.h"
#include "vinledger/ledger.h"
#include "vinledger/vin.h"

using namespace vinledger;
using vinledger::testing::numbered_vin;
using vinledger::testing::insider_append;
using nlohmann::json;

namespace {

constexpr const char* kOrigin = "insider.vinledger.example";

// Signs as any party's software would, without the checks a new statement
// gets (a weak vkey, say): what an older vinledger recorded.
json signed_as_recorded(json statement, const SigningKey& key) {
  auto message = canonical_json(statement);
  REQUIRE(message);
  statement["sig"] = base64_encode(key.sign(std::string(kStatementSignaturePrefix) + *message));
  return statement;
}

json registration(const std::string& id, const std::string& vkey) {
  return {{"type", "party"}, {"time", "2025-01-01T00:00:00Z"}, {"actor", "operator"}, {"id", id},
          {"name", id},      {"country", "JP"},                {"roles", {"manufacturer"}}, {"vkey", vkey}};
}

json manufacture(int n, const std::string& actor = "maker") {
  return {{"type", "manufacture"}, {"vin", numbered_vin(n)}, {"time", "2025-01-02T00:00:00Z"}, {"actor", actor},
          {"country", "JP"},       {"make", "Toyota"},  {"model", "Land Cruiser"},        {"year", 2025}};
}

// The identity point: a key under which (R = identity, S = 0) verifies for
// every message in OpenSSL 3.0.
const PublicKeyBytes kIdentity = [] {
  PublicKeyBytes key{};
  key[0] = 0x01;
  return key;
}();

std::string forged_signature() {
  std::array<std::uint8_t, 64> signature{};
  signature[0] = 0x01;
  return base64_encode(signature);
}

struct InsiderFixture {
  vinledger::testing::TempDir dir;
  std::filesystem::path path = dir.path() / "l.db";
  SigningKey operator_key = SigningKey::generate();
  SigningKey maker_key = SigningKey::generate();
  Ledger ledger = create();

  Ledger create() {
    InitOptions options;
    options.origin = kOrigin;
    auto created = Ledger::create(path, options, operator_key, vinledger::testing::fixed_clock());
    REQUIRE(created);
    return std::move(*created);
  }

  void record(json statement, const SigningKey& key) {
    auto recorded = ledger.record(std::move(statement), key);
    INFO((recorded ? "" : recorded.error().message));
    REQUIRE(recorded);
  }

  std::vector<Finding> findings_of(const char* code) {
    auto report = ledger.audit();
    REQUIRE(report);
    std::vector<Finding> found;
    for (const auto& finding : report->findings) {
      INFO(finding.code << " " << finding.message);
      if (finding.code == code) found.push_back(finding);
    }
    return found;
  }

  // Every finding but those about the lookup indexes beside the entries (the
  // event index, the VIN index), which an insider writing raw rows leaves
  // stale and which the audit rightly reports too: the tests here are about
  // what the entries themselves show.
  std::vector<Finding> all_findings() {
    auto report = ledger.audit();
    REQUIRE(report);
    std::vector<Finding> findings;
    for (auto& finding : report->findings) {
      const bool index = finding.code == "INDEX_MISMATCH" ||
                         (finding.code == "HASH_MISMATCH" && finding.message.find("event index") != std::string::npos);
      if (!index) findings.push_back(std::move(finding));
    }
    return findings;
  }
};

}  // namespace

TEST_CASE_METHOD(InsiderFixture, "a weak party key is refused at registration, and audit reports one already recorded",
                 "[insider][weak_key][audit]") {
  const std::string weak_vkey = VerifierKey::from_public_key("maker", kIdentity).text();

  SECTION("refused when registered now") {
    auto refused = ledger.record(registration("maker", weak_vkey), operator_key);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("weak Ed25519 key") != std::string::npos);
  }

  SECTION("recorded by an older version: WEAK_KEY at the registration and at every statement it 'signed'") {
    const std::int64_t registered = insider_append(path, signed_as_recorded(registration("maker", weak_vkey), operator_key));
    json forged = manufacture(1);
    forged["sig"] = forged_signature();
    // Anyone can make this: OpenSSL alone would verify it.
    const std::int64_t statement = insider_append(path, forged);
    auto weak = findings_of("WEAK_KEY");
    REQUIRE(weak.size() == 2);
    CHECK(weak[0].seq == registered);
    CHECK(weak[0].severity == Severity::kCritical);
    CHECK(weak[0].message.find("party 'maker'") != std::string::npos);
    CHECK(weak[1].seq == statement);
    CHECK(weak[1].evidence == std::vector<std::int64_t>{registered, statement});
    CHECK(weak[1].message.find("'maker'") != std::string::npos);
    CHECK(all_findings().size() == 2);  // nothing else is wrong with this ledger

    // The ledger still opens; append refuses anything "signed" with the key.
    std::istringstream line(signed_as_recorded(manufacture(2), maker_key).dump() + "\n");
    auto appended = ledger.append(line, "batch");
    REQUIRE_FALSE(appended);
    CHECK(appended.error().message.find("is weak") != std::string::npos);
    json forged_again = manufacture(3);
    forged_again["sig"] = forged_signature();
    std::istringstream forged_line(forged_again.dump() + "\n");
    CHECK_FALSE(ledger.append(forged_line, "batch"));
  }
}

TEST_CASE_METHOD(InsiderFixture, "audit reports a replayed statement without the database's UNIQUE index",
                 "[insider][duplicate][audit]") {
  record(registration("maker", maker_key.verifier("maker").text()), operator_key);
  // A statement that vouches for no prev: a copy chains anywhere.
  const json original = signed_as_recorded(manufacture(1), maker_key);
  std::istringstream line(original.dump() + "\n");
  REQUIRE(ledger.append(line, "batch"));
  const std::int64_t original_seq = 2;
  record(manufacture(2), maker_key);
  CHECK(all_findings().empty());

  vinledger::testing::drop_statement_uniqueness(path);
  const std::int64_t copy_seq = insider_append(path, original);
  auto duplicates = findings_of("DUPLICATE_STATEMENT");
  REQUIRE(duplicates.size() == 1);
  CHECK(duplicates[0].seq == copy_seq);
  CHECK(duplicates[0].severity == Severity::kCritical);
  CHECK(duplicates[0].vin == numbered_vin(1));
  CHECK(duplicates[0].evidence == std::vector<std::int64_t>{original_seq, copy_seq});
  CHECK(all_findings().size() == 1);  // the copy is otherwise consistently chained
}

TEST_CASE_METHOD(InsiderFixture, "a statement bound to another log is refused, record binds what it records",
                 "[insider][log]") {
  record(registration("maker", maker_key.verifier("maker").text()), operator_key);
  json elsewhere = manufacture(1);
  elsewhere["log"] = "other.vinledger.example";
  auto signed_elsewhere = sign_statement(elsewhere, maker_key);
  REQUIRE(signed_elsewhere);
  std::istringstream line(signed_elsewhere->canonical + "\n");
  auto refused = ledger.append(line, "batch");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("is for the log \"other.vinledger.example\"") != std::string::npos);

  auto recorded = ledger.record(manufacture(2), maker_key);
  REQUIRE(recorded);
  auto entry = ledger.entry(recorded->first_seq);
  REQUIRE(entry);
  CHECK(entry->entry["statement"]["log"] == kOrigin);
  CHECK(ledger.entry(0)->entry["statement"]["log"] == kOrigin);  // the operator's own registration
}

TEST_CASE_METHOD(InsiderFixture, "no party key but the operator's may be named like the log", "[insider][origin]") {
  auto refused = ledger.record(registration("maker", maker_key.verifier(kOrigin).text()), operator_key);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("the log's origin") != std::string::npos);
  // Nor may the operator's key be named otherwise: it signs the checkpoints.
  const SigningKey next = SigningKey::generate();
  json rotation = registration("operator", next.verifier("not-the-origin").text());
  rotation["roles"] = {"regulator"};
  rotation["country"] = "ZZ";
  auto misnamed = ledger.record(rotation, operator_key);
  REQUIRE_FALSE(misnamed);
  CHECK(misnamed.error().message.find("must be named after the log's origin") != std::string::npos);
  auto parties = ledger.parties();
  REQUIRE(parties);
  CHECK(parties->size() == 1);
}

TEST_CASE_METHOD(InsiderFixture, "verify_bundle applies revocation as audit does", "[insider][bundle][revocation]") {
  record(registration("maker", maker_key.verifier("maker").text()), operator_key);  // 1
  record(manufacture(1), maker_key);                                                // 2
  json revocation = registration("maker", maker_key.verifier("maker").text());
  revocation["revoked"] = true;
  record(revocation, operator_key);  // 3
  // After its revocation the maker's statements are refused; an insider
  // writes one anyway, chained and proved like any other.
  json late = manufacture(1);
  late["type"] = "destroy";
  late.erase("make");
  late.erase("model");
  late.erase("year");
  const std::int64_t late_seq = insider_append(path, signed_as_recorded(late, maker_key));

  auto unknown = findings_of("UNKNOWN_KEY");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].seq == late_seq);

  auto proved = ledger.prove(numbered_vin(1), &operator_key);
  REQUIRE(proved);
  auto log_key = ledger.log_key();
  REQUIRE(log_key);
  auto verified = verify_bundle(format_bundle(proved->bundle), BundleTrust{*log_key, {}, 0, {}});
  REQUIRE_FALSE(verified);
  CHECK(verified.error().kind == BundleFailure::Kind::integrity);
  CHECK(verified.error().item == "entries[1].entry.statement.actor");
  CHECK(verified.error().reason.find("'maker' was revoked at seq 3") != std::string::npos);
}

TEST_CASE("a bundle's verdict says how far its evidence goes", "[bundle][verdict]") {
  const std::vector<Finding> none;
  const Verdict complete = bundle_verdict(none, EvidenceExtent{9, 10});
  CHECK(complete.words == verdict_for(none).words);
  const Verdict partial = bundle_verdict(none, EvidenceExtent{4, 10});
  CHECK(partial.words.find("up to seq 4 of the 10 entries") != std::string::npos);
  CHECK(partial.words.find("cannot be excluded") != std::string::npos);
  CHECK(partial.words.find("went where its declarations said") > partial.words.find("up to seq 4"));
  CHECK(partial.clean);
}
