// The trade rules: unconfirmed hand-overs, measures that follow a vehicle,
// customs unions, land and air legs, values, places, vessels, missions and
// the looser name matching; and the statement fields they read.
#include "name_matching.h"
#include "verification_fixture.h"
#include "vinledger/statement.h"

using namespace vinledger;
using namespace vinledger::test;

namespace {

std::string severity_of(const std::vector<Finding>& findings, const std::string& code) {
  auto matching = with_code(findings, code);
  if (matching.empty()) return "none";
  Severity worst = Severity::kInfo;
  for (const auto& f : matching) worst = std::max(worst, f.severity);
  return std::string(to_string(worst));
}

PartyHistory trade_parties() {
  PartyHistory history = standard_parties();
  history.add(party("bishkek", "Bishkek Auto Import LLC", "KG", {Role::kImporter, Role::kDealer, Role::kExporter}), 12);
  history.add(party("almaty", "Almaty Premium Motors LLP", "KZ", {Role::kImporter, Role::kDealer, Role::kExporter}), 13);
  history.add(party("gibdd", "Russian Traffic Police Registry", "RU", {Role::kRegistry}), 14);
  history.add(party("rail", "Silk Road Rail Logistics LLP", "KZ", {Role::kCarrier}), 15);
  history.add(party("paris", "Paris Autos Prestige SARL", "FR", {Role::kImporter, Role::kDealer}), 16);
  return history;
}

Chain lexus_2023(const std::string& engine_cc = "3444", const std::string& fuel = "petrol") {
  Chain chain;
  json fields = {{"country", "JP"}, {"make", "Lexus"}, {"model", "LX 600"}, {"year", 2023}};
  if (!engine_cc.empty()) fields["engine_cc"] = std::stoi(engine_cc);
  if (!fuel.empty()) fields["fuel"] = fuel;
  chain.add("manufacture", "2023-09-01T00:00:00Z", "toyota", fields);
  return chain;
}

}  // namespace

TEST_CASE("statements carry engine, fuel, HS code, IMO number and land or air legs", "[statement][trade]") {
  auto statement = [](json object) {
    object["sig"] = base64_encode(std::vector<std::uint8_t>(64, 0));
    return statement_from_json(std::move(object));
  };
  json manufacture = {{"type", "manufacture"}, {"vin", kVin}, {"time", "2023-01-01T00:00:00Z"}, {"actor", "toyota"},
                      {"country", "JP"}, {"make", "Lexus"}, {"model", "LX 600"}, {"year", 2023}};
  CHECK(statement(manufacture));
  manufacture["engine_cc"] = 3444;
  manufacture["fuel"] = "plug_in_hybrid";
  manufacture["hs_code"] = "870323";
  CHECK(statement(manufacture));
  for (auto [field, bad] : {std::pair<const char*, json>{"engine_cc", 0}, {"engine_cc", "3444"}, {"fuel", "steam"},
                            {"hs_code", "8703.23"}, {"hs_code", "870"}}) {
    json broken = manufacture;
    broken[field] = bad;
    auto refused = statement(broken);
    REQUIRE(!refused);
    CHECK(refused.error().message.find(field) != std::string::npos);
  }
  json ship = {{"type", "ship"}, {"vin", kVin}, {"time", "2023-01-01T00:00:00Z"}, {"actor", "orient"},
               {"from_port", "JPUKB"}, {"to_port", "CNDAL"}, {"doc", "BL"}, {"imo", "9020534"}};
  CHECK(statement(ship));
  ship["imo"] = "9020535";  // wrong check digit
  CHECK(!statement(ship));
  json move = {{"type", "move"}, {"vin", kVin}, {"time", "2023-01-01T00:00:00Z"}, {"actor", "rail"}, {"mode", "rail"},
               {"from_place", "CNDAL"}, {"to_place", "KGFRU"}, {"carrier", "KTZ Express"}, {"doc", "SMGS-1"}};
  auto parsed = statement(move);
  REQUIRE(parsed);
  CHECK(parsed->type == StatementType::kMove);
  move["mode"] = "sea";
  CHECK(!statement(move));
  move["mode"] = "air";
  move.erase("doc");
  CHECK(!statement(move));
}

