// "did you mean kansai-motors?": slips are caught, strangers are not matched.
#include "party_suggestions.h"

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
