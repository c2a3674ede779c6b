// CSV rows to statements: columns and constants by the mapping, local times
// in its zone, amounts in major units; errors name the row and the column.
#include "vinledger/csv_import.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace vinledger {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/csv/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CsvMapping mapping_of(const std::string& text) {
  auto mapping = CsvMapping::parse(text);
  if (!mapping) FAIL(mapping.error().message);
  return *mapping;
}

std::string refusal(const std::string& csv, const std::string& mapping) {
  auto rows = statements_from_csv(csv, "sales.csv", mapping_of(mapping));
  REQUIRE_FALSE(rows);
  CHECK(rows.error().kind == ErrorKind::invalid_input);
  return rows.error().message;
}

const std::string kTransferMapping = R"({"format":"vinledger-csv-mapping/1","time_zone":"Asia/Tokyo",
  "fields":{"type":{"constant":"transfer"},"vin":"Chassis/VIN","time":"Sold","from":{"constant":"toyota"},
            "to":"Buyer","country":{"constant":"JP"},"doc":"Invoice"}})";

TEST_CASE("the shipped DMS sales export becomes transfers in UTC", "[csv]") {
  auto rows = statements_from_csv(fixture("dms-sales-2023-05.csv"), "dms-sales-2023-05.csv",
                                  mapping_of(fixture("dms-sales-mapping.json")));
  if (!rows) FAIL(rows.error().message);
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0].row == 2);
  CHECK((*rows)[0].statement == json{{"type", "transfer"}, {"vin", "JTJHY7AX0N4000321"},
                                     {"time", "2023-05-12T00:30:00Z"}, {"from", "toyota"},
                                     {"to", "kansai-motors"}, {"country", "JP"}, {"doc", "INV-2023-0512-01"}});
  CHECK((*rows)[2].statement["time"] == "2023-05-12T15:00:00Z");  // 13/05/2023 00:00 in Tokyo
}

TEST_CASE("the shipped DMS export declarations: values in each row's currency, a foreign buyer inline", "[csv]") {
  auto rows = statements_from_csv(fixture("dms-exports-2023-06.csv"), "dms-exports-2023-06.csv",
                                  mapping_of(fixture("dms-exports-mapping.json")));
  if (!rows) FAIL(rows.error().message);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].statement["value"] == json{{"amount", 9500000}, {"currency", "JPY"}});
  CHECK((*rows)[0].statement["consignee"] == "lion-city");
  CHECK((*rows)[0].statement["time"] == "2023-06-01T01:00:00Z");
  CHECK((*rows)[1].statement["value"] == json{{"amount", 6450000}, {"currency", "SGD"}});
  CHECK((*rows)[1].statement["consignee"] == json{{"name", "Marina Bay Motors Pte Ltd"}, {"country", "SG"}});
}

TEST_CASE("a bad cell is named by its row and column", "[csv]") {
  const std::string header = "Chassis/VIN,Sold,Buyer,Invoice\n";
  const std::string good = "JTJHY7AX0N4000321,2023-05-12 09:30,kansai-motors,INV-1\n";
  CHECK_THAT(refusal(header + good + "1FTUF4CN0PK000001,2023-05-12 09:30,kansai-motors,INV-2\n", kTransferMapping),
             Contains("sales.csv: row 3, column \"Chassis/VIN\": field \"vin\" VIN check digit (position 9) is '0', "
                      "expected '8'"));
  CHECK_THAT(refusal(header + good + good + "JTJHY7AX0N4000321,12/05/2023,kansai-motors,INV-3\n", kTransferMapping),
             Contains("row 4, column \"Sold\": \"12/05/2023\" is not a time"));
  CHECK_THAT(refusal(header + "JTJHY7AX0N4000321,2023-05-12 09:30,,INV-1\n", kTransferMapping),
             Contains("row 2, column \"Buyer\": empty, but a transfer needs \"to\""));
  CHECK_THAT(refusal(header + "JTJHY7AX0N4000321,2023-05-12 09:30,kansai motors,INV-1\n", kTransferMapping),
             Contains("row 2, column \"Buyer\": field \"to\""));
}

TEST_CASE("rows are counted as a spreadsheet counts them", "[csv]") {
  // A quoted line break stays in its row; a blank line is a row of its own.
  const std::string csv = "\xEF\xBB\xBF" "Chassis/VIN,Sold,Buyer,Invoice,Notes\n"
                          "JTJHY7AX0N4000321,2023-05-12 09:30,kansai-motors,INV-1,\"two\nlines\"\n"
                          "\n"
                          "JTJHY7AX0N4000321,2023-05-12 09:30,kansai-motors,,\n";
  auto rows = statements_from_csv(csv, "sales.csv", mapping_of(kTransferMapping));
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[1].row == 4);
  CHECK_FALSE((*rows)[1].statement.contains("doc"));  // an optional field left blank
}

TEST_CASE("amounts in the CSV are read as people write them", "[csv][money]") {
  const std::string mapping = R"({"format":"vinledger-csv-mapping/1","fields":{"type":{"constant":"export"},
    "vin":"VIN","time":{"constant":"2023-06-01T00:00:00Z"},"country":{"constant":"DE"},"port":{"constant":"DEHAM"},
    "destination":{"constant":"RU"},"consignee":{"constant":"moscow-motors"},"doc":"Doc",
    "value":{"column":"Price","currency":"EUR"}}})";
  auto rows = statements_from_csv("VIN,Doc,Price\nWDD2221631A000001,EX-1,\"65,000.00\"\n", "x.csv", mapping_of(mapping));
  REQUIRE(rows);
  CHECK((*rows)[0].statement["value"] == json{{"amount", 6500000}, {"currency", "EUR"}});
  CHECK_THAT(refusal("VIN,Doc,Price\nWDD2221631A000001,EX-1,650.001\n", mapping),
             Contains("row 2, column \"Price\": amount \"650.001\" has 3 decimal places, but EUR has 2"));
}

TEST_CASE("a mapping is checked before any row is read", "[csv]") {
  for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
           {R"({"fields":{"type":{"constant":"transfer"}}})", "format must be"},
           {R"({"format":"vinledger-csv-mapping/1","fields":{"vin":"VIN"}})", "fields.type is required"},
           {R"({"format":"vinledger-csv-mapping/1","time_zone":"Mars/Olympus","fields":{"type":"T"}})", "time_zone"},
           {R"({"format":"vinledger-csv-mapping/1","fields":{"type":"T","sig":"S"}})", "fields.sig"},
           {R"({"format":"vinledger-csv-mapping/1","fields":{"type":"T","value":{"column":"P","currency":"EURO"}}})",
            "not an ISO 4217"},
           {R"({"format":"vinledger-csv-mapping/1","fields":{"type":"T"},"extra":1})", "unknown member \"extra\""}}) {
    INFO(text);
    auto mapping = CsvMapping::parse(text);
    REQUIRE_FALSE(mapping);
    CHECK_THAT(mapping.error().message, Contains(reason));
  }
  auto missing = statements_from_csv("VIN\nX\n", "x.csv", mapping_of(kTransferMapping));
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Contains("x.csv: the mapping's fields.") &&
                                         Contains(", which the header row does not have"));
}

}  // namespace
}  // namespace vinledger