TEST_CASE("UNCONFIRMED_TRANSFER: a receiver's claim does not take custody and never blames the giver",
          "[verify][custody][trade]") {
  SECTION("the claim alone, then the giver's real sale") {
    Chain chain;
    chain.manufacture("2023-04-03T02:00:00Z")
        .transfer("2023-05-01T00:00:00Z", "toyota", "naniwa", "JP", "naniwa")  // "from toyota to me", by me
        .transfer("2023-05-10T00:00:00Z", "toyota", "kansai");              // toyota's real sale
    auto findings = chain.verify();
    INFO(listed(findings));
    auto claims = with_code(findings, "UNCONFIRMED_TRANSFER");
    REQUIRE(claims.size() == 1);
    CHECK(claims[0].severity == Severity::kMedium);
    CHECK(claims[0].seq == chain.seq(1));
    CHECK(mentions(claims[0], "seq " + std::to_string(chain.seq(2))));  // the giver's record contradicts it
    CHECK(with_code(findings, "CUSTODY_GAP").empty());                   // toyota is not blamed
  }
  SECTION("the giver confirms later: nothing, not even a time reversal") {
    Chain chain;
    chain.manufacture("2023-04-03T02:00:00Z")
        .transfer("2023-05-01T00:00:00Z", "toyota", "naniwa", "JP", "naniwa")
        .add("export", "2023-05-05T00:00:00Z", "naniwa",
             {{"country", "JP"}, {"port", "JPUKB"}, {"destination", "AE"}, {"consignee", "gulf"}, {"doc", "E"}})
        .transfer("2023-05-01T00:00:00Z", "toyota", "naniwa");
    auto findings = above_info(chain.verify("2023-06-01"));
    INFO(listed(findings));
    CHECK(with_code(findings, "UNCONFIRMED_TRANSFER").empty());
    CHECK(with_code(findings, "TIME_REVERSAL").empty());
    CHECK(with_code(findings, "CUSTODY_GAP").empty());
  }
  SECTION("the claimant's own export is judged by the claim, not as a custody gap") {
    Chain chain;
    chain.manufacture("2023-04-03T02:00:00Z")
        .transfer("2023-05-01T00:00:00Z", "toyota", "naniwa", "JP", "naniwa")
        .add("export", "2023-05-05T00:00:00Z", "naniwa",
             {{"country", "JP"}, {"port", "JPUKB"}, {"destination", "AE"}, {"consignee", "gulf"}, {"doc", "E"}});
    auto findings = chain.verify("2023-06-01");
    CHECK(severity_of(findings, "UNCONFIRMED_TRANSFER") == "medium");
    CHECK(with_code(findings, "CUSTODY_GAP").empty());
  }
}

