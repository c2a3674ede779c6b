// Statements: the fields of each type (docs/format.md "Statements (contract)"), every
// refusal naming the field at fault, the exact bytes a party signs, party
// records, chain keys, and the command-line value conversions.
#include "vinledger/statement.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "country_codes.h"
#include "vinledger/canonical_json.h"
#include "vinledger/encoding.h"
#include "vinledger/keys.h"

namespace vinledger {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

const SigningKey& party_key() {
  static const SigningKey key = SigningKey::generate();
  return key;
}

const SigningKey& other_key() {
  static const SigningKey key = SigningKey::generate();
  return key;
}

const std::string kHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// The contract's fields per type, written out from docs/format.md rather than
// taken from the code, so that a field the code forgets or invents fails.
struct TypeSpec {
  const char* type;
  std::vector<std::string> required;  // besides type, time, actor, sig (and vin)
  std::vector<std::string> optional;  // besides prev
};

const std::vector<TypeSpec>& type_specs() {
  static const std::vector<TypeSpec> specs = {
      {"party", {"id", "name", "country", "roles", "vkey"}, {"wmi"}},
      {"manufacture", {"country", "make", "model", "year"}, {}},
      {"transfer", {"from", "to", "country"}, {"doc"}},
      {"export", {"country", "port", "destination", "consignee", "doc"}, {"via", "value"}},
      {"ship", {"from_port", "to_port", "doc"}, {"vessel"}},
      {"import", {"country", "port", "doc"}, {}},
      {"register", {"country", "owner"}, {"plate"}},
      {"destroy", {"country"}, {}},
  };
  return specs;
}

std::vector<std::string> required_fields(const TypeSpec& spec) {
  std::vector<std::string> fields = {"type", "time", "actor", "sig"};
  if (std::string(spec.type) != "party") fields.push_back("vin");
  fields.insert(fields.end(), spec.required.begin(), spec.required.end());
  return fields;
}

std::vector<std::string> optional_fields(const TypeSpec& spec) {
  std::vector<std::string> fields = {"prev"};
  fields.insert(fields.end(), spec.optional.begin(), spec.optional.end());
  return fields;
}

// One valid unsigned statement per type, with every optional field present.
json unsigned_statement(const std::string& type) {
  const json common = {{"type", type}, {"time", "2023-05-01T09:30:00Z"}, {"prev", nullptr}};
  json object = common;
  if (type != "party") object["vin"] = "1FADP3M29PG000001";
  if (type == "party") {
    object.update({{"actor", "operator"},
                   {"id", "dealer-jp"},
                   {"name", "Dealer Japan K.K."},
                   {"country", "JP"},
                   {"roles", {"dealer", "exporter"}},
                   {"vkey", party_key().verifier("dealer-jp").text()},
                   {"wmi", {"JTJ", "JT2"}}});
  } else if (type == "manufacture") {
    object.update({{"actor", "ford-us"}, {"country", "US"}, {"make", "Ford"}, {"model", "Focus"}, {"year", 2023}});
  } else if (type == "transfer") {
    object.update({{"actor", "dealer-jp"},
                   {"prev", kHash},
                   {"from", "ford-us"},
                   {"to", "dealer-jp"},
                   {"country", "JP"},
                   {"doc", "INV-2023-001"}});
  } else if (type == "export") {
    object.update({{"actor", "dealer-jp"},
                   {"country", "JP"},
                   {"port", "JPYOK"},
                   {"destination", "SG"},
                   {"via", {"BD", "CN"}},
                   {"consignee", "importer-sg"},
                   {"doc", "EXP-0001"},
                   {"value", {{"amount", 1000000000}, {"currency", "JPY"}}}});
  } else if (type == "ship") {
    object.update(
        {{"actor", "carrier"}, {"from_port", "JPYOK"}, {"to_port", "SGSIN"}, {"vessel", "MV Example"}, {"doc", "BL-1"}});
  } else if (type == "import") {
    object.update({{"actor", "importer-sg"}, {"country", "SG"}, {"port", "SGSIN"}, {"doc", "IMP-1"}});
  } else if (type == "register") {
    object.update({{"actor", "lta-sg"}, {"country", "SG"}, {"owner", "Tan Ah Kow"}, {"plate", "SBA1234A"}});
  } else if (type == "destroy") {
    object.update({{"actor", "lta-sg"}, {"country", "SG"}});
  }
  return object;
}

Statement sign_ok(json object, const SigningKey& key = party_key()) {
  Result<Statement> statement = sign_statement(std::move(object), key);
  if (!statement) FAIL("sign_statement refused: " << statement.error().message);
  return std::move(*statement);
}

// A signed statement object of `type`, ready to be edited: parsing does not
// verify the signature, so an edited object still reaches the field checks.
json signed_object(const std::string& type) { return sign_ok(unsigned_statement(type)).object; }

std::string refusal(const json& object) {
  const Result<Statement> statement = statement_from_json(object);
  if (statement) FAIL("accepted: " << object.dump());
  CHECK(statement.error().kind == ErrorKind::invalid_input);
  return statement.error().message;
}

void check_accepted(const json& object) {
  const Result<Statement> statement = statement_from_json(object);
  if (!statement) FAIL_CHECK("refused: " << statement.error().message << "\n  " << object.dump());
}

std::string field_named(const std::string& name) { return "field \"" + name + "\""; }

// Which JSON types a field may hold, from docs/format.md.
bool type_allowed(const std::string& field, const json& value) {
  if (field == "year") return value.is_number_integer();
  if (field == "roles" || field == "via" || field == "wmi") return value.is_array();
  if (field == "value") return value.is_object();
  if (field == "consignee") return value.is_string() || value.is_object();
  if (field == "prev") return value.is_string() || value.is_null();
  return value.is_string();
}

}  // namespace

