// The destination rules on in-memory chains: ROUTE_DEVIATION,
// DESTINATION_MISMATCH, CONSIGNEE_COUNTRY_MISMATCH, NO_ARRIVAL,
// UNDECLARED_EXPORT, and the legitimate chains that must not fire.
#include "verification_fixture.h"

using namespace vinledger;
using namespace vinledger::test;

TEST_CASE("ROUTE_DEVIATION: a leg to a country the declaration does not name", "[verify][destination]") {
  Chain chain = clean_export();
  chain.ship("2023-06-05T08:00:00Z", "JPUKB", "BDCGP");
  auto found = with_code(chain.verify("2023-07-01"), "ROUTE_DEVIATION");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::kHigh);
  CHECK(found[0].seq == 23);
  CHECK(found[0].evidence == std::vector<std::int64_t>{22, 23});
  CHECK(mentions(found[0], "shipped Kobe (JPUKB), Japan (JP) -> Chattogram (BDCGP), Bangladesh (BD) at seq 23"));
  CHECK(mentions(found[0], "Bangladesh (BD) is neither the declared destination United Arab Emirates (AE) nor a "
                           "declared transit country (none was declared)"));
  CHECK(above_info(chain.verify("2023-07-01")).size() == 1);
}

TEST_CASE("declared transit, domestic legs and a second leg inside the same country do not deviate",
          "[verify][destination]") {
  Chain hub;
  hub.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .export_to("2023-06-01T01:15:00Z", "AE", "gulf", {{"via", {"SG"}}})
      .ship("2023-06-02T08:00:00Z", "JPNGO", "JPUKB")
      .ship("2023-06-05T08:00:00Z", "JPUKB", "SGSIN")
      .ship("2023-06-15T08:00:00Z", "SGSIN", "AEJEA")
      .import_into("2023-06-30T06:00:00Z", "AE", "gulf");
  auto findings = hub.verify();
  INFO(listed(findings));
  CHECK(above_info(findings).empty());

  Chain deviated = clean_export();
  deviated.ship("2023-06-05T08:00:00Z", "JPUKB", "BDCGP").ship("2023-06-07T08:00:00Z", "BDCGP", "BDMGL");
  CHECK(with_code(deviated.verify("2023-07-01"), "ROUTE_DEVIATION").size() == 1);
}

TEST_CASE("DESTINATION_MISMATCH: imported or registered elsewhere than declared", "[verify][destination]") {
  Chain chain;
  chain.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .export_to("2023-06-01T01:15:00Z", "AE", "gulf", {{"via", {"OM"}}})
      .ship("2023-06-05T08:00:00Z", "JPUKB", "OMSOH")
      .import_into("2023-06-30T06:00:00Z", "OM", "gulf");
  auto findings = chain.verify();
  INFO(listed(findings));
  REQUIRE(above_info(findings).size() == 1);
  CHECK(findings[0].code == "DESTINATION_MISMATCH");
  CHECK(findings[0].seq == 24);
  CHECK(findings[0].evidence == std::vector<std::int64_t>{22, 24});

  Chain registered_at_home = clean_export();
  registered_at_home.register_in("2023-06-10T00:00:00Z", "JP", "A. Owner");
  auto home = with_code(registered_at_home.verify("2023-07-01"), "DESTINATION_MISMATCH");
  REQUIRE(home.size() == 1);
  CHECK(mentions(home[0], "registered in Japan (JP)"));
}

TEST_CASE("CONSIGNEE_COUNTRY_MISMATCH: registered, inline and unknown consignees", "[verify][destination]") {
  auto consignee_findings = [](nlohmann::json consignee) {
    Chain chain;
    chain.manufacture("2023-04-03T02:00:00Z")
        .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
        .export_to("2023-06-01T01:15:00Z", "AE", std::move(consignee));
    return with_code(chain.verify("2023-06-02"), "CONSIGNEE_COUNTRY_MISMATCH");
  };
  CHECK(consignee_findings("gulf").empty());
  CHECK(consignee_findings({{"name", "Al Noor Trading LLC"}, {"country", "AE"}}).empty());

  auto registered = consignee_findings("lion");
  REQUIRE(registered.size() == 1);
  CHECK(registered[0].severity == Severity::kMedium);
  CHECK(registered[0].evidence == std::vector<std::int64_t>{6, 22});
  CHECK(mentions(registered[0], "Lion City Auto Trading Pte Ltd (lion) is registered in Singapore (SG) (seq 6)"));

  auto inline_consignee = consignee_findings({{"name", "Muscat Auto Traders LLC"}, {"country", "OM"}});
  REQUIRE(inline_consignee.size() == 1);
  CHECK(inline_consignee[0].severity == Severity::kMedium);
  CHECK(mentions(inline_consignee[0], "\"Muscat Auto Traders LLC\" is declared in Oman (OM)"));

  // An id no registration holds is UNREGISTERED_CONSIGNEE (high), no longer a low remark here.
  CHECK(consignee_findings("nobody").empty());
}

