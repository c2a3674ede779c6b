// Entries: the leaf bytes assembled around a canonical statement must be
// exactly JCS(entry), and parsing them back must accept only that spelling.
#include "vinledger/entry.h"

#include <array>
#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vinledger/canonical_json.h"
#include "vinledger/keys.h"
#include "vinledger/statement.h"

namespace vinledger {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

SigningKey test_key() {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return SigningKey::from_seed(seed);
}

Statement signed_statement(json object) {
  Result<Statement> statement = sign_statement(std::move(object), test_key());
  if (!statement) FAIL("sign_statement refused: " << statement.error().message);
  return std::move(*statement);
}

// Statements of different shapes: nested objects, arrays, non-ASCII text.
std::vector<Statement> sample_statements() {
  std::vector<Statement> out;
  out.push_back(signed_statement({{"type", "manufacture"},
                                  {"vin", "1FADP3M29PG000001"},
                                  {"time", "2023-05-01T09:30:00Z"},
                                  {"actor", "ford-us"},
                                  {"prev", nullptr},
                                  {"country", "US"},
                                  {"make", "Ford"},
                                  {"model", "Focus \"ST\" – Škoda-free"},
                                  {"year", 2023}}));
  out.push_back(signed_statement({{"type", "export"},
                                  {"vin", "JTJHY00W0P4000000"},
                                  {"time", "2023-06-01T00:00:00.5Z"},
                                  {"actor", "exporter-jp"},
                                  {"country", "JP"},
                                  {"port", "JPYOK"},
                                  {"destination", "SG"},
                                  {"via", {"BD", "CN"}},
                                  {"consignee", {{"name", "Trading Co."}, {"country", "SG"}}},
                                  {"doc", "EXP-1"},
                                  {"value", {{"amount", 1000000000}, {"currency", "JPY"}}}}));
  out.push_back(signed_statement({{"type", "party"},
                                  {"id", "carrier.1"},
                                  {"time", "2023-01-01T00:00:00Z"},
                                  {"actor", "operator"},
                                  {"name", "Carrier One"},
                                  {"country", "ZZ"},
                                  {"roles", {"carrier", "importer"}},
                                  {"vkey", test_key().verifier("carrier.1").text()}}));
  return out;
}

Hash hash_of(char fill) {
  Hash hash;
  hash.fill(static_cast<std::uint8_t>(fill));
  return hash;
}

std::vector<EntryHeader> sample_headers() {
  Hash mixed;
  for (std::size_t i = 0; i < mixed.size(); ++i) mixed[i] = static_cast<std::uint8_t>(i * 37 + 5);
  return {
      {0, "2023-05-01T09:30:00Z", std::nullopt, std::nullopt},  // the first entry of the log
      {1, "2023-05-01T09:30:01Z", hash_of('\x01'), std::nullopt},  // first of its VIN
      {2, "2023-05-01T09:30:02Z", mixed, hash_of('\xff')},
      {0, "1999-12-31T23:59:59.999999999Z", std::nullopt, mixed},  // fractions are kept as written
      {123456789, "2023-05-01T09:30:00.5Z", mixed, mixed},
      {9007199254740991, "2999-12-31T23:59:59Z", hash_of('\0'), hash_of('\x7f')},  // 2^53-1
  };
}

std::string leaf_of(const EntryHeader& header, const Statement& statement) {
  return entry_leaf_bytes(header, statement.canonical);
}

// The canonical bytes of a (possibly malformed) entry object.
std::string canonical_of(const json& object) {
  Result<std::string> bytes = canonical_json(object);
  if (!bytes) FAIL("canonical_json refused: " << bytes.error().message);
  return *bytes;
}

json good_entry() { return entry_json(sample_headers()[2], sample_statements()[0].object); }

}  // namespace

TEST_CASE("entry_leaf_bytes is JCS of entry_json for every header shape", "[entry]") {
  int compared = 0;
  for (const Statement& statement : sample_statements()) {
    for (const EntryHeader& header : sample_headers()) {
      INFO("seq " << header.seq << " recorded " << header.recorded << " statement " << statement.canonical);
      const Result<std::string> expected = canonical_json(entry_json(header, statement.object));
      REQUIRE(expected.has_value());
      CHECK(leaf_of(header, statement) == *expected);
      ++compared;
    }
  }
  CHECK(compared == 18);
}

