// Tests for strict JSON input and RFC 8785 (JCS) canonical output.

#include "vinledger/canonical_json.h"

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#ifndef VINLEDGER_FIXTURES_DIR
#error "VINLEDGER_FIXTURES_DIR must name the fixtures directory"
#endif

namespace vinledger {
namespace {

using json = nlohmann::json;
using namespace std::string_literals;

constexpr std::int64_t kMaxSafe = 9007199254740991;  // 2^53 - 1

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(digits[byte >> 4]);
    hex.push_back(digits[byte & 0xF]);
  }
  return hex;
}

std::string canonicalize_text(std::string_view text) {
  const auto value = parse_strict_json(text);
  INFO(text);
  REQUIRE(value.has_value());
  const auto canonical = canonical_json(*value);
  REQUIRE(canonical.has_value());
  return *canonical;
}

bool is_single_line(std::string_view message) {
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return false;
  }
  return true;
}

// Parses `text`, requires an invalid_input refusal naming `problem` at
// `offset`, and returns the message.
std::string require_refused(std::string_view text, std::string_view problem,
                            std::size_t offset) {
  const auto result = parse_strict_json(text);
  INFO("input: " << to_hex(text.substr(0, 64)));
  REQUIRE_FALSE(result.has_value());
  const Error& error = result.error();
  INFO("message: " << error.message);
  CHECK(error.kind == ErrorKind::invalid_input);
  CHECK(error.message.find(problem) != std::string::npos);
  CHECK(error.message.find("at byte " + std::to_string(offset) + ":") !=
        std::string::npos);
  CHECK(is_single_line(error.message));
  CHECK(error.message.size() < 300);
  return error.message;
}