TEST_CASE("NO_ARRIVAL: as of a date, within a window", "[verify][destination]") {
  Chain in_transit = clean_export();
  in_transit.ship("2023-06-05T08:00:00Z", "JPUKB", "AEJEA");
  CHECK(with_code(in_transit.verify("2023-08-30"), "NO_ARRIVAL").empty());  // 89 days
  auto missing = with_code(in_transit.verify("2023-09-01"), "NO_ARRIVAL");   // 91 days
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].severity == Severity::kMedium);
  CHECK(missing[0].seq == 22);
  CHECK(missing[0].evidence == std::vector<std::int64_t>{22, 23});
  CHECK(mentions(missing[0], "91 days had passed by 2023-09-01, more than the 90-day arrival window"));
  CHECK(with_code(in_transit.verify("2023-09-01", 120), "NO_ARRIVAL").empty());

  Chain late = clean_export();
  late.ship("2023-06-05T08:00:00Z", "JPUKB", "AEJEA").import_into("2023-09-15T00:00:00Z", "AE", "gulf");
  auto arrived_late = with_code(late.verify(), "NO_ARRIVAL");
  REQUIRE(arrived_late.size() == 1);
  CHECK(arrived_late[0].severity == Severity::kLow);
  CHECK(arrived_late[0].seq == 24);
  CHECK(arrived_late[0].evidence == std::vector<std::int64_t>{22, 23, 24});

  Chain in_time = clean_export();
  in_time.ship("2023-06-05T08:00:00Z", "JPUKB", "AEJEA").import_into("2023-08-29T00:00:00Z", "AE", "gulf");
  CHECK(above_info(in_time.verify()).empty());

  Chain destroyed = clean_export();
  destroyed.destroy("2023-06-03T00:00:00Z", "kansai");
  CHECK(with_code(destroyed.verify(), "NO_ARRIVAL").empty());
}

TEST_CASE("UNDECLARED_EXPORT: showing up abroad with no export declared", "[verify][destination]") {
  Chain chain;
  chain.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .import_into("2023-06-30T06:00:00Z", "AE", "gulf");
  auto findings = chain.verify();
  INFO(listed(findings));
  REQUIRE(above_info(findings).size() == 1);
  CHECK(findings[0].code == "UNDECLARED_EXPORT");
  CHECK(findings[0].severity == Severity::kHigh);
  CHECK(findings[0].evidence == std::vector<std::int64_t>{20, 22});
  CHECK(mentions(findings[0], "no export from Japan (JP) was declared"));

  SECTION("a shipping leg abroad or a transfer abroad counts too") {
    Chain shipped;
    shipped.manufacture("2023-04-03T02:00:00Z").ship("2023-05-10T05:30:00Z", "JPUKB", "KRPUS");
    CHECK(with_code(shipped.verify(), "UNDECLARED_EXPORT").size() == 1);
    Chain domestic;
    domestic.manufacture("2023-04-03T02:00:00Z").ship("2023-05-10T05:30:00Z", "JPNGO", "JPUKB");
    CHECK(above_info(domestic.verify()).empty());
  }
  SECTION("after arrival, a fresh declaration from the new country is a legitimate re-export") {
    Chain re_export = clean_export();
    re_export.ship("2023-06-05T08:00:00Z", "JPUKB", "AEJEA")
        .import_into("2023-06-30T06:00:00Z", "AE", "gulf")
        .transfer("2023-08-01T00:00:00Z", "gulf", "lion", "AE")
        .export_to("2023-08-05T00:00:00Z", "SG", "lion", json::object(), "lion", "AE")
        .ship("2023-08-07T00:00:00Z", "AEJEA", "SGSIN")
        .import_into("2023-08-20T00:00:00Z", "SG", "lion");
    auto all = re_export.verify();
    INFO(listed(all));
    CHECK(above_info(all).empty());
  }
}