TEST_CASE("type and role names round-trip", "[statement]") {
  const char* types[] = {"party", "manufacture", "transfer", "export", "ship", "import", "register", "destroy"};
  for (const char* name : types) {
    const auto type = statement_type_from(name);
    REQUIRE(type.has_value());
    CHECK(to_string(*type) == name);
  }
  const char* roles[] = {"manufacturer", "dealer", "exporter", "carrier", "importer", "registry", "regulator"};
  for (const char* name : roles) {
    const auto role = role_from(name);
    REQUIRE(role.has_value());
    CHECK(to_string(*role) == name);
  }
  for (const char* bad : {"", "Party", "sale", "manufacturer", "party "}) CHECK_FALSE(statement_type_from(bad));
  for (const char* bad : {"", "Dealer", "operator", "dealer "}) CHECK_FALSE(role_from(bad));
}

TEST_CASE("one valid statement of each type signs and parses", "[statement]") {
  REQUIRE(type_specs().size() == 8);
  for (const TypeSpec& spec : type_specs()) {
    INFO(spec.type);
    const json object = unsigned_statement(spec.type);
    const Statement statement = sign_ok(object);
    CHECK(to_string(statement.type) == spec.type);
    CHECK(statement.actor == object["actor"].get<std::string>());
    CHECK(statement.time == *parse_timestamp("2023-05-01T09:30:00Z"));
    CHECK(statement.vin == (std::string(spec.type) == "party" ? "" : "1FADP3M29PG000001"));
    CHECK(statement.object.contains("sig"));
    // Every field of the contract is present in the sample, and no other.
    std::set<std::string> expected;
    for (const auto& f : required_fields(spec)) expected.insert(f);
    for (const auto& f : optional_fields(spec)) expected.insert(f);
    std::set<std::string> present;
    for (const auto& [key, value] : statement.object.items()) present.insert(key);
    CHECK(present == expected);
    // The signature verifies over the signed message.
    CHECK(party_key().verifier("p").verify(statement.signed_message, statement.sig));
    CHECK(statement.object["sig"] == base64_encode(statement.sig));
  }
}

TEST_CASE("prev is read as absent, first or a hash", "[statement]") {
  json object = unsigned_statement("manufacture");
  CHECK(sign_ok(object).prev.kind == PrevClaim::Kind::kFirst);
  object["prev"] = kHash;
  const Statement with_hash = sign_ok(object);
  CHECK(with_hash.prev.kind == PrevClaim::Kind::kHash);
  CHECK(to_hex(with_hash.prev.hash) == kHash);
  object.erase("prev");
  CHECK(sign_ok(object).prev.kind == PrevClaim::Kind::kAbsent);
}

TEST_CASE("a missing required field is refused, naming it", "[statement]") {
  int checked = 0;
  for (const TypeSpec& spec : type_specs()) {
    for (const std::string& field : required_fields(spec)) {
      INFO(spec.type << " without " << field);
      json object = signed_object(spec.type);
      REQUIRE(object.erase(field) == 1);
      CHECK_THAT(refusal(object), Contains("missing field \"" + field + "\""));
      ++checked;
    }
  }
  CHECK(checked == 65);  // 8 types: 5 common (4 for party) + their own
}

TEST_CASE("an optional field may be left out", "[statement]") {
  for (const TypeSpec& spec : type_specs()) {
    for (const std::string& field : optional_fields(spec)) {
      INFO(spec.type << " without " << field);
      json object = unsigned_statement(spec.type);
      REQUIRE(object.erase(field) == 1);
      check_accepted(sign_ok(object).object);
    }
  }
  // All optional fields left out at once.
  for (const TypeSpec& spec : type_specs()) {
    json object = unsigned_statement(spec.type);
    for (const std::string& field : optional_fields(spec)) object.erase(field);
    sign_ok(object);
  }
}

TEST_CASE("a field of the wrong JSON type is refused, naming it", "[statement]") {
  const json candidates[] = {json(42), json(-1), json(true), json(nullptr), json::array(), json::array({"JP"}),
                             json::object(), json("text"), json(2023.0), json(0.5)};
  int refused = 0;
  for (const TypeSpec& spec : type_specs()) {
    std::vector<std::string> fields = required_fields(spec);
    for (const auto& f : optional_fields(spec)) fields.push_back(f);
    for (const std::string& field : fields) {
      for (const json& value : candidates) {
        if (type_allowed(field, value)) continue;
        INFO(spec.type << "." << field << " = " << value.dump());
        json object = signed_object(spec.type);
        object[field] = value;
        CHECK_THAT(refusal(object), Contains(field_named(field)));
        ++refused;
      }
    }
  }
  CHECK(refused > 400);
}

