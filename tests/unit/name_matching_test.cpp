// Name normalization for denied-party screening.
#include <catch2/catch.hpp>

#include "name_matching.h"

using vinledger::normalize_name;

TEST_CASE("case, punctuation and company forms are set aside", "[sanctions][names]") {
  CHECK(normalize_name("KOMID Co., Ltd.") == "komid");
  CHECK(normalize_name("Komid") == "komid");
  CHECK(normalize_name("Lion City Auto Trading Pte. Ltd.") == "lion city auto trading");
  CHECK(normalize_name("Kansai Prestige Motors K.K.") == "kansai prestige motors");
  CHECK(normalize_name("Gulf Premium Motors L.L.C.") == "gulf premium motors");
  CHECK(normalize_name("Hanse Fahrzeug Export GmbH") == "hanse fahrzeug export");
  CHECK(normalize_name("  The   Orient-Crest  Shipping Corporation ") == "orient crest shipping");
  CHECK(normalize_name("Smith & Sons Limited") == "smith and sons");
}

TEST_CASE("words that name the business are kept", "[sanctions][names]") {
  CHECK(normalize_name("Korea Mining Development Trading Corporation") == "korea mining development trading");
  CHECK(normalize_name("Co Ltd") == "co ltd");        // nothing but company forms: kept
  CHECK(normalize_name("Company Co") == "company co");  // likewise
  CHECK(normalize_name("LLC Holdings") == "llc holdings");  // a form word only at the end is dropped
  CHECK(normalize_name("A B C Motors") == "abc motors");
  CHECK(normalize_name("Société Générale SA") == "soci\xc3\xa9t\xc3\xa9 g\xc3\xa9n\xc3\xa9rale");
  CHECK(normalize_name("...") == "");
}
