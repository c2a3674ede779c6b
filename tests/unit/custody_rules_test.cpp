// The custody rules on in-memory chains: NO_ORIGIN, DUPLICATE_ORIGIN,
// CUSTODY_GAP, TIME_REVERSAL, AFTER_TERMINAL, ROLE_MISMATCH,
// VIN_CHECK_DIGIT, WMI_MISMATCH.
#include "verification_fixture.h"

using namespace vinledger;
using namespace vinledger::test;

TEST_CASE("a complete chain that goes where it was declared has no custody finding", "[verify][custody]") {
  Chain chain = clean_export();
  chain.ship("2023-06-05T08:00:00Z", "JPUKB", "AEJEA")
      .import_into("2023-06-30T06:00:00Z", "AE", "gulf")
      .register_in("2023-07-02T06:00:00Z", "AE");
  auto findings = chain.verify();
  INFO(listed(findings));
  CHECK(above_info(findings).empty());
}

TEST_CASE("NO_ORIGIN: the first event is not a manufacture", "[verify][custody]") {
  Chain chain;
  chain.import_into("2023-06-30T06:00:00Z", "AE", "gulf").register_in("2023-07-02T06:00:00Z", "AE");
  auto findings = chain.verify();
  INFO(listed(findings));
  REQUIRE(above_info(findings).size() == 1);
  const Finding& f = findings.at(0);
  CHECK(f.code == "NO_ORIGIN");
  CHECK(f.severity == Severity::kMedium);
  CHECK(f.seq == 20);
  CHECK(f.evidence == std::vector<std::int64_t>{20});
  CHECK(mentions(f, "Gulf Premium Motors LLC (gulf)"));
}

TEST_CASE("DUPLICATE_ORIGIN: a second manufacture of one VIN", "[verify][custody]") {
  Chain chain;
  // The clone is stated as another model: the same manufacture stated twice
  // would be one event (DUPLICATE_EVENT), not a second origin.
  chain.manufacture("2023-04-03T02:00:00Z").transfer("2023-05-10T05:30:00Z", "toyota", "kansai");
  chain.add("manufacture", "2023-06-03T02:00:00Z", "toyota",
            {{"country", "JP"}, {"make", "Toyota"}, {"model", "Land Cruiser 250"}, {"year", 2023}});
  auto found = with_code(chain.verify(), "DUPLICATE_ORIGIN");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::kHigh);
  CHECK(found[0].seq == 22);
  CHECK(found[0].evidence == std::vector<std::int64_t>{20, 22});
  CHECK(mentions(found[0], "cloned VIN"));
  CHECK(above_info(chain.verify()).size() == 1);
}

TEST_CASE("CUSTODY_GAP names the custodian the event should have come from", "[verify][custody]") {
  SECTION("a transfer from someone who no longer holds the vehicle") {
    Chain chain;
    chain.manufacture("2023-04-03T02:00:00Z")
        .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
        .transfer("2023-05-20T05:30:00Z", "toyota", "naniwa");
    auto findings = chain.verify();
    INFO(listed(findings));
    REQUIRE(above_info(findings).size() == 1);
    CHECK(findings[0].code == "CUSTODY_GAP");
    CHECK(findings[0].severity == Severity::kHigh);
    CHECK(findings[0].seq == 22);
    CHECK(findings[0].evidence == std::vector<std::int64_t>{21, 22});
    CHECK(mentions(findings[0], "the custodian at that point was Kansai Prestige Motors K.K. (kansai) (since seq 21)"));
  }
  SECTION("a transfer recorded by neither side") {
    Chain chain;
    chain.manufacture("2023-04-03T02:00:00Z").transfer("2023-05-10T05:30:00Z", "toyota", "kansai", "JP", "naniwa");
    auto found = with_code(chain.verify(), "CUSTODY_GAP");
    REQUIRE(found.size() == 1);
    CHECK(mentions(found[0], "neither the giver nor the receiver"));
    CHECK(found[0].evidence == std::vector<std::int64_t>{20, 21});
  }
  SECTION("an export declared by someone other than the holder") {
    Chain chain;
    chain.manufacture("2023-04-03T02:00:00Z")
        .transfer("2023-05-10T05:30:00Z", "toyota", "naniwa")
        .export_to("2023-06-01T01:15:00Z", "AE", "gulf");
    auto found = with_code(chain.verify(), "CUSTODY_GAP");
    REQUIRE(found.size() == 1);
    CHECK(found[0].seq == 22);
    CHECK(mentions(found[0], "Naniwa Auto Sales K.K. (naniwa)"));
  }
  SECTION("a registry may record a destruction; a stranger may not") {
    Chain by_registry;
    by_registry.manufacture("2023-04-03T02:00:00Z").destroy("2023-05-10T05:30:00Z", "rta");
    CHECK(with_code(by_registry.verify(), "CUSTODY_GAP").empty());
    Chain by_stranger;
    by_stranger.manufacture("2023-04-03T02:00:00Z").destroy("2023-05-10T05:30:00Z", "naniwa");
    CHECK(with_code(by_stranger.verify(), "CUSTODY_GAP").size() == 1);
  }
  SECTION("without an origin there is no custodian to compare with") {
    Chain chain;
    chain.transfer("2023-05-10T05:30:00Z", "toyota", "kansai").transfer("2023-05-20T05:30:00Z", "naniwa", "gulf");
    CHECK(with_code(chain.verify(), "CUSTODY_GAP").size() == 1);  // the second: kansai held it by then
  }
}