TEST_CASE("a field with a bad format is refused, naming it and what is wrong", "[statement]") {
  struct Case {
    const char* type;
    const char* field;
    json value;
    const char* why;
  };
  const std::string long_text(257, 'x');
  const std::string key_text = party_key().verifier("dealer-jp").text();
  const Case cases[] = {
      // Countries: ISO 3166-1 alpha-2, upper case, assigned.
      {"manufacture", "country", "jp", "is not an ISO 3166-1 alpha-2 country code"},
      {"manufacture", "country", "JPN", "is not an ISO 3166-1 alpha-2 country code"},
      {"manufacture", "country", "XX", "is not an ISO 3166-1 alpha-2 country code"},
      {"manufacture", "country", "UK", "is not an ISO 3166-1 alpha-2 country code"},  // reserved, not assigned
      {"manufacture", "country", "EU", "is not an ISO 3166-1 alpha-2 country code"},
      {"manufacture", "country", "", "is not an ISO 3166-1 alpha-2 country code"},
      {"manufacture", "country", " JP", "is not an ISO 3166-1 alpha-2 country code"},
      // ZZ ("no single country") is for parties, never a place a vehicle goes.
      {"manufacture", "country", "ZZ", "is not an ISO 3166-1 alpha-2 country code"},
      {"transfer", "country", "ZZ", "is not an ISO 3166-1 alpha-2 country code"},
      {"export", "country", "ZZ", "is not an ISO 3166-1 alpha-2 country code"},
      {"export", "destination", "ZZ", "is not an ISO 3166-1 alpha-2 country code"},
      {"export", "destination", "kp", "is not an ISO 3166-1 alpha-2 country code"},
      {"import", "country", "ZZ", "is not an ISO 3166-1 alpha-2 country code"},
      {"register", "country", "ZZ", "is not an ISO 3166-1 alpha-2 country code"},
      {"destroy", "country", "ZZ", "is not an ISO 3166-1 alpha-2 country code"},
      {"party", "country", "XX", "is not an ISO 3166-1 alpha-2 country code"},
      {"party", "country", "zz", "is not an ISO 3166-1 alpha-2 country code"},
      {"export", "via", json::array({"ZZ"}), "[0] \"ZZ\" is not an ISO 3166-1"},
      {"export", "via", json::array({"BD", "cn"}), "[1] \"cn\" is not an ISO 3166-1"},
      {"export", "via", json::array({"BD", "BD"}), "[1] repeats \"BD\""},
      {"export", "via", json::array({42}), "[0] must be an ISO 3166-1 alpha-2 string"},
      {"export", "consignee", json{{"name", "Trading Co."}, {"country", "ZZ"}}, ".country \"ZZ\" is not an ISO"},
      // UN/LOCODE: an assigned country, then three of A-Z 2-9.
      {"export", "port", "JPYO", "is not a UN/LOCODE"},
      {"export", "port", "JPYOKO", "is not a UN/LOCODE"},
      {"export", "port", "jpyok", "is not a UN/LOCODE"},
      {"export", "port", "JPyok", "is not a UN/LOCODE"},
      {"export", "port", "XXYOK", "is not a UN/LOCODE"},
      {"export", "port", "ZZYOK", "is not a UN/LOCODE"},
      {"export", "port", "JPYO1", "is not a UN/LOCODE"},  // 0 and 1 are not used
      {"export", "port", "JPYO0", "is not a UN/LOCODE"},
      {"export", "port", "JP YO", "is not a UN/LOCODE"},
      {"export", "port", "JP-YOK", "is not a UN/LOCODE"},
      {"import", "port", "SG", "is not a UN/LOCODE"},
      {"ship", "from_port", "", "is not a UN/LOCODE"},
      {"ship", "to_port", "SGSI!", "is not a UN/LOCODE"},
      // VINs: syntax, and the check digit where mandatory.
      {"manufacture", "vin", "1FADP3M20PG000001", "expected '9'"},
      {"transfer", "vin", "1fadp3m29pg000001", "lower case"},
      {"export", "vin", "1FADP3M29PG00000", "17 characters"},
      {"ship", "vin", "1FADP3M29PG0000O1", "not used in VINs"},
      {"destroy", "vin", "", "17 characters"},
      // Party ids: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit.
      {"manufacture", "actor", "", "is not a party id"},
      {"manufacture", "actor", "-ford", "is not a party id"},
      {"manufacture", "actor", ".ford", "is not a party id"},
      {"manufacture", "actor", "_ford", "is not a party id"},
      {"manufacture", "actor", "ford us", "is not a party id"},
      {"manufacture", "actor", "ford/us", "is not a party id"},
      {"manufacture", "actor", "ford,us", "is not a party id"},
      {"manufacture", "actor", "f\xC3\xB6rd", "is not a party id"},
      {"manufacture", "actor", std::string(65, 'a'), "is not a party id"},
      {"party", "id", "dealer jp", "is not a party id"},
      {"transfer", "from", "ford+us", "is not a party id"},
      {"transfer", "to", "dealer\njp", "is not a party id"},
      {"export", "consignee", "importer sg", "is not a party id"},
      // Roles: known, not repeated, at least one.
      {"party", "roles", json::array(), "must not be empty"},
      {"party", "roles", json::array({"pilot"}), "[0] \"pilot\" is not a role"},
      {"party", "roles", json::array({"Dealer"}), "[0] \"Dealer\" is not a role"},
      {"party", "roles", json::array({"dealer", "operator"}), "[1] \"operator\" is not a role"},
      {"party", "roles", json::array({"dealer", "exporter", "dealer"}), "[2] repeats \"dealer\""},
      {"party", "roles", json::array({7}), "[0] \"7\" is not a role"},
      // WMIs: three VIN characters, not repeated, at least one.
      {"party", "wmi", json::array(), "must not be empty"},
      {"party", "wmi", json::array({"JT"}), "[0] \"JT\" is not a WMI"},
      {"party", "wmi", json::array({"JTJJ"}), "[0] \"JTJJ\" is not a WMI"},
      {"party", "wmi", json::array({"jtj"}), "[0] \"jtj\" is not a WMI"},
      {"party", "wmi", json::array({"JTI"}), "[0] \"JTI\" is not a WMI"},
      {"party", "wmi", json::array({"JT-"}), "[0] \"JT-\" is not a WMI"},
      {"party", "wmi", json::array({"JTJ", "JTJ"}), "[1] repeats \"JTJ\""},
      {"party", "wmi", json::array({nullptr}), "[0] \"null\" is not a WMI"},
      // Verifier keys: parsed strictly.
      {"party", "vkey", "not a key", "field \"vkey\""},
      {"party", "vkey", key_text + " ", "field \"vkey\""},
      {"party", "vkey", key_text.substr(0, key_text.size() - 4), "field \"vkey\""},
      {"party", "vkey", "other" + key_text.substr(key_text.find('+')), "field \"vkey\""},  // key hash mismatch
      // Consignee: a party id, or exactly {name, country}.
      {"export", "consignee", json{{"name", "Trading Co."}}, "lacks member \"country\""},
      {"export", "consignee", json{{"country", "SG"}}, "lacks member \"name\""},
      {"export", "consignee", json::object(), "lacks member"},
      {"export", "consignee", json{{"name", "T"}, {"country", "SG"}, {"address", "Somewhere"}},
       "has unknown member \"address\""},
      {"export", "consignee", json{{"name", ""}, {"country", "SG"}}, ".name must not be empty"},
      {"export", "consignee", json{{"name", 5}, {"country", "SG"}}, ".name must be a string"},
      {"export", "consignee", json{{"name", "T"}, {"country", "sg"}}, ".country \"sg\" is not an ISO"},
      {"export", "consignee", json{{"name", "a\nb"}, {"country", "SG"}}, ".name contains a control character"},
      // Value: {amount: non-negative integer in minor units, currency: ISO 4217}.
      {"export", "value", json{{"amount", -1}, {"currency", "JPY"}}, ".amount must be a non-negative integer"},
      {"export", "value", json{{"amount", 1.5}, {"currency", "JPY"}}, ".amount must be a non-negative integer"},
      {"export", "value", json{{"amount", 100.0}, {"currency", "JPY"}}, ".amount must be a non-negative integer"},
      {"export", "value", json{{"amount", "100"}, {"currency", "JPY"}}, ".amount must be a non-negative integer"},
      {"export", "value", json{{"amount", nullptr}, {"currency", "JPY"}}, ".amount must be a non-negative integer"},
      {"export", "value", json{{"amount", 100}, {"currency", "jpy"}}, ".currency must be an ISO 4217 code"},
      {"export", "value", json{{"amount", 100}, {"currency", "JP"}}, ".currency must be an ISO 4217 code"},
      {"export", "value", json{{"amount", 100}, {"currency", "JPYY"}}, ".currency must be an ISO 4217 code"},
      {"export", "value", json{{"amount", 100}, {"currency", 392}}, ".currency must be an ISO 4217 code"},
      {"export", "value", json{{"amount", 100}}, "lacks member \"currency\""},
      {"export", "value", json{{"currency", "JPY"}}, "lacks member \"amount\""},
      {"export", "value", json{{"amount", 100}, {"currency", "JPY"}, {"exponent", 0}}, "has unknown member \"exponent\""},
      // Year: an integer from 1886 (the first car) to 2100.
      {"manufacture", "year", 1885, "must be an integer year from 1886 to 2100"},
      {"manufacture", "year", 2101, "must be an integer year from 1886 to 2100"},
      {"manufacture", "year", -2023, "must be an integer year from 1886 to 2100"},
      {"manufacture", "year", 0, "must be an integer year from 1886 to 2100"},
      // Free text: non-empty, at most 256 bytes, no control characters.
      {"manufacture", "make", "", "must not be empty"},
      {"manufacture", "model", long_text, "is 257 bytes, at most 256"},
      {"manufacture", "model", "Focus\x01", "contains a control character"},
      {"manufacture", "model", "Focus\nST", "contains a control character"},
      {"manufacture", "model", "Focus\tST", "contains a control character"},
      {"manufacture", "model", "Focus\rST", "contains a control character"},
      {"manufacture", "model", "Focus\x7f", "contains a control character"},
      {"manufacture", "model", "Focus\xC2\x85ST", "contains a control character"},  // U+0085 NEL
      {"manufacture", "model", "Focus\xC2\x9B", "contains a control character"},  // U+009B CSI
      {"manufacture", "model", std::string("Focus\0ST", 8), "contains a control character"},
      {"party", "name", long_text, "is 257 bytes"},
      {"transfer", "doc", "", "must not be empty"},
      {"export", "doc", "EXP\x1b[2J", "contains a control character"},
      {"ship", "vessel", long_text, "is 257 bytes"},
      {"ship", "doc", "BL\n1", "contains a control character"},
      {"import", "doc", "", "must not be empty"},
      {"register", "owner", long_text, "is 257 bytes"},
      {"register", "plate", "\t", "contains a control character"},
      // prev: null or 64 lowercase hex digits.
      {"transfer", "prev", std::string(64, 'A'), "must be null or 64 lowercase hex digits"},
      {"transfer", "prev", kHash.substr(1), "must be null or 64 lowercase hex digits"},
      {"transfer", "prev", kHash + "0", "must be null or 64 lowercase hex digits"},
      {"transfer", "prev", "", "must be null or 64 lowercase hex digits"},
      {"transfer", "prev", kHash.substr(0, 63) + "g", "must be null or 64 lowercase hex digits"},
      {"transfer", "prev", "0x" + kHash.substr(2), "must be null or 64 lowercase hex digits"},
      // time: RFC 3339 UTC.
      {"manufacture", "time", "2023-05-01T09:30:00+09:00", "invalid timestamp"},
      {"manufacture", "time", "2023-02-29T00:00:00Z", "no such day"},
      {"manufacture", "time", "2023-05-01", "invalid timestamp"},
      {"manufacture", "time", "", "invalid timestamp"},
      // sig: strict base64 of 64 bytes.
      {"manufacture", "sig", "", "must be the base64 of a 64-byte Ed25519 signature"},
      {"manufacture", "sig", "AAAA", "must be the base64 of a 64-byte Ed25519 signature"},
      {"manufacture", "sig", std::string(84, 'A') + "==", "must be the base64 of a 64-byte"},  // 63 bytes
      {"manufacture", "sig", std::string(86, 'A'), "must be the base64 of a 64-byte"},        // no padding
      {"manufacture", "sig", std::string(85, 'A') + "B==", "must be the base64 of a 64-byte"},  // stray bits
      // type: one of the eight.
      {"manufacture", "type", "Manufacture", "is not a statement type"},
      {"manufacture", "type", "sale", "is not a statement type"},
      {"manufacture", "type", "", "is not a statement type"},
  };
  for (const Case& c : cases) {
    INFO(c.type << "." << c.field << " = " << c.value.dump());
    json object = signed_object(c.type);
    object[c.field] = c.value;
    const std::string message = refusal(object);
    CHECK_THAT(message, Contains(field_named(c.field)));
    CHECK_THAT(message, Contains(c.why));
  }
}