// Requires canonical_json(value) to be refused, naming `problem`.
std::string require_not_canonicalized(const json& value,
                                      std::string_view problem) {
  const auto result = canonical_json(value);
  REQUIRE_FALSE(result.has_value());
  INFO("message: " << result.error().message);
  CHECK(result.error().kind == ErrorKind::invalid_input);
  CHECK(result.error().message.find(problem) != std::string::npos);
  CHECK(is_single_line(result.error().message));
  return result.error().message;
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// ---------------------------------------------------------------------------
// Canonical output

TEST_CASE("JCS vectors from fixtures canonicalize byte for byte", "[jcs]") {
  const json file = json::parse(
      read_file(VINLEDGER_FIXTURES_DIR "/vectors/jcs/jcs_vectors.json"));
  const json& vectors = file.at("vectors");
  REQUIRE(vectors.size() >= 10);
  int from_rfc = 0;
  for (const json& vector : vectors) {
    const auto& name = vector.at("name").get_ref<const std::string&>();
    const auto& source = vector.at("source").get_ref<const std::string&>();
    const auto& input = vector.at("input").get_ref<const std::string&>();
    const auto& expected = vector.at("expected").get_ref<const std::string&>();
    INFO(name << " (" << source << ")");
    CHECK_FALSE(source.empty());
    if (source.starts_with("RFC 8785")) ++from_rfc;
    const std::string canonical = canonicalize_text(input);
    CHECK(canonical == expected);
    if (vector.contains("expected_utf8_hex")) {
      CHECK(to_hex(canonical) == vector.at("expected_utf8_hex").get<std::string>());
    }
    // Canonical text is a fixed point.
    CHECK(canonicalize_text(canonical) == canonical);
  }
  CHECK(from_rfc >= 5);
}

TEST_CASE("RFC 8785 string escaping example, spelled out", "[jcs]") {
  const std::string input =
      R"("\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/")";
  const std::string expected = "\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"";
  CHECK(canonicalize_text(input) == expected);
}

TEST_CASE("strings are escaped as JSON.stringify does", "[jcs]") {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  const std::string expected =
      "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
      "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
      "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
      "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"";
  CHECK(*canonical_json(json(controls)) == expected);

  // Slash, DEL, C1 controls, U+2028 and non-BMP characters stay literal.
  const std::string literal =
      "/\x7F\xC2\x80\xC2\x9F\xE2\x80\xA8\xEF\xBF\xBF\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF";
  CHECK(*canonical_json(json(literal)) == "\"" + literal + "\"");
  CHECK(*canonical_json(json("a\"b\\c")) == R"("a\"b\\c")");
  CHECK(*canonical_json(json("")) == R"("")");
  CHECK(canonicalize_text(R"("\u00e9\u00C9")") == "\"\xC3\xA9\xC3\x89\"");
}

// Reference escaper, one byte at a time.
std::string reference_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out.push_back("0123456789abcdef"[byte >> 4]);
          out.push_back("0123456789abcdef"[byte & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

TEST_CASE("string escaping matches a reference on random strings", "[jcs]") {
  // Pieces chosen to land on every position of an eight-byte word.
  const std::vector<std::string> pieces = {
      "a", "Z", " ", "~", "\x7F", "\"", "\\", "/", "\n", std::string(1, '\0'),
      "\x1F", "\x01", "\xC2\x80", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
      "\xEF\xBF\xBF", "abcdefgh"};
  std::mt19937 rng(2028);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(0, 40);
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    for (int n = count(rng); n > 0; --n) s += pieces[pick(rng)];
    INFO(to_hex(s));
    REQUIRE(*canonical_json(json(s)) == reference_string(s));
  }
  // One invalid byte anywhere in a long plain string is found.
  for (std::size_t at = 0; at < 24; ++at) {
    std::string s(24, 'x');
    s[at] = '\xFF';
    REQUIRE_FALSE(canonical_json(json(s)).has_value());
  }
}

TEST_CASE("literals and integers", "[jcs]") {
  CHECK(*canonical_json(json(true)) == "true");
  CHECK(*canonical_json(json(false)) == "false");
  CHECK(*canonical_json(json(nullptr)) == "null");
  CHECK(*canonical_json(json(0)) == "0");
  CHECK(*canonical_json(json(-1)) == "-1");
  CHECK(*canonical_json(json(kMaxSafe)) == "9007199254740991");
  CHECK(*canonical_json(json(-kMaxSafe)) == "-9007199254740991");
  CHECK(*canonical_json(json(std::uint64_t{kMaxSafe})) == "9007199254740991");
  CHECK(canonicalize_text("-0") == "0");
  CHECK(canonicalize_text(" 42 ") == "42");
}

TEST_CASE("object members sort by UTF-16 code units", "[jcs]") {
  // U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80) by UTF-8 bytes but
  // after it by UTF-16 units (E000 > D83D).
  json object = json::object();
  object["\xEE\x80\x80"] = 1;
  object["\xF0\x9F\x98\x80"] = 2;
  object["a"] = 3;
  CHECK(*canonical_json(object) ==
        "{\"a\":3,\"\xF0\x9F\x98\x80\":2,\"\xEE\x80\x80\":1}");

  // Without characters above U+FFFF the byte order stands.
  json bmp = json::object();
  bmp["\xEF\xAC\xB3"] = 1;  // U+FB33
  bmp["\xE2\x82\xAC"] = 2;  // U+20AC
  bmp["\xC3\xB6"] = 3;      // U+00F6
  CHECK(*canonical_json(bmp) ==
        "{\"\xC3\xB6\":3,\"\xE2\x82\xAC\":2,\"\xEF\xAC\xB3\":1}");

  // Prefixes sort first; names differing after a shared prefix.
  json prefixed = json::object();
  prefixed["ab\xEF\xBF\xBF"] = 1;      // "ab" U+FFFF
  prefixed["ab\xF0\x90\x80\x80"] = 2;  // "ab" U+10000
  prefixed["ab"] = 3;
  prefixed["a"] = 4;
  CHECK(*canonical_json(prefixed) ==
        "{\"a\":4,\"ab\":3,\"ab\xF0\x90\x80\x80\":2,\"ab\xEF\xBF\xBF\":1}");
}

// Reference order: encode names to UTF-16 independently and compare those.
void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_utf16(std::u16string& out, char32_t cp) {
  if (cp < 0x10000) {
    out.push_back(static_cast<char16_t>(cp));
  } else {
    const char32_t offset = cp - 0x10000;
    out.push_back(static_cast<char16_t>(0xD800 + (offset >> 10)));
    out.push_back(static_cast<char16_t>(0xDC00 + (offset & 0x3FF)));
  }
}

TEST_CASE("member order matches a UTF-16 reference on random names", "[jcs]") {
  const char32_t alphabet[] = {U'a',     U'b',     0x7F,    0x80,
                               0x7FF,   0x800,    0xD7FF,  0xE000,
                               0xFB33,  0xFFFF,   0x10000, 0x1F600,
                               0x10FFFF};
  std::mt19937 rng(8785);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(alphabet) - 1);
  std::uniform_int_distribution<int> length(0, 4);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::pair<std::u16string, std::string>> names;
    json object = json::object();
    for (int member = 0; member < 8; ++member) {
      std::string utf8;
      std::u16string utf16;
      for (int n = length(rng); n > 0; --n) {
        const char32_t cp = alphabet[pick(rng)];
        append_utf8(utf8, cp);
        append_utf16(utf16, cp);
      }
      if (object.contains(utf8)) continue;
      object[utf8] = member;
      names.emplace_back(utf16, utf8);
    }
    std::sort(names.begin(), names.end());
    std::string expected = "{";
    for (const auto& [utf16, utf8] : names) {
      if (expected.size() > 1) expected += ",";
      expected += "\"" + utf8 + "\":" + std::to_string(object[utf8].get<int>());
    }
    expected += "}";
    REQUIRE(*canonical_json(object) == expected);
  }
}

