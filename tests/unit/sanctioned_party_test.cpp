// SANCTIONED_PARTY: registered parties by the name in force, inline
// consignees and registered owners, against the shipped SAMPLE list.
#include "verification_fixture.h"

using namespace vinledger;
using namespace vinledger::test;

TEST_CASE("a registered consignee whose name matches an alias", "[verify][sanctions]") {
  Chain chain;
  chain.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .export_to("2023-06-01T01:15:00Z", "CN", "komid")
      .ship("2023-06-04T08:00:00Z", "JPOSA", "CNDAG")
      .import_into("2023-06-09T06:00:00Z", "CN", "komid");
  auto findings = chain.verify();
  INFO(listed(findings));
  REQUIRE(above_info(findings).size() == 1);
  const Finding& f = findings.at(0);
  CHECK(f.code == "SANCTIONED_PARTY");
  CHECK(f.severity == Severity::kCritical);
  CHECK(f.seq == 22);
  CHECK(f.evidence == std::vector<std::int64_t>{8, 22, 24});
  CHECK(mentions(f, "KOMID Co., Ltd. (komid)"));
  CHECK(mentions(f, "KPe.001 \"Korea Mining Development Trading Corporation\" (alias \"KOMID\")"));
  CHECK(mentions(f, "entry NOT verified"));
}

TEST_CASE("inline consignees and registered owners are screened by name", "[verify][sanctions]") {
  Chain inline_consignee;
  inline_consignee.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .export_to("2023-06-01T01:15:00Z", "CN",
                 {{"name", "KOREA MINING DEVELOPMENT TRADING CORP."}, {"country", "CN"}});
  auto inline_found = with_code(inline_consignee.verify("2023-06-02"), "SANCTIONED_PARTY");
  REQUIRE(inline_found.size() == 1);
  CHECK(inline_found[0].evidence == std::vector<std::int64_t>{22});

  Chain owner;
  owner.manufacture("2023-04-03T02:00:00Z").register_in("2023-05-10T05:30:00Z", "JP", "Komid", "rta");
  CHECK(with_code(owner.verify(), "SANCTIONED_PARTY").size() == 1);
}

TEST_CASE("names that only resemble a listed name do not match", "[verify][sanctions]") {
  Chain chain;
  chain.manufacture("2023-04-03T02:00:00Z")
      .register_in("2023-05-10T05:30:00Z", "JP", "Korea Mining Development Trading Partners", "rta")
      .register_in("2023-05-11T05:30:00Z", "JP", "KOMIDA Ltd", "rta");
  CHECK(with_code(chain.verify(), "SANCTIONED_PARTY").empty());
}

TEST_CASE("a party is screened under every name it was ever registered with", "[verify][sanctions]") {
  PartyHistory parties = standard_parties();
  parties.add(party("gulf", "Komid Co., Ltd.", "AE", {Role::kImporter}), 30);
  parties.add(party("gulf", "Gulf Premium Motors LLC", "AE", {Role::kImporter}), 40);
  Chain before;
  before.manufacture("2023-04-03T02:00:00Z").transfer("2023-05-10T05:30:00Z", "toyota", "gulf");  // seqs 20, 21
  // Before its listed name was registered, the party still had it later: screened all the same.
  auto earlier = with_code(before.verify_with(parties), "SANCTIONED_PARTY");
  REQUIRE(earlier.size() == 1);
  CHECK(mentions(earlier[0], "registration at seq 30"));
  Chain during("JTJHY7AX0N4000321", 31);
  during.manufacture("2023-04-03T02:00:00Z").transfer("2023-05-10T05:30:00Z", "toyota", "gulf");  // seqs 31, 32
  auto found = with_code(during.verify_with(parties), "SANCTIONED_PARTY");
  REQUIRE(found.size() == 1);
  CHECK(found[0].evidence == std::vector<std::int64_t>{30, 32});
  CHECK(mentions(found[0], "Komid Co., Ltd. (gulf)"));
}