TEST_CASE("entry_leaf_bytes matches a hand-written leaf", "[entry]") {
  // Member order prev_entry < recorded < seq < statement < vin_prev, no
  // whitespace, hashes as lowercase hex, null for an absent hash.
  const std::string statement = R"({"a":1,"b":"x"})";
  CHECK(entry_leaf_bytes({0, "2023-05-01T09:30:00Z", std::nullopt, std::nullopt}, statement) ==
        R"({"prev_entry":null,"recorded":"2023-05-01T09:30:00Z","seq":0,"statement":{"a":1,"b":"x"},)"
        R"("vin_prev":null})");
  const std::string ab(64, 'a'), cd = std::string(62, '0') + "cd";
  Hash h_ab = hash_of('\xaa'), h_cd{};
  h_cd[31] = 0xcd;
  CHECK(entry_leaf_bytes({42, "2023-05-01T09:30:00.25Z", h_ab, h_cd}, statement) ==
        R"({"prev_entry":")" + ab + R"(","recorded":"2023-05-01T09:30:00.25Z","seq":42,)" +
            R"("statement":{"a":1,"b":"x"},"vin_prev":")" + cd + R"("})");
}

TEST_CASE("the entry hash is the RFC 6962 leaf hash of the leaf bytes", "[entry]") {
  const std::string leaf = leaf_of(sample_headers()[0], sample_statements()[0]);
  CHECK(leaf_hash(leaf) == sha256(std::string(1, '\0') + leaf));
}

TEST_CASE("parse_entry_leaf reads back what entry_leaf_bytes wrote", "[entry]") {
  for (const Statement& statement : sample_statements()) {
    for (const EntryHeader& header : sample_headers()) {
      const std::string leaf = leaf_of(header, statement);
      INFO(leaf);
      const Result<ParsedEntry> parsed = parse_entry_leaf(leaf);
      if (!parsed) FAIL("refused: " << parsed.error().message);
      CHECK(parsed->header.seq == header.seq);
      CHECK(parsed->header.recorded == header.recorded);
      CHECK(parsed->header.prev_entry == header.prev_entry);
      CHECK(parsed->header.vin_prev == header.vin_prev);
      CHECK(parsed->statement == statement.object);
      // And the statement inside still parses as the same statement.
      const Result<Statement> again = statement_from_json(parsed->statement);
      REQUIRE(again.has_value());
      CHECK(again->canonical == statement.canonical);
      CHECK(entry_leaf_bytes(parsed->header, again->canonical) == leaf);
    }
  }
}

TEST_CASE("parse_entry_leaf refuses any spelling but the canonical one", "[entry]") {
  const std::string leaf = canonical_of(good_entry());
  REQUIRE(parse_entry_leaf(leaf).has_value());

  auto replace = [&](const std::string& from, const std::string& to) {
    std::string edited = leaf;
    const std::size_t at = edited.find(from);
    REQUIRE(at != std::string::npos);
    edited.replace(at, from.size(), to);
    return edited;
  };
  // Move "seq":N to the front: the same JSON, keys out of order.
  const std::string seq_member = "\"seq\":2,";
  std::string reordered = replace(seq_member, "");
  reordered.insert(1, seq_member);

  const std::vector<std::string> cases = {
      " " + leaf,                                   // leading whitespace
      leaf + "\n",                                  // trailing newline
      replace("\"seq\":2", "\"seq\": 2"),           // whitespace after a colon
      replace(",\"statement\"", ", \"statement\""),  // whitespace after a comma
      replace("{\"actor\"", "{ \"actor\""),        // whitespace inside the statement
      reordered,                                    // keys out of order
      replace("\"seq\":2", "\"seq\":-0") ,          // -0 reads as 0 but is not its spelling
      replace("09:30:02Z", "09:30:02\\u005a"),      // an escape JCS would not write
      replace("\"make\":\"Ford\"", "\"make\":\"\\u0046ord\""),
      replace("\"model\":\"Focus", "\"model\":\"\\u0046ocus"),
  };
  for (const std::string& text : cases) {
    INFO(text);
    const Result<ParsedEntry> parsed = parse_entry_leaf(text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().kind == ErrorKind::invalid_input);
    CHECK_THAT(parsed.error().message, Contains("canonical"));
  }
  // -0 above must have been refused for its spelling, not its value.
  CHECK(parse_entry_leaf(replace("\"seq\":2", "\"seq\":0")).has_value());
}