TEST_CASE("a measure follows the vehicle through a customs union with no declaration", "[verify][embargo][trade]") {
  auto chain = lexus_2023();
  chain.transfer("2023-09-10T00:00:00Z", "toyota", "kansai")
      .add("export", "2023-10-01T00:00:00Z", "kansai",
           {{"country", "JP"}, {"port", "JPUKB"}, {"destination", "KZ"}, {"consignee", "almaty"}, {"doc", "E-KZ"},
            {"value", {{"amount", 9800000}, {"currency", "JPY"}}}})
      .add("import", "2023-11-01T00:00:00Z", "almaty", {{"country", "KZ"}, {"port", "KZALA"}, {"doc", "C-KZ"}})
      .add("register", "2024-01-15T00:00:00Z", "gibdd", {{"country", "RU"}, {"owner", "I. Petrov"}});
  auto findings = chain.verify_with(trade_parties(), "2024-02-01");
  INFO(listed(findings));
  auto diverted = with_code(findings, "DIVERTED_VIA_THIRD_COUNTRY");
  REQUIRE(diverted.size() == 1);
  CHECK(diverted[0].severity == Severity::kCritical);
  CHECK(diverted[0].seq == chain.seq(4));
  CHECK(mentions(diverted[0], "JP-RU-ENGINE-FUEL"));
  CHECK(mentions(diverted[0], "3444 cc"));
  CHECK(with_code(findings, "UNDECLARED_EXPORT").empty());  // KZ -> RU inside the EAEU
  CHECK(with_code(findings, "EMBARGOED_DESTINATION").empty());

  SECTION("a small petrol car is not covered: nothing") {
    Chain small;
    small.add("manufacture", "2023-09-01T00:00:00Z", "toyota",
              {{"country", "JP"}, {"make", "Toyota"}, {"model", "Corolla"}, {"year", 2023}, {"engine_cc", 1490},
               {"fuel", "petrol"}});
    small.transfer("2023-09-10T00:00:00Z", "toyota", "kansai")
        .add("export", "2023-10-01T00:00:00Z", "kansai",
             {{"country", "JP"}, {"port", "JPUKB"}, {"destination", "KZ"}, {"consignee", "almaty"}, {"doc", "E-KZ"},
              {"value", {{"amount", 1500000}, {"currency", "JPY"}}}})
        .add("import", "2023-11-01T00:00:00Z", "almaty", {{"country", "KZ"}, {"port", "KZALA"}, {"doc", "C-KZ"}})
        .add("register", "2024-01-15T00:00:00Z", "gibdd", {{"country", "RU"}, {"owner", "I. Petrov"}});
    auto quiet = above_info(small.verify_with(trade_parties(), "2024-02-01"));
    INFO(listed(quiet));
    CHECK(quiet.empty());
  }
}

TEST_CASE("inside the EU single market a move needs no export declaration", "[verify][trade]") {
  Chain chain;
  chain.add("manufacture", "2023-01-05T00:00:00Z", "toyota", {{"country", "DE"}, {"make", "Lexus"}, {"model", "LX"}, {"year", 2023}})
      .transfer("2023-02-10T00:00:00Z", "toyota", "paris", "FR");
  auto findings = above_info(chain.verify_with(trade_parties(), "2023-03-01"));
  INFO(listed(findings));
  CHECK(with_code(findings, "UNDECLARED_EXPORT").empty());
}

TEST_CASE("a leg recorded late is judged by its time", "[verify][trade]") {
  auto chain = clean_export();
  chain.import_into("2023-07-01T00:00:00Z", "AE", "gulf").ship("2023-06-05T00:00:00Z", "JPUKB", "AEJEA");
  auto findings = above_info(chain.verify());
  INFO(listed(findings));
  CHECK(findings.empty());
}

TEST_CASE("places: unknown UN/LOCODE, a sea leg to no port, an import whose port is elsewhere", "[verify][trade]") {
  auto chain = clean_export();
  chain.ship("2023-06-05T00:00:00Z", "JPUKB", "AEZZZ")
      .ship("2023-06-06T00:00:00Z", "AEZZZ", "KGFRU")
      .add("import", "2023-07-01T00:00:00Z", "gulf", {{"country", "AE"}, {"port", "OMSOH"}, {"doc", "C"}});
  auto findings = chain.verify();
  INFO(listed(findings));
  CHECK(severity_of(findings, "UNKNOWN_LOCODE") == "high");
  CHECK(severity_of(findings, "LEG_TO_NO_PORT") == "high");
  CHECK(severity_of(findings, "PORT_COUNTRY_MISMATCH") == "high");
}