TEST_CASE("values at the edges of each format are accepted", "[statement]") {
  struct Case {
    const char* type;
    const char* field;
    json value;
  };
  const std::string max_text(256, 'x');
  std::string max_utf8;  // 256 bytes of two-byte characters
  for (int i = 0; i < 128; ++i) max_utf8 += "\xC3\xA9";
  const Case cases[] = {
      {"party", "country", "ZZ"},  // an international operator
      {"party", "country", "KP"},
      {"party", "roles", json::array({"manufacturer", "dealer", "exporter", "carrier", "importer", "registry",
                                      "regulator"})},
      {"party", "wmi", json::array({"1FA", "LVS", "9BW"})},
      {"party", "id", std::string(64, 'z')},
      {"party", "id", "9A.b_c-d"},
      {"party", "name", max_text},
      {"party", "name", max_utf8},
      {"manufacture", "actor", "A"},
      {"manufacture", "year", 1886},
      {"manufacture", "year", 2100},
      {"manufacture", "model", "LX \"600\" \\ – Ω"},  // quotes, backslash and non-ASCII are text
      {"manufacture", "model", "Citro\xC3\xABn \xC2\xA0\xC2\xA3\xC2\xBF"},  // C2 A0-BF are not C1 controls
      {"manufacture", "vin", "JTJHY00W0P4000000"},   // advisory WMI: wrong check digit recorded
      {"manufacture", "vin", "1M8GDM9AXKP042788"},   // check digit X
      {"export", "via", json::array()},              // no transit declared
      {"export", "via", json::array({"KP"})},
      {"export", "port", "JPYO2"},
      {"export", "port", "JPYO9"},
      {"export", "consignee", json{{"name", "Trading Co."}, {"country", "KP"}}},
      {"export", "value", json{{"amount", 0}, {"currency", "USD"}}},
      {"export", "value", json{{"amount", 9007199254740991}, {"currency", "XAU"}}},
      {"transfer", "prev", nullptr},
      {"transfer", "prev", std::string(64, 'f')},
      {"manufacture", "time", "2024-02-29T23:59:59.999999999Z"},
  };
  for (const Case& c : cases) {
    INFO(c.type << "." << c.field << " = " << c.value.dump());
    json object = unsigned_statement(c.type);
    object[c.field] = c.value;
    sign_ok(object);
  }
}