TEST_CASE("a pretty-printed statement canonicalizes byte-exactly", "[jcs]") {
  const std::string pretty =
      "{\n"
      "\t\"vin\" : \"1HGCM82633A004352\",\r\n"
      "  \"prev\": null,\n"
      "  \"event\": {\n"
      "    \"odometer_km\": 120034,\n"
      "    \"kind\": \"transfer\",\n"
      "    \"to\": \"Garage M\\u00fcller \\/ \\\"S\\u00fcd\\\"\",\n"
      "    \"flags\": [ true, false ],\n"
      "    \"delta\": -42\n"
      "  },\n"
      "  \"note\": \"line1\\nline2\\ttab\"\n"
      "}\n";
  const std::string expected =
      "{\"event\":{\"delta\":-42,\"flags\":[true,false],\"kind\":\"transfer\","
      "\"odometer_km\":120034,\"to\":\"Garage M\xC3\xBCller / \\\"S\xC3\xBC"
      "d\\\"\"},\"note\":\"line1\\nline2\\ttab\",\"prev\":null,"
      "\"vin\":\"1HGCM82633A004352\"}";
  CHECK(canonicalize_text(pretty) == expected);
}

TEST_CASE("parse_strict_json(canonical_json(x)) == x", "[jcs]") {
  const std::vector<json> values = {
      json(nullptr),
      json(true),
      json(false),
      json(0),
      json(kMaxSafe),
      json(-kMaxSafe),
      json(""),
      json("\x01\x1F\"\\/\x7F \xE2\x82\xAC \xF0\x9F\x98\x80"),
      json(std::string("nul\0byte", 8)),
      json::array(),
      json::object(),
      json::array({1, "two", nullptr, json::array({json::object()})}),
      json{{"b", 1}, {"a", json{{"\xEE\x80\x80", 1}, {"\xF0\x9F\x98\x80", 2}}}},
      json{{"statement", {{"vin", "WVWZZZ1JZXW000001"}, {"seq", 17}}},
           {"sig", "AAAA"}},
  };
  for (const json& value : values) {
    const auto canonical = canonical_json(value);
    REQUIRE(canonical.has_value());
    INFO(*canonical);
    const auto reparsed = parse_strict_json(*canonical);
    REQUIRE(reparsed.has_value());
    CHECK(*reparsed == value);
    CHECK(*canonical_json(*reparsed) == *canonical);
  }
}

TEST_CASE("append_canonical_json appends, and leaves out alone on refusal",
          "[jcs]") {
  std::string out = "prefix:";
  REQUIRE(append_canonical_json(json{{"b", 2}, {"a", 1}}, out).has_value());
  CHECK(out == R"(prefix:{"a":1,"b":2})");
  const auto refused =
      append_canonical_json(json{{"a", 1}, {"b", json::array({1, 2.5})}}, out);
  REQUIRE_FALSE(refused.has_value());
  CHECK(out == R"(prefix:{"a":1,"b":2})");
}