TEST_CASE("TIME_REVERSAL: dated more than an hour before an earlier event", "[verify][custody]") {
  Chain late;
  late.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .export_to("2023-05-10T04:31:00Z", "AE", "gulf");  // 59 minutes earlier: clock slack
  CHECK(with_code(late.verify(), "TIME_REVERSAL").empty());

  Chain backdated;
  backdated.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .export_to("2023-05-01T05:30:00Z", "AE", "gulf");
  auto found = with_code(backdated.verify(), "TIME_REVERSAL");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::kMedium);
  CHECK(found[0].seq == 22);
  CHECK(found[0].evidence == std::vector<std::int64_t>{21, 22});
  CHECK(mentions(found[0], "216 hour(s) before"));
}

TEST_CASE("AFTER_TERMINAL: every event after a destruction", "[verify][custody]") {
  Chain chain;
  chain.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .destroy("2023-05-20T05:30:00Z", "kansai")
      .transfer("2023-06-10T05:30:00Z", "kansai", "naniwa")
      .register_in("2023-06-12T05:30:00Z", "JP", "A. Buyer", "rta");
  auto found = with_code(chain.verify(), "AFTER_TERMINAL");
  REQUIRE(found.size() == 2);
  CHECK(found[0].seq == 23);
  CHECK(found[0].evidence == std::vector<std::int64_t>{22, 23});
  CHECK(found[1].seq == 24);
  CHECK(found[0].severity == Severity::kHigh);
}

TEST_CASE("ROLE_MISMATCH uses the registration in force at the event", "[verify][custody]") {
  Chain chain;
  chain.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "naniwa")
      .export_to("2023-06-01T01:15:00Z", "AE", "gulf", json::object(), "naniwa");
  auto found = with_code(chain.verify(), "ROLE_MISMATCH");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::kMedium);
  CHECK(found[0].evidence == std::vector<std::int64_t>{9, 22});
  CHECK(mentions(found[0], "needs the exporter role"));

  // A key rotation that adds the role takes effect for later events only.
  PartyHistory rotated = standard_parties();
  rotated.add(party("naniwa", "Naniwa Auto Sales K.K.", "JP", {Role::kDealer, Role::kExporter}), 21);
  CHECK(with_code(chain.verify_with(rotated), "ROLE_MISMATCH").empty());
  PartyHistory too_late = standard_parties();
  too_late.add(party("naniwa", "Naniwa Auto Sales K.K.", "JP", {Role::kDealer, Role::kExporter}), 22);
  CHECK(with_code(chain.verify_with(too_late), "ROLE_MISMATCH").size() == 1);
  CHECK(too_late.as_of("naniwa", 22)->seq == 9);
  CHECK(too_late.as_of("naniwa", 23)->seq == 22);
  CHECK(too_late.as_of("naniwa", 9) == nullptr);
}

TEST_CASE("VIN_CHECK_DIGIT: low where the digit is advisory", "[verify][custody]") {
  Chain chain("JTJHY7AX1N4000321");  // 0 is the check digit
  chain.manufacture("2023-04-03T02:00:00Z");
  auto findings = chain.verify();
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].code == "VIN_CHECK_DIGIT");
  CHECK(findings[0].severity == Severity::kLow);
  CHECK(mentions(findings[0], "'1' at position 9 where the 49 CFR 565 check digit is '0'"));
}

TEST_CASE("WMI_MISMATCH: the manufacturer's WMI list lacks the VIN's WMI", "[verify][custody]") {
  Chain foreign("WDDUG8GB8LA000108");
  foreign.manufacture("2023-04-03T02:00:00Z");
  auto found = with_code(foreign.verify(), "WMI_MISMATCH");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::kHigh);
  CHECK(found[0].evidence == std::vector<std::int64_t>{1, 20});
  CHECK(mentions(found[0], "WMI WDD (DaimlerChrysler AG/Daimler AG, Germany, per the WMI table)"));
  CHECK(mentions(found[0], "lists only JTJ, JTM"));

  Chain unlisted;
  unlisted.manufacture("2023-04-03T02:00:00Z", "maker");
  auto info = with_code(unlisted.verify(), "WMI_MISMATCH");
  REQUIRE(info.size() == 1);
  CHECK(info[0].severity == Severity::kInfo);
}

TEST_CASE("findings come sorted by seq, worst first within a seq", "[verify]") {
  Chain chain;
  chain.transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .manufacture("2023-04-03T02:00:00Z")
      .manufacture("2023-04-04T02:00:00Z");
  auto findings = chain.verify();
  INFO(listed(findings));
  REQUIRE(findings.size() >= 3);
  for (std::size_t i = 1; i < findings.size(); ++i) {
    CHECK(*findings[i - 1].seq <= *findings[i].seq);
    if (findings[i - 1].seq == findings[i].seq) CHECK(findings[i - 1].severity >= findings[i].severity);
  }
}
