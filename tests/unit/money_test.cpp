// Amounts as people write them, read with the ISO 4217 minor unit of their
// currency, and printed back in major units.
#include "vinledger/money.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "vinledger/statement.h"

namespace vinledger {
namespace {

using Catch::Matchers::Contains;

Money parsed(std::string_view text, std::string_view currency = {}) {
  INFO("amount: " << text);
  auto money = parse_money(text, currency);
  if (!money) FAIL("refused: " << money.error().message);
  return *money;
}

std::string refusal(std::string_view text, std::string_view currency = {}) {
  auto money = parse_money(text, currency);
  INFO("amount: " << text);
  REQUIRE_FALSE(money);
  CHECK(money.error().kind == ErrorKind::invalid_input);
  return money.error().message;
}

TEST_CASE("amounts are read in the currency's ISO 4217 minor unit", "[money]") {
  CHECK(parsed("65000 EUR") == Money{6500000, "EUR"});
  CHECK(parsed("65,000.00 EUR") == Money{6500000, "EUR"});
  CHECK(parsed("65,000.5 EUR") == Money{6500050, "EUR"});
  CHECK(parsed("EUR 65,000") == Money{6500000, "EUR"});
  CHECK(parsed("10000000 JPY") == Money{10000000, "JPY"});
  CHECK(parsed("10,000,000 JPY") == Money{10000000, "JPY"});
  CHECK(parsed("1,234.567 KWD") == Money{1234567, "KWD"});
  CHECK(parsed("0.05 USD") == Money{5, "USD"});
  CHECK(parsed("  12 CLF ") == Money{120000, "CLF"});  // four decimals
  CHECK(parsed("65000", "EUR") == Money{6500000, "EUR"});
  CHECK(parsed("65000 JPY", "EUR") == Money{65000, "JPY"});  // the text's own currency wins
}

TEST_CASE("amounts that cannot be read one way only are refused", "[money]") {
  CHECK_THAT(refusal("100.5 JPY"), Contains("1 decimal places, but JPY has 0"));
  CHECK_THAT(refusal("65,000.001 EUR"), Contains("3 decimal places, but EUR has 2"));
  CHECK_THAT(refusal("65.000,00 EUR"), Contains("',' groups thousands"));
  CHECK_THAT(refusal("6,5000 EUR"), Contains("not thousands"));
  CHECK_THAT(refusal("65000 EURO"), Contains("AMOUNT CURRENCY"));
  CHECK_THAT(refusal("65000 ABC"), Contains("not an ISO 4217 currency code"));
  CHECK_THAT(refusal("65000 XAU"), Contains("not an ISO 4217 currency code"));  // no minor unit in ISO 4217
  CHECK_THAT(refusal("-5 EUR"), Contains("negative"));
  CHECK_THAT(refusal("65000"), Contains("names no currency"));
  CHECK_THAT(refusal("12. EUR"), Contains("nothing after the decimal point"));
  CHECK_THAT(refusal("99999999999999999 JPY"), Contains("too large"));
  CHECK_THAT(refusal(""), Contains("empty"));
}

TEST_CASE("amounts print in major units with their currency", "[money]") {
  CHECK(format_money({10000000, "JPY"}) == "10,000,000 JPY");
  CHECK(format_money({5000000, "EUR"}) == "50,000.00 EUR");
  CHECK(format_money({5, "USD"}) == "0.05 USD");
  CHECK(format_money({1234567, "KWD"}) == "1,234.567 KWD");
  CHECK(format_money({12, "ZZZ"}) == "12 ZZZ (minor units; not an ISO 4217 currency)");
  for (const char* text : {"65,000.00 EUR", "10,000,000 JPY", "1,234.567 KWD", "0.00 EUR"})
    CHECK(format_money(parsed(text)) == text);
}

TEST_CASE("the compiled currency table is the data file, row by row", "[money]") {
  std::ifstream csv(std::string(VINLEDGER_FIXTURES_DIR) + "/../ledger/data/currencies.csv");
  REQUIRE(csv);
  std::string line;
  std::getline(csv, line);
  CHECK(line == "code,number,minor_unit,name");
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    const std::string code = line.substr(0, 3);
    const int minor_unit = line.at(8) - '0';
    INFO(line);
    CHECK(currency_minor_unit(code) == minor_unit);
  }
  CHECK(rows == 166);
  CHECK(currency_minor_unit("JPY") == 0);
  CHECK(currency_minor_unit("EUR") == 2);
  CHECK(currency_minor_unit("KWD") == 3);
  CHECK_FALSE(currency_minor_unit("XAU"));
  CHECK_FALSE(currency_minor_unit("jpy"));
}

TEST_CASE("value on the command line (--value) is an amount as people write it", "[money][statement]") {
  auto value = field_value_from_text("value", "65000 EUR");
  REQUIRE(value);
  CHECK(*value == nlohmann::json{{"amount", 6500000}, {"currency", "EUR"}});
  auto refused = field_value_from_text("value", "100.5 JPY");
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Contains("field \"value\"") && Contains("JPY has 0"));
  auto object = field_value_from_text("value", R"({"amount":650,"currency":"EUR"})");
  REQUIRE(object);
  CHECK((*object)["amount"] == 650);
}

}  // namespace
}  // namespace vinledger