TEST_CASE("text that is not valid UTF-8 is refused, naming where", "[statement]") {
  for (const char* text : {"Ford\xff", "Ford\xC2", "Ford\xC2\x41", "\xED\xA0\x80", "\xC0\xAF"}) {
    INFO(text);
    json object = signed_object("manufacture");
    object["make"] = text;
    CHECK_THAT(refusal(object), Contains("/make"));
  }
}

TEST_CASE("an unknown field is refused, naming it", "[statement]") {
  std::set<std::string> all_fields = {"vin", "prev", "colour", "Type", "sig ", ""};
  for (const TypeSpec& spec : type_specs()) {
    for (const auto& f : spec.required) all_fields.insert(f);
    for (const auto& f : spec.optional) all_fields.insert(f);
  }
  int refused = 0;
  for (const TypeSpec& spec : type_specs()) {
    std::set<std::string> own;
    for (const auto& f : required_fields(spec)) own.insert(f);
    for (const auto& f : optional_fields(spec)) own.insert(f);
    for (const std::string& field : all_fields) {
      if (own.count(field)) continue;
      INFO(spec.type << " with " << field);
      json object = signed_object(spec.type);
      object[field] = "x";
      CHECK_THAT(refusal(object), Contains("unknown field \"" + field + "\" for type " + spec.type));
      ++refused;
    }
  }
  CHECK(refused > 100);
}

TEST_CASE("a party statement with a vin is refused", "[statement]") {
  json object = signed_object("party");
  object["vin"] = "1FADP3M29PG000001";
  CHECK_THAT(refusal(object), Contains("unknown field \"vin\" for type party"));
  json unsigned_object = unsigned_statement("party");
  unsigned_object["vin"] = "1FADP3M29PG000001";
  const Result<Statement> signed_attempt = sign_statement(unsigned_object, party_key());
  REQUIRE_FALSE(signed_attempt.has_value());
  CHECK_THAT(signed_attempt.error().message, Contains("unknown field \"vin\""));
}

TEST_CASE("a statement that is not an object is refused", "[statement]") {
  for (const json& value : {json::array(), json("x"), json(1), json(nullptr)}) {
    CHECK_FALSE(statement_from_json(value).has_value());
    CHECK_FALSE(sign_statement(value, party_key()).has_value());
  }
}