TEST_CASE("canonical_json refuses what JCS cannot carry", "[jcs]") {
  CHECK(require_not_canonicalized(json(1.0), "floats are not allowed") ==
        "cannot canonicalize JSON: floats are not allowed");
  require_not_canonicalized(json(std::uint64_t{kMaxSafe} + 1),
                            "integer 9007199254740992 is beyond");
  require_not_canonicalized(json(-kMaxSafe - 1),
                            "integer -9007199254740992 is beyond");
  require_not_canonicalized(json(INT64_MIN), "is beyond");
  require_not_canonicalized(json::binary({1, 2, 3}), "binary");
  CHECK(require_not_canonicalized(json{{"a/b", {{"c", json::array({0, 0.5})}}}},
                                  "floats") ==
        "cannot canonicalize JSON at /a~1b/c/1: floats are not allowed");
  CHECK(require_not_canonicalized(json("ok\xFF"), "not valid UTF-8") ==
        "cannot canonicalize JSON: string is not valid UTF-8 "
        "(byte 0xff at offset 2)");
  require_not_canonicalized(json("\xC0\xAF"), "not valid UTF-8");          // overlong
  require_not_canonicalized(json("\xED\xA0\x80"), "not valid UTF-8");      // surrogate
  require_not_canonicalized(json("\xF4\x90\x80\x80"), "not valid UTF-8");  // > U+10FFFF
  require_not_canonicalized(json("\xE2\x82"), "not valid UTF-8");          // truncated
  require_not_canonicalized(json{{"k\xFF", 1}}, "not valid UTF-8");
  // Invalid names next to names that would need UTF-16 sorting.
  require_not_canonicalized(
      json{{"\xEE\x80\x80", 1}, {"\xF0\x9F\x98\x80", 2}, {"\xF8", 3}},
      "not valid UTF-8");
}

TEST_CASE("canonical_json bounds nesting without recursing deeply", "[jcs]") {
  json value = json::array();
  for (int depth = 1; depth < kMaxJsonDepth; ++depth) {
    value = json::array({std::move(value)});
  }
  CHECK(*canonical_json(value) == nested_arrays(kMaxJsonDepth));
  CHECK(require_not_canonicalized(json::array({value}), "nesting") ==
        "cannot canonicalize JSON at /0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/"
        "0/0/0/0/0/0/0/0/0/0/0/0: nesting deeper than 32 levels");

  json deep = json::object();
  for (int depth = 0; depth < 100000; ++depth) {
    deep = json{{"a", std::move(deep)}};
  }
  require_not_canonicalized(deep, "nesting deeper than 32 levels");
}

// ---------------------------------------------------------------------------
// Strict input

TEST_CASE("parse_strict_json builds the expected values", "[parse]") {
  const auto value = parse_strict_json(
      R"({"s":"x\u00e9","i":-7,"u":7,"t":true,"n":null,"a":[1,[2]],"o":{}})");
  REQUIRE(value.has_value());
  CHECK(value->at("s") == "x\xC3\xA9");
  CHECK(value->at("i").is_number_integer());
  CHECK(value->at("i") == -7);
  CHECK(value->at("u") == 7);
  CHECK(value->at("t") == true);
  CHECK(value->at("n").is_null());
  CHECK(value->at("a") == json::array({1, json::array({2})}));
  CHECK(value->at("o") == json::object());
  CHECK(*parse_strict_json("\"\\u0000\"") == json(std::string(1, '\0')));
  CHECK(*parse_strict_json("\"\\ud83d\\ude00\"") == json("\xF0\x9F\x98\x80"));
  CHECK(*parse_strict_json("9007199254740991") == json(kMaxSafe));
  CHECK(*parse_strict_json("-9007199254740991") == json(-kMaxSafe));
}

TEST_CASE("syntax errors carry nlohmann's reason and the offset", "[parse]") {
  CHECK(require_refused("tru", "invalid literal", 3) ==
        "invalid JSON at byte 3: syntax error while parsing value - "
        "invalid literal; last read: 'tru'");
  require_refused("[1,]", "unexpected ']'", 3);
  require_refused("[1 2]", "expected ']'", 3);
  require_refused("{\"a\"}", "expected ':'", 4);
  require_refused("{'a':1}", "syntax error", 1);
  require_refused("{\"a\":1,}", "syntax error while parsing object key", 7);
  require_refused("\"abc", "missing closing quote", 4);
  require_refused("\"\\x\"", "forbidden character after backslash", 2);
  require_refused("\"\\u12G4\"", "must be followed by 4 hex digits", 5);
  require_refused("+1", "invalid literal", 0);
  require_refused("1.", "expected digit after '.'", 2);
  require_refused("NaN", "invalid literal", 0);
  require_refused("\"a\nb\"", "control character U+000A (LF) must be escaped",
                  2);
}