TEST_CASE("values are converted at the dated rate, a nominal value is undervalued", "[verify][trade][values]") {
  const auto& reference = shipped_reference();
  auto at = *parse_date_or_timestamp("2023-06-01");
  auto euros = reference.convert(Money{10000000, "USD"}, "EUR", at);  // USD 100,000.00
  REQUIRE(euros);
  CHECK(euros->amount > 9200000);
  CHECK(euros->amount < 9300000);  // 100,000 / 1.0813
  CHECK(!reference.convert(Money{100, "KGS"}, "EUR", at));
  CHECK(reference.convert(Money{100, "EUR"}, "EUR", at)->amount == 100);

  Chain chain;
  chain.add("manufacture", "2022-04-01T00:00:00Z", "toyota",
            {{"country", "JP"}, {"make", "Lexus"}, {"model", "LX 600"}, {"year", 2022}, {"engine_cc", 3444}})
      .transfer("2022-05-01T00:00:00Z", "toyota", "kansai")
      .export_to("2022-06-01T00:00:00Z", "RU", "vostok", {{"value", {{"amount", 5990000}, {"currency", "JPY"}}}});
  auto findings = chain.verify("2022-07-01");
  INFO(listed(findings));
  CHECK(severity_of(findings, "UNDERVALUED") == "high");
  CHECK(severity_of(findings, "EMBARGOED_DESTINATION") == "high");
}

TEST_CASE("the UN/LOCODE list and the trade tables load", "[reference][trade]") {
  const auto& reference = shipped_reference();
  CHECK(reference.locode("JPUKB").port);
  CHECK(reference.locode("KGFRU").known);
  CHECK(!reference.locode("KGFRU").port);
  CHECK(!reference.locode("SGZZZ").known);
  CHECK(reference.shared_customs_union("KZ", "RU") == "EAEU");
  CHECK(reference.shared_customs_union("DE", "FR") == "EU");
  CHECK(reference.shared_customs_union("DE", "RU").empty());
  REQUIRE(reference.trade_place("LKCMB"));
  CHECK(reference.trade_place("LKCMB")->kind == TradePlace::Kind::kTransshipmentHub);
  REQUIRE(reference.trade_place("KG"));
  CHECK(reference.trade_place("KG")->toward == "RU");
  CHECK(reference.designated_vessel("9020534"));
  CHECK(reference.designated_vessel_named("Rung Ra 2"));
  CHECK(reference.mission_country("Embassy of the DPRK in Beijing") == "KP");
  CHECK(reference.mission_country("Торгпредство Russian Federation") == "RU");
  CHECK(reference.mission_country("Embassy of Japan").empty());
  CHECK(reference.mission_country("Russian Federation Motors LLC").empty());  // not a mission
}

TEST_CASE("loose name keys: transliteration, romanization, legal forms, word order", "[sanctions][names][trade]") {
  auto same = [](const char* a, const char* b) {
    auto x = loose_name_keys(a), y = loose_name_keys(b);
    return !x.ordered.empty() && (x.ordered == y.ordered || x.sorted == y.sorted);
  };
  CHECK(same("Ростех", "Rostekh"));
  CHECK(same("OOO Rostec", "Rostec"));
  CHECK(same("Rostekh LLC", "ООО «Ростех»"));
  CHECK(same("조선련봉총회사", "Chosun Ryonbong Chonghoesa"));
  CHECK(same("Joseon Ryeonbong Chonghoesa", "Chosun Ryonbong Chonghoesa"));
  CHECK(same("Trading Corporation Namchongang", "Namchongang Trading Corporation"));
  CHECK(same("Namchongang Intl Trdg", "Namchongang International Trading"));
  CHECK(same("Société Générale", "Societe Generale"));
  CHECK(!same("Rostov Motors Trading LLC", "Rostec"));
  CHECK(!same("Komida Auto Parts", "KOMID"));
  CHECK(loose_name_keys("Kia").ordered.empty());  // too short to compare loosely
  CHECK(transliterate_to_latin("Москва") == "moskva");
}

TEST_CASE("screening finds a denied party written in Cyrillic and says how", "[sanctions][trade]") {
  const auto& reference = shipped_reference();
  auto matches = reference.screen_name("Ростех");
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].entry->id == "SDN-ROSTEC");
  CHECK(matches[0].how.find("transliteration") != std::string::npos);
  CHECK(reference.screen_name("Rostov Motors").empty());
  CHECK(reference.screen_name("KOMID Co., Ltd.")[0].how.empty());  // exact after normalization
}