TEST_CASE("the signed bytes are the prefix and the JCS of the statement without sig", "[statement]") {
  const json object = {{"type", "manufacture"},
                       {"vin", "JTJHY00W0P4000000"},
                       {"time", "2023-05-01T09:30:00Z"},
                       {"actor", "toyota-jp"},
                       {"prev", nullptr},
                       {"country", "JP"},
                       {"make", "Lexus"},
                       {"model", "LX \"600\" \\ – Ω"},
                       {"year", 2023}};
  // Written by hand from RFC 8785: members sorted, no whitespace, quotes and
  // backslashes escaped, non-ASCII text as raw UTF-8.
  const std::string before_sig =
      R"({"actor":"toyota-jp","country":"JP","make":"Lexus","model":"LX \"600\" \\ – Ω","prev":null,)";
  const std::string after_sig = R"("time":"2023-05-01T09:30:00Z","type":"manufacture","vin":"JTJHY00W0P4000000",)"
                                R"("year":2023})";
  const std::string jcs_without_sig = before_sig + after_sig;

  const Statement statement = sign_ok(object);
  CHECK(statement.signed_message == "vinledger/statement/v1\n" + jcs_without_sig);
  CHECK(std::string(kStatementSignaturePrefix) == "vinledger/statement/v1\n");
  const VerifierKey verifier = party_key().verifier("toyota-jp");
  CHECK(verifier.verify("vinledger/statement/v1\n" + jcs_without_sig, statement.sig));
  CHECK_FALSE(verifier.verify(jcs_without_sig, statement.sig));  // the prefix is signed too

  // The stored canonical bytes include sig, in its sorted place.
  const std::string sig = base64_encode(statement.sig);
  CHECK(statement.canonical == before_sig + R"("sig":")" + sig + R"(",)" + after_sig);

  // Parsing the canonical text (or any spelling of it) gives the same bytes.
  const Result<Statement> parsed = parse_statement(statement.canonical);
  REQUIRE(parsed.has_value());
  CHECK(parsed->signed_message == statement.signed_message);
  CHECK(parsed->canonical == statement.canonical);
  const std::string spaced = "{ \"year\": 2023, \"type\": \"manufacture\", \"vin\": \"JTJHY00W0P4000000\", "
                             "\"time\": \"2023-05-01T09:30:00Z\", \"actor\": \"toyota-jp\", \"prev\": null, "
                             "\"country\": \"JP\", \"make\": \"Lexus\", "
                             "\"model\": \"LX \\\"600\\\" \\\\ \\u2013 \\u03a9\", \"sig\": \"" + sig + "\" }";
  const Result<Statement> reparsed = parse_statement(spaced);
  REQUIRE(reparsed.has_value());
  CHECK(reparsed->signed_message == statement.signed_message);
  CHECK(reparsed->canonical == statement.canonical);
  CHECK(reparsed->object == statement.object);
}

TEST_CASE("sign_statement refuses an object that already has sig", "[statement]") {
  json object = signed_object("manufacture");
  const Result<Statement> again = sign_statement(object, party_key());
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().kind == ErrorKind::invalid_input);
  CHECK_THAT(again.error().message, Contains("already signed"));
  object["sig"] = nullptr;  // even an empty one
  CHECK_FALSE(sign_statement(object, party_key()).has_value());
}

TEST_CASE("sign_statement checks the statement it signs", "[statement]") {
  json object = unsigned_statement("export");
  object["destination"] = "ZZ";
  const Result<Statement> statement = sign_statement(object, party_key());
  REQUIRE_FALSE(statement.has_value());
  CHECK_THAT(statement.error().message, Contains("field \"destination\""));
}

TEST_CASE("parsing does not verify: a signature by another key still parses", "[statement]") {
  const Statement genuine = sign_ok(unsigned_statement("transfer"));
  json forged = genuine.object;
  forged["sig"] = base64_encode(other_key().sign(genuine.signed_message));
  const Result<Statement> parsed = statement_from_json(forged);
  REQUIRE(parsed.has_value());
  CHECK(parsed->signed_message == genuine.signed_message);
  CHECK(parsed->sig != genuine.sig);
  CHECK(parsed->canonical != genuine.canonical);
  // Verification, which is append's job, tells them apart.
  CHECK(party_key().verifier("dealer-jp").verify(genuine.signed_message, genuine.sig));
  CHECK_FALSE(party_key().verifier("dealer-jp").verify(parsed->signed_message, parsed->sig));
  CHECK(other_key().verifier("dealer-jp").verify(parsed->signed_message, parsed->sig));
}

TEST_CASE("chain() and chain_of() name the VIN or party/<id>", "[statement]") {
  CHECK(party_chain("dealer-jp") == "party/dealer-jp");
  for (const TypeSpec& spec : type_specs()) {
    INFO(spec.type);
    const json unsigned_object = unsigned_statement(spec.type);
    const std::string expected =
        std::string(spec.type) == "party" ? "party/dealer-jp" : "1FADP3M29PG000001";
    const Result<std::string> chain = chain_of(unsigned_object);  // before signing
    REQUIRE(chain.has_value());
    CHECK(*chain == expected);
    const Statement statement = sign_ok(unsigned_object);
    CHECK(statement.chain() == expected);
    const Result<std::string> signed_chain = chain_of(statement.object);
    REQUIRE(signed_chain.has_value());
    CHECK(*signed_chain == expected);
  }
  // chain_of reads only what it needs: a statement otherwise incomplete.
  const Result<std::string> minimal = chain_of(json{{"type", "ship"}, {"vin", "X"}});
  REQUIRE(minimal.has_value());
  CHECK(*minimal == "X");
}

