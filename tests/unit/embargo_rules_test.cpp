// EMBARGOED_DESTINATION with the shipped rules.json: the UN DPRK measures,
// the EU and Japanese luxury-car bans on Russia (value thresholds, the
// exporting country they bind, the date they took effect).
#include "verification_fixture.h"

using namespace vinledger;
using namespace vinledger::test;

namespace {

nlohmann::json value(std::int64_t amount, const std::string& currency) {
  return {{"value", {{"amount", amount}, {"currency", currency}}}};
}

std::vector<Finding> export_findings(const std::string& destination, nlohmann::json consignee, nlohmann::json extra,
                                     const std::string& from = "JP", const std::string& time = "2023-06-01T01:15:00Z") {
  Chain chain;
  const std::string exporter = from == "JP" ? "kansai" : "hanse";
  chain.manufacture("2023-04-03T02:00:00Z", "toyota", from)
      .transfer("2023-05-10T05:30:00Z", "toyota", exporter, from)
      .export_to(time, destination, std::move(consignee), std::move(extra), exporter, from);
  return with_code(chain.verify("2023-06-02"), "EMBARGOED_DESTINATION");
}

}  // namespace

TEST_CASE("North Korea as a shipping leg, under both UN rules", "[verify][embargo]") {
  Chain chain = clean_export();
  chain.ship("2023-06-05T08:00:00Z", "JPUKB", "BDCGP").ship("2023-06-19T08:00:00Z", "BDCGP", "KPNAM");
  auto found = with_code(chain.verify("2023-07-01"), "EMBARGOED_DESTINATION");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::kCritical);
  CHECK(found[0].seq == 24);
  CHECK(found[0].evidence == std::vector<std::int64_t>{22, 24});
  CHECK(mentions(found[0], "-> Nampo (KPNAM), North Korea (KP)) takes the vehicle to North Korea (KP)"));
  CHECK(mentions(found[0], "UN-DPRK-LUXURY-GOODS"));
  CHECK(mentions(found[0], "UN-DPRK-TRANSPORT-VEHICLES"));
  CHECK(mentions(found[0], "cited wording NOT verified"));
}

TEST_CASE("KP as a declared destination, transit country or consignee country", "[verify][embargo]") {
  auto as_destination = export_findings("KP", {{"name", "Pyongyang Trading"}, {"country", "KP"}}, nlohmann::json::object());
  REQUIRE(as_destination.size() == 1);
  CHECK(mentions(as_destination[0], "the declared destination and the consignee's declared country"));

  auto as_via = export_findings("CN", {{"name", "Dalian Traders"}, {"country", "CN"}}, {{"via", {"KP"}}});
  REQUIRE(as_via.size() == 1);
  CHECK(mentions(as_via[0], "a declared transit country"));

  auto as_consignee = export_findings("CN", {{"name", "Sinuiju Trading"}, {"country", "KP"}}, nlohmann::json::object());
  REQUIRE(as_consignee.size() == 1);
  CHECK(as_consignee[0].severity == Severity::kCritical);
}

TEST_CASE("an undeclared import into North Korea is still embargoed", "[verify][embargo]") {
  Chain chain;
  chain.manufacture("2023-04-03T02:00:00Z").import_into("2023-06-30T06:00:00Z", "KP", "gulf");
  auto found = with_code(chain.verify(), "EMBARGOED_DESTINATION");
  REQUIRE(found.size() == 1);
  CHECK(found[0].evidence == std::vector<std::int64_t>{21});
  CHECK(with_code(chain.verify(), "UNDECLARED_EXPORT").size() == 1);
}

TEST_CASE("a VIN starting with KP is South Korean, not North Korean", "[verify][embargo]") {
  Chain chain("KPTA0B1S9PP000123");
  chain.manufacture("2023-02-06T01:00:00Z", "toyota", "KR");
  CHECK(with_code(chain.verify(), "EMBARGOED_DESTINATION").empty());
}

TEST_CASE("Japan's ban on cars over 6 million yen to Russia", "[verify][embargo]") {
  auto above = export_findings("RU", "vostok", value(8500000, "JPY"));
  REQUIRE(above.size() == 1);
  CHECK(above[0].severity == Severity::kCritical);
  CHECK(above[0].evidence == std::vector<std::int64_t>{7, 22});
  CHECK(mentions(above[0], "JP-RU-LUXURY-CARS"));
  CHECK(mentions(above[0], "the declared value 8,500,000 JPY (seq 22) exceeds 6,000,000 JPY"));
  CHECK(mentions(above[0], "the country of the consignee Vostok Premium Auto LLC (vostok) (registered at seq 7)"));

  // Not over the threshold, but a 2023 Lexus LX 600's reference value (12.5 million yen) is:
  // "may be prohibited" (high), never critical.
  auto at_threshold = export_findings("RU", "vostok", value(6000000, "JPY"));
  REQUIRE(at_threshold.size() == 1);
  CHECK(at_threshold[0].severity == Severity::kHigh);
  CHECK(mentions(at_threshold[0], "the reference value of a 2023 Lexus LX 600"));
  CHECK(export_findings("RU", "vostok", value(8500000, "JPY"), "JP", "2022-04-01T00:00:00Z").empty());  // before 5 April 2022

  auto missing = export_findings("RU", "vostok", nlohmann::json::object());
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].severity == Severity::kHigh);
  CHECK(mentions(missing[0], "no value was declared at seq 22"));

  // Another currency is converted at the rate of the declaration's date (USD 60,000 in 2023:
  // about 8.4 million yen).
  auto other_currency = export_findings("RU", "vostok", value(6000000, "USD"));
  REQUIRE(other_currency.size() == 1);
  CHECK(other_currency[0].severity == Severity::kCritical);
  CHECK(mentions(other_currency[0], "at the rate of 2023-06-01"));
  // A currency the table has no rate for falls back on the reference value.
  auto no_rate = export_findings("RU", "vostok", value(6000000, "KGS"));
  REQUIRE(no_rate.size() == 1);
  CHECK(no_rate[0].severity == Severity::kHigh);
  CHECK(mentions(no_rate[0], "cannot be converted"));
}

TEST_CASE("the EU ban binds exports from EU member states only", "[verify][embargo]") {
  auto from_germany = export_findings("RU", "vostok", value(6000000, "EUR"), "DE");
  REQUIRE(from_germany.size() == 1);
  CHECK(from_germany[0].severity == Severity::kCritical);
  CHECK(mentions(from_germany[0], "EU-RU-LUXURY-CARS"));
  CHECK(mentions(from_germany[0], "60,000.00 EUR"));
  // Under the threshold, but the Lexus's reference value is above it: high, not critical.
  auto under = export_findings("RU", "vostok", value(4000000, "EUR"), "DE");
  REQUIRE(under.size() == 1);
  CHECK(under[0].severity == Severity::kHigh);
  CHECK(export_findings("RU", "vostok", value(6000000, "EUR"), "JP").size() == 1);  // Japan's rule, EUR converted
}

TEST_CASE("rules are data: --rules replaces them and an empty set finds nothing", "[verify][embargo]") {
  ReferenceData none = shipped_reference();
  REQUIRE(none.set_rules({{"embargoes", nlohmann::json::array()}}, "."));
  Chain chain = clean_export();
  chain.ship("2023-06-05T08:00:00Z", "JPUKB", "KPNAM");
  CHECK(with_code(chain.verify("2023-07-01", 90, none), "EMBARGOED_DESTINATION").empty());
  CHECK(with_code(chain.verify("2023-07-01", 90, none), "ROUTE_DEVIATION").size() == 1);
}
