// VINs: ISO 3779 syntax, the 49 CFR 565 check digit, and which WMIs make it
// mandatory — against the sample of real and decoder-suite VINs in
// fixtures/vectors/vins_sample.csv, plus hand-computed cases.
#include "vinledger/vin.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

namespace vinledger {
namespace {

using Catch::Matchers::Contains;

struct VinRow {
  std::size_t line = 0;
  std::string vin;
  std::string expected_valid;
  std::string reason;
};

// RFC 4180 fields: one row holds a quoted note with a comma in it.
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<VinRow> load_vin_sample() {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/vins_sample.csv");
  REQUIRE(in.good());
  std::string line;
  REQUIRE(std::getline(in, line));
  const std::vector<std::string> header = split_csv_line(line);
  REQUIRE(header.size() >= 3);
  REQUIRE(header[0] == "vin");
  REQUIRE(header[1] == "expected_valid");
  REQUIRE(header[2] == "reason");
  std::vector<VinRow> rows;
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> fields = split_csv_line(line);
    INFO("vins_sample.csv line " << number << ": " << line);
    REQUIRE(fields.size() == header.size());
    REQUIRE((fields[1] == "true" || fields[1] == "false"));
    rows.push_back({number, fields[0], fields[1], fields[2]});
  }
  return rows;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string error_of(std::string_view vin) {
  const Status status = validate_vin(vin);
  REQUIRE_FALSE(status.has_value());
  CHECK(status.error().kind == ErrorKind::invalid_input);
  return status.error().message;
}

}  // namespace

TEST_CASE("validate_vin agrees with every row of vins_sample.csv", "[vin][vectors]") {
  const std::vector<VinRow> rows = load_vin_sample();
  int mandatory_valid = 0, mandatory_invalid = 0, advisory_valid = 0, advisory_check_digit_only = 0;
  for (const VinRow& row : rows) {
    INFO("line " << row.line << ": " << row.vin << " expected_valid=" << row.expected_valid << " " << row.reason);
    const bool expected_valid = row.expected_valid == "true";
    const Status status = validate_vin(row.vin);
    if (check_digit_mandatory(row.vin)) {
      // North American and Chinese WMIs: the fixture's verdict is the ledger's.
      CHECK(status.has_value() == expected_valid);
      (expected_valid ? mandatory_valid : mandatory_invalid)++;
      continue;
    }
    if (expected_valid) {
      CHECK(status.has_value());
      CHECK(check_digit_matches(row.vin));
      ++advisory_valid;
    } else if (starts_with(row.reason, "wrong_check_digit")) {
      // Elsewhere a wrong check digit is recorded and reported, not refused.
      CHECK(status.has_value());
      CHECK_FALSE(check_digit_matches(row.vin));
      ++advisory_check_digit_only;
    } else {
      // A syntax error is refused whatever the WMI.
      CHECK_FALSE(status.has_value());
      CHECK_FALSE(is_vin_syntax(row.vin));
      FAIL("no advisory-WMI syntax error row expected in the sample; update the counts below");
    }
  }
  // Exact class sizes: a file that was not read, or read short, fails here.
  CHECK(rows.size() == 340);
  CHECK(mandatory_valid == 260);
  CHECK(mandatory_invalid == 2);
  CHECK(advisory_valid == 40);
  CHECK(advisory_check_digit_only == 38);
}

TEST_CASE("expected_check_digit matches the digit named in the sample's reasons", "[vin][vectors]") {
  int checked = 0;
  for (const VinRow& row : load_vin_sample()) {
    INFO("line " << row.line << ": " << row.vin << " " << row.reason);
    if (row.reason == "valid_check_digit") {
      CHECK(expected_check_digit(row.vin) == row.vin[8]);
      ++checked;
    } else if (starts_with(row.reason, "wrong_check_digit(expected_")) {
      // wrong_check_digit(expected_<digit>_got_<char>)
      const std::string reason = row.reason;
      const char expected = reason[std::string("wrong_check_digit(expected_").size()];
      CHECK(expected_check_digit(row.vin) == expected);
      CHECK(row.vin[8] != expected);
      ++checked;
    }
  }
  CHECK(checked == 339);  // all but the I/O/Q row
}

TEST_CASE("syntax errors in any sample VIN are refused, whatever the WMI", "[vin][vectors]") {
  int refused = 0;
  for (const VinRow& row : load_vin_sample()) {
    if (!is_vin_syntax(row.vin)) continue;
    INFO("line " << row.line << ": " << row.vin);
    std::string lower = row.vin;
    lower[10] = static_cast<char>(lower[10] >= 'A' && lower[10] <= 'Z' ? lower[10] - 'A' + 'a' : 'a');
    const std::vector<std::string> broken = {
        row.vin.substr(0, 16), row.vin + "1", row.vin.substr(0, 11) + "I" + row.vin.substr(12),
        row.vin.substr(0, 11) + "O" + row.vin.substr(12), row.vin.substr(0, 11) + "Q" + row.vin.substr(12),
        row.vin.substr(0, 11) + "-" + row.vin.substr(12), lower};
    for (const std::string& vin : broken) {
      INFO("mutated: " << vin);
      CHECK_FALSE(is_vin_syntax(vin));
      CHECK_FALSE(validate_vin(vin).has_value());
      ++refused;
    }
  }
  CHECK(refused == 339 * 7);
}

TEST_CASE("check digits computed by hand (49 CFR 565.15)", "[vin]") {
  // 1FADP3M2_PG000001: 8+42+6+20+28+9+8+20+63+56+2 = 262 = 23*11 + 9.
  CHECK(expected_check_digit("1FADP3M29PG000001") == '9');
  // 5YJ3A4EA_KF000001: 40+56+6+15+4+12+10+10+18+48+2 = 221 = 20*11 + 1.
  CHECK(expected_check_digit("5YJ3A4EA1KF000001") == '1');
  // All ones: the weights sum to 89 = 8*11 + 1.
  CHECK(expected_check_digit("11111111111111111") == '1');
  CHECK(validate_vin("11111111111111111").has_value());
  // Chinese WMI LVSHCAMB_CE000000: 24+35+12+40+12+3+8+20+27+40 = 221 -> 1.
  CHECK(expected_check_digit("LVSHCAMB1CE000000") == '1');
}

TEST_CASE("remainder 10 is written X", "[vin]") {
  // 1M8GDM9A_KP042788: 8+28+48+35+16+12+18+10+18+56+0+24+10+28+24+16 = 351 = 31*11 + 10.
  CHECK(expected_check_digit("1M8GDM9AXKP042788") == 'X');
  CHECK(check_digit_matches("1M8GDM9AXKP042788"));
  CHECK(validate_vin("1M8GDM9AXKP042788").has_value());
  // The same VIN with a digit where X belongs is refused (mandatory WMI).
  const std::string message = error_of("1M8GDM9A0KP042788");
  CHECK_THAT(message, Contains("expected 'X'"));
  // A sample row whose sum also leaves 10.
  CHECK(expected_check_digit("92TA67MZ1RMC90909") == 'X');
}

TEST_CASE("the check digit is mandatory only for WMIs starting 1-5 or L", "[vin]") {
  struct Case {
    const char* vin;
    bool mandatory;
  };
  const Case cases[] = {
      {"1FADP3M29PG000001", true}, {"2FADP3M29PG000001", true}, {"3FADP3M29PG000001", true},
      {"4FADP3M29PG000001", true}, {"5FADP3M29PG000001", true}, {"LVSHCAMB1CE000000", true},
      {"6FADP3M29PG000001", false}, {"9FADP3M29PG000001", false}, {"0FADP3M29PG000001", false},
      {"JTJHY00W0P4000000", false}, {"KMTGE4S1PRU008183", false}, {"WVWZZZ1JZXW000001", false},
      {"MD2A67MXXRCK99693", false}, {"SALGA2EF0DA000001", false}, {"", false},
  };
  for (const Case& c : cases) {
    INFO(c.vin);
    CHECK(check_digit_mandatory(c.vin) == c.mandatory);
  }
}

TEST_CASE("a wrong check digit is refused where mandatory, naming the expected digit", "[vin]") {
  struct Case {
    const char* vin;
    const char* expected_fragment;
  };
  const Case cases[] = {
      {"1FADP3M20PG000001", "is '0', expected '9'"},
      {"1FADP3M2XPG000001", "is 'X', expected '9'"},
      {"1FADP3M2DPG000001", "is 'D', expected '9'"},
      {"LVSHCAMB0CE000000", "is '0', expected '1'"},  // Chinese WMI
      {"5YJ3A4EA2KF000001", "is '2', expected '1'"},
  };
  for (const Case& c : cases) {
    INFO(c.vin);
    CHECK(is_vin_syntax(c.vin));
    CHECK_FALSE(check_digit_matches(c.vin));
    const std::string message = error_of(c.vin);
    CHECK_THAT(message, Contains(c.expected_fragment));
    CHECK_THAT(message, Contains("position 9"));
    CHECK_THAT(message, Contains("WMI " + std::string(c.vin).substr(0, 3)));
  }
}

TEST_CASE("elsewhere a wrong check digit is accepted and reported by check_digit_matches", "[vin]") {
  for (const char* vin : {"JTJHY00W0P4000000", "KMTGB4SDDRU227722", "WVWZZZ1JZXW000000", "VF14SRAP451234567",
                          "SALGA2EF0DA000000", "92TA67MZ1RMC90909", "MD2A67MXXRCK99693"}) {
    INFO(vin);
    const char expected = expected_check_digit(vin);
    REQUIRE(expected != vin[8]);  // the case is only useful with a mismatch
    CHECK(validate_vin(vin).has_value());
    CHECK_FALSE(check_digit_matches(vin));
  }
}

TEST_CASE("lower case is refused, not corrected, naming the position", "[vin]") {
  struct Case {
    const char* vin;
    const char* position;
  };
  const Case cases[] = {
      {"1fadp3m29pg000001", "VIN position 2: 'f' is lower case"},
      {"1FADP3M29PG00000a", "VIN position 17: 'a' is lower case"},
      {"jTJHY00W0P4000000", "VIN position 1: 'j' is lower case"},
      {"LVSHCAMB1cE000000", "VIN position 10: 'c' is lower case"},
  };
  for (const Case& c : cases) {
    INFO(c.vin);
    CHECK_FALSE(is_vin_syntax(c.vin));
    CHECK_THAT(error_of(c.vin), Contains(c.position));
  }
}

TEST_CASE("syntax errors are refused with the first offending position", "[vin]") {
  struct Case {
    std::string vin;
    const char* fragment;
  };
  const Case cases[] = {
      {"", "must be 17 characters, got 0"},
      {"1FADP3M29PG00000", "must be 17 characters, got 16"},
      {"1FADP3M29PG0000011", "must be 17 characters, got 18"},
      {"JTJHY00W0P40000001", "must be 17 characters, got 18"},  // advisory WMI: still refused
      {"1FADP3M29PG00000I", "VIN position 17: 'I' is not used in VINs"},
      {"JTJHY0OW0P4000000", "VIN position 7: 'O' is not used in VINs"},
      {"QTJHY00W0P4000000", "VIN position 1: 'Q' is not used in VINs"},
      {"JTJHY00W0P4-00000", "VIN position 12: '-' is not a VIN character"},
      {"JTJHY00W0P4 00000", "VIN position 12: byte 0x20 is not a VIN character"},
      {std::string("JTJHY00W0P4\0" "00000", 17), "VIN position 12: byte 0x00 is not a VIN character"},
      {"JTJHY00W0P4\xC3" "00000", "VIN position 12: byte 0xc3 is not a VIN character"},
      {"JTJHY\xC3\xA9W0P4000000", "VIN position 6: byte 0xc3"},  // 17 bytes, 16 characters
      {"JT0HY00W0P4000a0I", "VIN position 15: 'a' is lower case"},  // the first wins
  };
  for (const Case& c : cases) {
    INFO(c.vin);
    CHECK_FALSE(is_vin_syntax(c.vin));
    CHECK_THAT(error_of(c.vin), Contains(c.fragment));
  }
}

TEST_CASE("is_vin_syntax accepts exactly 0-9 A-H J-N P R-Z", "[vin]") {
  const std::string base = "JTJHY00W0P4000000";
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    std::string vin = base;
    vin[12] = c;
    const bool allowed =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
    INFO("byte " << byte);
    CHECK(is_vin_syntax(vin) == allowed);
    CHECK(validate_vin(vin).has_value() == allowed);
  }
}

TEST_CASE("vin_wmi is positions 1-3", "[vin]") {
  CHECK(vin_wmi("1FADP3M29PG000001") == "1FA");
  CHECK(vin_wmi("LVSHCAMB1CE000000") == "LVS");
}

}  // namespace vinledger