TEST_CASE("chain_of refuses an object without its chain field", "[statement]") {
  struct Case {
    json object;
    const char* why;
  };
  const Case cases[] = {
      {json::array(), "needs a string field \"type\""},
      {json("party"), "needs a string field \"type\""},
      {json{{"vin", "1FADP3M29PG000001"}}, "needs a string field \"type\""},
      {json{{"type", 1}, {"vin", "1FADP3M29PG000001"}}, "needs a string field \"type\""},
      {json{{"type", "manufacture"}}, "missing field \"vin\""},
      {json{{"type", "manufacture"}, {"vin", 5}}, "missing field \"vin\""},
      {json{{"type", "manufacture"}, {"id", "dealer-jp"}}, "missing field \"vin\""},
      {json{{"type", "party"}}, "missing field \"id\""},
      {json{{"type", "party"}, {"id", nullptr}}, "missing field \"id\""},
      {json{{"type", "party"}, {"vin", "1FADP3M29PG000001"}}, "missing field \"id\""},
  };
  for (const Case& c : cases) {
    INFO(c.object.dump());
    const Result<std::string> chain = chain_of(c.object);
    REQUIRE_FALSE(chain.has_value());
    CHECK(chain.error().kind == ErrorKind::invalid_input);
    CHECK_THAT(chain.error().message, Contains(c.why));
  }
}

TEST_CASE("party_record_from reads a party statement", "[statement]") {
  const Statement statement = sign_ok(unsigned_statement("party"));
  const PartyRecord record = party_record_from(statement);
  CHECK(record.id == "dealer-jp");
  CHECK(record.name == "Dealer Japan K.K.");
  CHECK(record.country == "JP");
  CHECK(record.vkey == party_key().verifier("dealer-jp"));
  CHECK(record.vkey.public_key() == party_key().public_key());
  CHECK(record.wmi == std::vector<std::string>{"JTJ", "JT2"});
  CHECK(record.roles.has(Role::kDealer));
  CHECK(record.roles.has(Role::kExporter));
  for (Role other : {Role::kManufacturer, Role::kCarrier, Role::kImporter, Role::kRegistry, Role::kRegulator})
    CHECK_FALSE(record.roles.has(other));
  CHECK(record.roles.bits == ((1u << 1) | (1u << 2)));

  // Every role, an international operator, no WMIs.
  json object = unsigned_statement("party");
  object["id"] = "operator";
  object["vkey"] = other_key().verifier("operator").text();
  object["country"] = "ZZ";
  object["roles"] = {"regulator", "manufacturer", "dealer", "exporter", "carrier", "importer", "registry"};
  object.erase("wmi");
  const PartyRecord all = party_record_from(sign_ok(object, other_key()));
  CHECK(all.id == "operator");
  CHECK(all.country == "ZZ");
  CHECK(all.roles.bits == 0x7f);
  CHECK(all.wmi.empty());
  CHECK(all.vkey == other_key().verifier("operator"));
}

TEST_CASE("field_value_from_text converts command-line values", "[statement]") {
  struct Case {
    const char* field;
    std::string text;
    json expected;
  };
  const Case cases[] = {
      {"year", "2023", 2023},
      {"year", "1886", 1886},
      {"year", "-5", -5},  // converted; the range is checked with the statement
      {"via", "BD,CN", json::array({"BD", "CN"})},
      {"via", "KP", json::array({"KP"})},
      {"via", "", json::array()},
      {"roles", "dealer,exporter", json::array({"dealer", "exporter"})},
      {"roles", "dealer,dealer", json::array({"dealer", "dealer"})},  // duplicates kept, refused later
      {"wmi", "JTJ,JT2,1FA", json::array({"JTJ", "JT2", "1FA"})},
      {"value", "9500000 JPY", json{{"amount", 9500000}, {"currency", "JPY"}}},
      {"value", "0 USD", json{{"amount", 0}, {"currency", "USD"}}},
      {"value", "JPY 9500000", json{{"amount", 9500000}, {"currency", "JPY"}}},  // currency first, as on invoices
      {"value", "65,000.00 EUR", json{{"amount", 6500000}, {"currency", "EUR"}}},  // major units (money_test.cpp)
      {"value", R"({"amount":100,"currency":"EUR"})", json{{"amount", 100}, {"currency", "EUR"}}},
      {"consignee", "importer-sg", "importer-sg"},
      {"consignee", R"({"name":"Trading Co.","country":"SG"})", json{{"name", "Trading Co."}, {"country", "SG"}}},
      {"consignee", R"( {"name":"x"})", R"( {"name":"x"})"},  // not starting with '{': a party id (refused later)
      {"doc", "{not json}", "{not json}"},                      // other fields are plain strings
      {"doc", "EXP-1", "EXP-1"},
      {"country", "JP", "JP"},
      {"make", "", ""},
      {"vessel", "MV Ever Given", "MV Ever Given"},
  };
  for (const Case& c : cases) {
    INFO(c.field << " = \"" << c.text << "\"");
    const Result<json> value = field_value_from_text(c.field, c.text);
    if (!value) {
      FAIL_CHECK("refused: " << value.error().message);
      continue;
    }
    CHECK(*value == c.expected);
  }
}

