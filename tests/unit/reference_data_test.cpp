// The shipped reference data and the rules-file format.
#include "verification_fixture.h"

#include <fstream>

#include "csv_table.h"

using namespace vinledger;
using namespace vinledger::test;

TEST_CASE("the shipped data loads and names makes, countries and ports", "[reference]") {
  const ReferenceData& data = shipped_reference();
  auto lexus = data.wmi_of("JTJHY7AX0N4000321");
  REQUIRE(lexus);
  CHECK(lexus->manufacturer == "Lexus");
  CHECK(lexus->country == "Japan");
  CHECK(lexus->code == "JTJ");

  auto ssangyong = data.wmi_of("KPTA0B1S9PP000123");  // 2-character table entry
  REQUIRE(ssangyong);
  CHECK(ssangyong->manufacturer == "SsangYong");
  CHECK(ssangyong->country == "South Korea");

  auto by_prefix = data.wmi_of("ZZZ00000000000000");
  CHECK((!by_prefix || by_prefix->manufacturer.empty()));

  CHECK(data.country_label("KP") == "North Korea (KP)");
  CHECK(data.country_label("US") == "United States of America (US)");
  CHECK(data.country_label("QQ") == "QQ");
  CHECK(data.port_label("KPNAM") == "Nampo (KPNAM)");
  CHECK(data.port_label("XXYYY") == "XXYYY");
}

TEST_CASE("every shipped embargo rule names its basis, its sources and whether it was verified", "[reference]") {
  const ReferenceData& data = shipped_reference();
  REQUIRE(data.embargoes().size() >= 4);
  for (const auto& rule : data.embargoes()) {
    INFO(rule.id);
    CHECK(!rule.legal_basis.empty());
    CHECK(!rule.sources.empty());
    CHECK(!rule.verification_note.empty());
    // A rule with no start date says why.
    CHECK((rule.in_force_from || rule.verification_note.find("No in_force_from") != std::string::npos));
  }
  auto find = [&](const std::string& id) -> const EmbargoRule& {
    for (const auto& rule : data.embargoes())
      if (rule.id == id) return rule;
    FAIL("no rule " << id);
    return data.embargoes().front();
  };
  CHECK(find("UN-DPRK-TRANSPORT-VEHICLES").verified == false);
  CHECK(find("UN-DPRK-LUXURY-GOODS").binds_exports_from("BD"));
  CHECK(find("EU-RU-LUXURY-CARS").binds_exports_from("DE"));
  CHECK_FALSE(find("EU-RU-LUXURY-CARS").binds_exports_from("JP"));
  CHECK(find("JP-RU-LUXURY-CARS").value_above->amount == 6000000);
  REQUIRE(data.denied_parties().size() == 4);
  CHECK(data.denied_parties()[0].verified == false);
  CHECK(data.denied_parties()[0].list.find("SAMPLE") != std::string::npos);
}

TEST_CASE("a rules file with a mistake is refused with the field named", "[reference]") {
  ReferenceData data = shipped_reference();
  auto refused = [&](nlohmann::json rules) {
    auto status = data.set_rules(rules, ".");
    return status ? std::string() : status.error().message;
  };
  nlohmann::json good = {{"id", "X"},
                         {"title", "t"},
                         {"legal_basis", "b"},
                         {"sources", {"s"}},
                         {"verification", "V"},
                         {"destinations", {"KP"}},
                         {"goods", "g"}};
  CHECK(refused({{"embargoes", {good}}}).empty());
  auto bad = good;
  bad["destinations"] = {"North Korea"};
  CHECK(refused({{"embargoes", {bad}}}).find("not an ISO 3166-1 alpha-2 code") != std::string::npos);
  bad = good;
  bad["verification"] = "yes";
  CHECK(refused({{"embargoes", {bad}}}).find("\"verification\"") != std::string::npos);
  bad = good;
  bad["value_above"] = {{"amount", "lots"}};
  CHECK(refused({{"embargoes", {bad}}}).find("value_above") != std::string::npos);
  bad = good;
  bad.erase("sources");
  CHECK(refused({{"embargoes", {bad}}}).find("sources") != std::string::npos);
  CHECK(refused({{"embargoes", {good}}, {"denied_parties", {{{"id", "1"}}}}}).find("lacks \"name\"") != std::string::npos);
  CHECK(refused({{"embargoes", {good}}, {"denied_party_files", {"missing.json"}}}).find("cannot read") != std::string::npos);
  CHECK(!refused({{"no_embargoes", 1}}).empty());
  CHECK(data.embargoes().size() == 1);  // the last good set stays
}

TEST_CASE("inline denied parties are screened by name and alias", "[reference][sanctions]") {
  ReferenceData data;
  REQUIRE(data.set_rules({{"embargoes", nlohmann::json::array()},
                          {"denied_parties",
                           {{{"id", "T-1"},
                             {"name", "Example Trading Co., Ltd."},
                             {"aliases", {"Exampletrade"}},
                             {"source", "test"},
                             {"verification", "U"}}}}},
                         "."));
  REQUIRE(data.screen_name("EXAMPLE TRADING LLC").size() == 1);
  CHECK(data.screen_name("Exampletrade Pte Ltd")[0].matched == "Exampletrade");
  CHECK(data.screen_name("Example Trading Partners").empty());
}

TEST_CASE("money is shown in major units of its currency", "[reference]") {
  CHECK(format_money({10000000, "JPY"}) == "10,000,000 JPY");
  CHECK(format_money({5000000, "EUR"}) == "50,000.00 EUR");
  CHECK(format_money({5, "USD"}) == "0.05 USD");
  CHECK(format_money({1234567, "KWD"}) == "1,234.567 KWD");
}

TEST_CASE("CSV: quoted fields, doubled quotes, a header", "[reference]") {
  auto table = CsvTable::parse("a,b\n1,\"x, \"\"y\"\"\"\n\n2,z\r\n", "t.csv");
  REQUIRE(table);
  REQUIRE(table->rows() == 2);
  CHECK(table->cell(0, 1) == "x, \"y\"");
  CHECK(table->cell(1, 1) == "z");
  CHECK(!table->column("c"));
  CHECK(!CsvTable::parse("a,b\n1\n", "t.csv"));
  CHECK(!CsvTable::parse("a\n\"open\n", "t.csv"));
}