TEST_CASE("empty and truncated input is refused", "[parse]") {
  require_refused("", "unexpected end of input", 0);
  require_refused(" \n\t ", "unexpected end of input", 4);
  const std::string document =
      R"({"vin":"1HGCM82633A004352","seq":[1,-2,{"k":"\u00e9\ud83d\ude00"}],"ok":true,"no":null})";
  REQUIRE(parse_strict_json(document).has_value());
  for (std::size_t length = 0; length < document.size(); ++length) {
    const auto prefix = parse_strict_json(document.substr(0, length));
    INFO(document.substr(0, length));
    REQUIRE_FALSE(prefix.has_value());
    CHECK(prefix.error().kind == ErrorKind::invalid_input);
    CHECK(is_single_line(prefix.error().message));
  }
}

TEST_CASE("trailing content is refused", "[parse]") {
  CHECK(require_refused("1 2", "trailing content", 2) ==
        "invalid JSON at byte 2: trailing content after the value");
  require_refused("{} x", "trailing content", 3);
  require_refused("[1]  ]", "trailing content", 5);
  require_refused("\"a\"\"b\"", "trailing content", 3);
  require_refused("truefalse", "trailing content", 4);
  require_refused("01", "trailing content", 1);
  require_refused("-01", "trailing content", 2);
  require_refused("12x", "trailing content", 2);
  require_refused("0-1", "trailing content", 1);
  require_refused("1\n\n{", "trailing content", 3);
}

TEST_CASE("NUL bytes are refused wherever they are", "[parse]") {
  require_refused("\0"s, "unexpected NUL byte", 0);
  require_refused("1\0"s, "trailing content", 1);
  require_refused("{}\0"s, "trailing content", 2);
  require_refused("[1,\0]"s, "unexpected NUL byte", 3);
  require_refused("\"a\0b\""s, "NUL", 2);
  require_refused("{\"a\0\":1}"s, "NUL", 3);
}

TEST_CASE("floats are refused, whatever their spelling", "[parse]") {
  CHECK(require_refused("1.0", "floats are not allowed", 0) ==
        "invalid JSON at byte 0: floats are not allowed (found 1.0)");
  require_refused("1e2", "floats are not allowed (found 1e2)", 0);
  require_refused("1E+2", "floats are not allowed (found 1E+2)", 0);
  require_refused("0.5", "floats are not allowed", 0);
  require_refused("-0.0", "floats are not allowed", 0);
  require_refused("[1, 2.5]", "floats are not allowed (found 2.5)", 4);
  require_refused("{\"a\": 1e-3}", "floats are not allowed (found 1e-3)", 6);
  require_refused("[1e400]", "floats are not allowed (found 1e400)", 1);
  require_refused("[0.1 ]", "floats are not allowed (found 0.1)", 1);
}

TEST_CASE("integers beyond +-(2^53-1) are refused", "[parse]") {
  CHECK(require_refused("9007199254740992", "beyond +-(2^53-1)", 0) ==
        "invalid JSON at byte 0: integer 9007199254740992 is beyond "
        "+-(2^53-1)");
  require_refused("[-9007199254740992]", "integer -9007199254740992", 1);
  require_refused("18446744073709551615", "integer 18446744073709551615", 0);
  require_refused("18446744073709551616", "integer 18446744073709551616", 0);
  require_refused("-9223372036854775809", "integer -9223372036854775809", 0);
  const std::string huge(400, '9');
  const std::string message = require_refused(
      "[" + huge + "]", "integer 9999999999999999999999999999999999999999...", 1);
  CHECK(message.find(huge) == std::string::npos);
}