TEST_CASE("field_value_from_text refuses what it cannot convert", "[statement]") {
  struct Case {
    const char* field;
    const char* text;
    const char* why;
  };
  const Case cases[] = {
      {"year", "", "field \"year\" must be an integer"},
      {"year", "twenty", "field \"year\" must be an integer"},
      {"year", "2023 ", "field \"year\" must be an integer"},
      {"year", " 2023", "field \"year\" must be an integer"},
      {"year", "+2023", "field \"year\" must be an integer"},
      {"year", "2023.0", "field \"year\" must be an integer"},
      {"year", "99999999999999999999", "field \"year\" must be an integer"},
      // How amounts are read is money_test.cpp's; here: refused, naming the field.
      {"value", "9500000", "field \"value\" amount \"9500000\" names no currency"},
      {"value", "-1 USD", "field \"value\" amount \"-1 USD\" is negative"},
      {"value", "95.5 JPY", "field \"value\""},
      {"value", "", "field \"value\""},
      {"value", " JPY", "field \"value\""},
      {"value", "1e3 JPY", "field \"value\""},
      {"value", "99999999999999999999 JPY", "field \"value\""},
      {"value", "{\"amount\":1", "field \"value\": invalid JSON"},
      {"value", "{\"amount\":1.5,\"currency\":\"JPY\"}", "field \"value\": invalid JSON"},
      {"consignee", "{\"name\":", "field \"consignee\": invalid JSON"},
      {"consignee", "{\"name\":\"a\",\"name\":\"b\"}", "field \"consignee\": invalid JSON"},
  };
  for (const Case& c : cases) {
    INFO(c.field << " = \"" << c.text << "\"");
    const Result<json> value = field_value_from_text(c.field, c.text);
    REQUIRE_FALSE(value.has_value());
    CHECK(value.error().kind == ErrorKind::invalid_input);
    CHECK_THAT(value.error().message, Contains(c.why));
  }
}

TEST_CASE("values converted from text make a statement that is then checked in full", "[statement]") {
  json object = unsigned_statement("export");
  object["via"] = *field_value_from_text("via", "BD,CN");
  object["value"] = *field_value_from_text("value", "9500000 JPY");
  object["consignee"] = *field_value_from_text("consignee", R"({"name":"Trading Co.","country":"SG"})");
  const Statement statement = sign_ok(object);
  CHECK(statement.object["value"]["amount"] == 9500000);

  // A negative amount or an unknown currency is refused already as text
  // (money_test.cpp), and as a statement when given as JSON.
  CHECK_FALSE(field_value_from_text("value", "-1 JPY").has_value());
  CHECK_FALSE(field_value_from_text("value", "100 jpy").has_value());
  object["value"] = json{{"amount", -1}, {"currency", "JPY"}};
  CHECK_FALSE(sign_statement(object, party_key()).has_value());
  object["value"] = json{{"amount", 100}, {"currency", "jpy"}};
  CHECK_FALSE(sign_statement(object, party_key()).has_value());

  json party = unsigned_statement("party");
  party["roles"] = *field_value_from_text("roles", "");
  CHECK_FALSE(sign_statement(party, party_key()).has_value());  // no role at all

  json made = unsigned_statement("manufacture");
  made["year"] = *field_value_from_text("year", "1885");
  CHECK_FALSE(sign_statement(made, party_key()).has_value());
}

TEST_CASE("parse_statement refuses a text over kMaxStatementBytes", "[statement]") {
  const std::string canonical = sign_ok(unsigned_statement("export")).canonical;
  REQUIRE(canonical.size() < kMaxStatementBytes);
  // Trailing whitespace is valid JSON, so only the size differs.
  const std::string at_limit = canonical + std::string(kMaxStatementBytes - canonical.size(), ' ');
  REQUIRE(at_limit.size() == kMaxStatementBytes);
  const Result<Statement> accepted = parse_statement(at_limit);
  REQUIRE(accepted.has_value());
  CHECK(accepted->canonical == canonical);

  const Result<Statement> refused = parse_statement(at_limit + " ");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == ErrorKind::invalid_input);
  CHECK_THAT(refused.error().message, Contains("statement is 16385 bytes, at most 16384"));
}

TEST_CASE("parse_statement refuses text that is not strict JSON", "[statement]") {
  const std::string canonical = sign_ok(unsigned_statement("destroy")).canonical;
  for (const std::string& text : {std::string(), std::string("{"), canonical + "x", canonical + canonical,
                                  canonical.substr(0, canonical.size() - 1)}) {
    INFO(text);
    const Result<Statement> statement = parse_statement(text);
    REQUIRE_FALSE(statement.has_value());
    CHECK_THAT(statement.error().message, Contains("invalid JSON"));
  }
  // A duplicate member is refused even when both values agree.
  std::string duplicated = canonical;
  duplicated.insert(1, R"("country":"SG",)");
  CHECK_FALSE(parse_statement(duplicated).has_value());
}

TEST_CASE("is_party_id", "[statement]") {
  for (const std::string& id : std::vector<std::string>{"a", "Z", "0", "dealer-jp", "dealer_jp", "dealer.jp", "A-b_c.9", std::string(64, 'x')})
    CHECK(is_party_id(id));
  for (const std::string& id : std::vector<std::string>{"", "-a", ".a", "_a", "a b", "a/b", "a,b", "a+b", "a:b", "é", std::string(65, 'x'), std::string("a\0b", 3)})
    CHECK_FALSE(is_party_id(id));
}

TEST_CASE("country codes are exactly the ISO 3166-1 alpha-2 assignments", "[statement][vectors]") {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/iso3166.csv");
  REQUIRE(in.good());
  std::string line;
  REQUIRE(std::getline(in, line));
  REQUIRE(line.rfind("alpha2,", 0) == 0);
  std::set<std::string> assigned;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::string code = line.substr(0, line.find(','));
    REQUIRE(code.size() == 2);
    assigned.insert(code);
  }
  CHECK(assigned.size() == 249);
  int accepted = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      const std::string code{a, b};
      INFO(code);
      CHECK(is_country_code(code) == (assigned.count(code) == 1));
      accepted += is_country_code(code);
    }
  }
  CHECK(accepted == 249);
  for (const char* bad : {"", "J", "JPN", "jp", "Jp", "ZZ", "UK", "EU"}) CHECK_FALSE(is_country_code(bad));
}

}  // namespace vinledger
