// "did you mean kansai-motors?": slips are caught, strangers are not matched.
#include "party_suggestions.h"
#include "vinledger/ledger.h"

#include <catch2/catch.hpp>

namespace vinledger {
namespace {

const std::vector<std::string> kRegistered = {"operator", "toyota", "kansai-motors", "kansai-motor-sales",
                                              "lion-city", "orient-line", "naniwa-auto"};

TEST_CASE("the nearest registered ids to a slip, nearest first", "[parties]") {
  using V = std::vector<std::string>;
  CHECK(nearest_party_ids("kansai-motor", kRegistered) == V{"kansai-motors"});
  CHECK(nearest_party_ids("kanasi-motors", kRegistered) == V{"kansai-motors"});  // a transposition
  CHECK(nearest_party_ids("Toyota", kRegistered) == V{"toyota"});                  // case
  CHECK(nearest_party_ids("lion-cty", kRegistered) == V{"lion-city"});
  CHECK(nearest_party_ids("kansai-motor-sale", kRegistered) == V{"kansai-motor-sales"});
}

TEST_CASE("ids too far from any registered one get no suggestion", "[parties]") {
  CHECK(nearest_party_ids("bmw", kRegistered).empty());
  CHECK(nearest_party_ids("singapore-motors", kRegistered).empty());
  CHECK(nearest_party_ids("ab", {"cd"}).empty());
  CHECK(nearest_party_ids("x", {}).empty());
}

TEST_CASE("at most the asked number of suggestions", "[parties]") {
  const std::vector<std::string> many = {"dealer-1", "dealer-2", "dealer-3", "dealer-4", "dealer-5"};
  CHECK(nearest_party_ids("dealer-0", many).size() == 3);
  CHECK(nearest_party_ids("dealer-0", many, 1) == std::vector<std::string>{"dealer-1"});
}

}  // namespace
}  // namespace vinledger

TEST_CASE("a statement prepared for a party known only by its id, as sign --server prepares it", "[parties]") {
  const std::vector<std::string> registered{"toyota", "kansai-motors", "osaka-export"};
  const std::int64_t now = 1'700'000'000;
  nlohmann::json sale = {{"type", "transfer"}, {"vin", "JTHBK1GG0F2000001"}, {"from", "toyota"}, {"to", "kansai-motors"}, {"country", "JP"}};

  auto prepared = vinledger::prepare_statement_for(sale, "toyota", registered, false, now);
  REQUIRE(prepared);
  CHECK((*prepared)["actor"].get<std::string>() == "toyota");
  CHECK((*prepared)["time"].get<std::string>() == "2023-11-14T22:13:20Z");

  auto offset = sale;
  offset["time"] = "2024-03-01T09:00:00+09:00";
  prepared = vinledger::prepare_statement_for(offset, "toyota", registered, false, now);
  REQUIRE(prepared);
  CHECK((*prepared)["time"].get<std::string>() == "2024-03-01T00:00:00Z");

  auto other = sale;
  other["actor"] = "kansai-motors";
  auto refused = vinledger::prepare_statement_for(other, "toyota", registered, false, now);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "actor \"kansai-motors\" is not the key's party 'toyota': a statement is signed by the party it names as actor");

  auto hostile = vinledger::prepare_statement_for(other, "to'yota\n", registered, false, now);
  REQUIRE_FALSE(hostile);
  CHECK(hostile.error().message.find('\n') == std::string::npos);

  auto slip = sale;
  slip["to"] = "kansai-motor";
  refused = vinledger::prepare_statement_for(slip, "toyota", registered, false, now);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "field \"to\" 'kansai-motor' is not a registered party id (did you mean kansai-motors?); if it is meant, "
        "record it with --unregistered");
  CHECK(vinledger::prepare_statement_for(slip, "toyota", registered, true, now));

  auto money = sale;
  money["value"] = {{"amount", 100}, {"currency", "ABC"}};
  refused = vinledger::prepare_statement_for(money, "toyota", registered, false, now);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "field \"value\" currency \"ABC\" is not an ISO 4217 currency code");

  CHECK_FALSE(vinledger::prepare_statement_for(nlohmann::json::array(), "toyota", registered, false, now));
}