TEST_CASE("parse_entry_leaf refuses missing, extra and ill-typed members", "[entry]") {
  struct Case {
    const char* why;
    std::function<void(json&)> edit;
    const char* fragment;
  };
  const std::string hex(64, 'a');
  const Case cases[] = {
      {"missing prev_entry", [](json& e) { e.erase("prev_entry"); }, "exactly prev_entry"},
      {"missing statement", [](json& e) { e.erase("statement"); }, "exactly prev_entry"},
      {"extra member", [](json& e) { e["extra"] = 1; }, "exactly prev_entry"},
      {"renamed member", [](json& e) { e["vinprev"] = e["vin_prev"]; e.erase("vin_prev"); }, "lacks \"vin_prev\""},
      {"seq as a string", [](json& e) { e["seq"] = "2"; }, "\"seq\" must be a non-negative integer"},
      {"negative seq", [](json& e) { e["seq"] = -1; }, "\"seq\" must be a non-negative integer"},
      {"seq null", [](json& e) { e["seq"] = nullptr; }, "\"seq\" must be a non-negative integer"},
      {"seq boolean", [](json& e) { e["seq"] = true; }, "\"seq\" must be a non-negative integer"},
      {"recorded as a number", [](json& e) { e["recorded"] = 1682933400; }, "\"recorded\" must be an RFC 3339"},
      {"recorded a plain date", [](json& e) { e["recorded"] = "2023-05-01"; }, "\"recorded\" must be an RFC 3339"},
      {"recorded with an offset", [](json& e) { e["recorded"] = "2023-05-01T09:30:00+09:00"; }, "\"recorded\""},
      {"recorded null", [](json& e) { e["recorded"] = nullptr; }, "\"recorded\""},
      {"prev_entry upper case", [&](json& e) { e["prev_entry"] = std::string(64, 'A'); }, "\"prev_entry\" must be"},
      {"prev_entry short", [&](json& e) { e["prev_entry"] = hex.substr(1); }, "\"prev_entry\" must be"},
      {"prev_entry long", [&](json& e) { e["prev_entry"] = hex + "a"; }, "\"prev_entry\" must be"},
      {"prev_entry not hex", [&](json& e) { e["prev_entry"] = std::string(63, 'a') + "g"; }, "\"prev_entry\""},
      {"prev_entry number", [](json& e) { e["prev_entry"] = 0; }, "\"prev_entry\" must be"},
      {"prev_entry empty", [](json& e) { e["prev_entry"] = ""; }, "\"prev_entry\" must be"},
      {"vin_prev upper case", [&](json& e) { e["vin_prev"] = std::string(64, 'F'); }, "\"vin_prev\" must be"},
      {"vin_prev array", [&](json& e) { e["vin_prev"] = json::array({hex}); }, "\"vin_prev\" must be"},
      {"vin_prev false", [](json& e) { e["vin_prev"] = false; }, "\"vin_prev\" must be"},
      {"statement a string", [](json& e) { e["statement"] = "{}"; }, "\"statement\" must be an object"},
      {"statement an array", [](json& e) { e["statement"] = json::array(); }, "\"statement\" must be an object"},
      {"statement null", [](json& e) { e["statement"] = nullptr; }, "\"statement\" must be an object"},
  };
  for (const Case& c : cases) {
    INFO(c.why);
    json entry = good_entry();
    c.edit(entry);
    const std::string text = canonical_of(entry);  // canonical, so only the defect is wrong
    const Result<ParsedEntry> parsed = parse_entry_leaf(text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().kind == ErrorKind::invalid_input);
    CHECK_THAT(parsed.error().message, Contains(c.fragment));
  }
}

TEST_CASE("parse_entry_leaf refuses what is not a JSON object", "[entry]") {
  const std::string leaf = canonical_of(good_entry());
  for (const std::string& text :
       {std::string(), std::string("[]"), std::string("\"x\""), std::string("5"), std::string("null"),
        std::string("{}"), leaf.substr(0, leaf.size() - 1), leaf + leaf, leaf + "x",
        std::string("{\"seq\":1.0}"), "\xEF\xBB\xBF" + leaf}) {
    INFO(text);
    const Result<ParsedEntry> parsed = parse_entry_leaf(text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().kind == ErrorKind::invalid_input);
  }
  // A duplicate key is invalid JSON here, even with the same value.
  std::string duplicated = leaf;
  duplicated.insert(1, "\"seq\":2,");
  CHECK_FALSE(parse_entry_leaf(duplicated).has_value());
}

TEST_CASE("seq 0 and 2^53-1 both parse, 2^53 does not", "[entry]") {
  json entry = good_entry();
  entry["seq"] = 0;
  const Result<ParsedEntry> zero = parse_entry_leaf(canonical_of(entry));
  REQUIRE(zero.has_value());
  CHECK(zero->header.seq == 0);
  entry["seq"] = 9007199254740991;
  const Result<ParsedEntry> large = parse_entry_leaf(canonical_of(entry));
  REQUIRE(large.has_value());
  CHECK(large->header.seq == 9007199254740991);
  std::string too_large = canonical_of(entry);
  too_large.replace(too_large.find("9007199254740991"), 16, "9007199254740992");
  CHECK_FALSE(parse_entry_leaf(too_large).has_value());
}

}  // namespace vinledger