TEST_CASE("duplicate object keys are refused by name", "[parse]") {
  CHECK(require_refused(R"({"a":1,"a":2})", "duplicate object key", 7) ==
        "invalid JSON at byte 7: duplicate object key \"a\"");
  // Equal after unescaping.
  require_refused(R"({"a":1,"\u0061":2})", "duplicate object key \"a\"", 7);
  // The name is k, backslash, quote: quoted unambiguously in the message.
  require_refused(R"({"x":{"k\\\"":1,"k\\\"":2}})",
                  R"(duplicate object key "k\\\"")", 16);
  // Same name in different objects is fine.
  REQUIRE(parse_strict_json(R"({"a":{"a":1},"b":{"a":2}})").has_value());
  // Long and control-laden names are echoed short and on one line.
  const std::string long_name(100, 'x');
  const std::string message = require_refused(
      "{\"" + long_name + "\":1,\"" + long_name + "\":2}",
      "duplicate object key \"" + std::string(40, 'x') + "...\"", 106);
  require_refused(R"({"k\u0007\n\u2028":1,"k\u0007\n\u2028":2})",
                  R"(duplicate object key "k\u0007\u000a\u2028")", 21);
}

TEST_CASE("invalid UTF-8 is refused", "[parse]") {
  require_refused("\"ab\xFF\"", "ill-formed UTF-8 byte; last read: '\"ab\\xff'",
                  3);
  require_refused("\"\xC0\xAF\"", "ill-formed UTF-8", 1);          // overlong
  require_refused("\"\xE0\x80\xAF\"", "ill-formed UTF-8", 2);      // overlong
  require_refused("\"\xED\xA0\x80\"", "ill-formed UTF-8", 2);      // surrogate
  require_refused("\"\xF4\x90\x80\x80\"", "ill-formed UTF-8", 2);  // > U+10FFFF
  require_refused("\"\xE2\x82\"", "ill-formed UTF-8", 3);          // truncated
  require_refused("\"\x80\"", "ill-formed UTF-8", 1);              // stray
  require_refused("{\"\xFE\":1}", "ill-formed UTF-8", 2);          // in a key
  require_refused("\xFF", "invalid literal", 0);                   // outside
}

TEST_CASE("lone and mis-ordered surrogate escapes are refused", "[parse]") {
  const std::string must_be_followed =
      "surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF";
  const std::string must_follow =
      "surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF";
  require_refused(R"("\ud800")", must_be_followed, 7);
  require_refused(R"("\ud800x")", must_be_followed, 7);
  require_refused(R"("\ud800\u0041")", must_be_followed, 12);
  require_refused(R"("\ud800\ud800")", must_be_followed, 12);
  require_refused(R"("\udc00")", must_follow, 6);
  require_refused(R"("\udc00\ud800")", must_follow, 6);
  require_refused(R"("\udfff\udbff")", must_follow, 6);
  require_refused(R"({"\ud800":1})", must_be_followed, 8);
}

TEST_CASE("nesting deeper than kMaxJsonDepth is refused", "[parse]") {
  REQUIRE(parse_strict_json(nested_arrays(kMaxJsonDepth)).has_value());
  CHECK(require_refused(nested_arrays(kMaxJsonDepth + 1), "nesting", 32) ==
        "invalid JSON at byte 32: nesting deeper than 32 levels");
  require_refused(std::string(100000, '['), "nesting deeper than 32", 32);
  require_refused(nested_arrays(100000), "nesting deeper than 32", 32);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  require_refused(objects, "nesting deeper than 32", 32 * 5);
}

TEST_CASE("large strings pass through unharmed", "[parse]") {
  const std::string mebibyte(1 << 20, 'a');
  const auto value = parse_strict_json("\"" + mebibyte + "\"");
  REQUIRE(value.has_value());
  CHECK(value->get_ref<const std::string&>() == mebibyte);
  CHECK(*canonical_json(*value) == "\"" + mebibyte + "\"");

  // An unterminated one yields a short message that ends with its tail.
  const std::string message = require_refused(
      "\"" + mebibyte, "missing closing quote; last read: '...aaaa", 1 + (1 << 20));
  CHECK(message.size() < 200);
}

TEST_CASE("a byte order mark is refused", "[parse]") {
  require_refused("\xEF\xBB\xBF{}", "byte order mark", 0);
  require_refused("\xEF\xBB{}", "invalid BOM", 2);
}

}  // namespace
}  // namespace vinledger
