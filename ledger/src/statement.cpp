#include "vinledger/statement.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

#include "country_codes.h"
#include "vinledger/canonical_json.h"
#include "vinledger/encoding.h"
#include "vinledger/money.h"
#include "vinledger/untrusted_text.h"
#include "vinledger/vin.h"

namespace vinledger {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 10> kTypeNames = {"party",  "manufacture", "transfer", "export", "ship",
                                                         "import", "register",    "destroy",  "move",   "void"};
constexpr std::array<std::string_view, 7> kRoleNames = {"manufacturer", "dealer",   "exporter", "carrier",
                                                        "importer",     "registry", "regulator"};

// `fuel` of a manufacture: what drives the vehicle, as export controls
// distinguish it (Japan's ban on hybrid and electric cars to Russia).
constexpr std::array<std::string_view, 9> kFuels = {"petrol", "diesel", "hybrid", "plug_in_hybrid", "electric",
                                                    "fuel_cell", "lpg", "cng", "other"};
// `mode` of a move: the legs that are not by sea.
constexpr std::array<std::string_view, 3> kModes = {"road", "rail", "air"};
// Largest engine capacity accepted, in cm3: beyond any road vehicle.
constexpr std::int64_t kMaxEngineCc = 30000;

// Free text (names, documents, plates) is for people to read on one line.
constexpr std::size_t kMaxTextBytes = 256;
// ISO 3166 user-assigned code a party may use when it has no single country
// (an international operator); never accepted as a place a vehicle goes.
constexpr std::string_view kNoCountry = "ZZ";

enum class FieldKind {
  kType, kVin, kTimestamp, kPartyId, kSignature, kPrev,
  kCountry, kPartyCountry, kCountryList, kPort, kText, kYear,
  kRoles, kVerifierKey, kWmiList, kConsignee, kValue, kTrue, kEntryHash,
  kEngineCc, kFuel, kHsCode, kImo, kMode, kLogName,
};

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  bool required;
};

// Fields every statement has; `vin` is added for every type but `party`.
constexpr std::array<FieldSpec, 6> kCommonFields = {{
    {"type", FieldKind::kType, true},
    {"time", FieldKind::kTimestamp, true},
    {"actor", FieldKind::kPartyId, true},
    {"sig", FieldKind::kSignature, true},
    {"prev", FieldKind::kPrev, false},
    {"log", FieldKind::kLogName, false},
}};
constexpr FieldSpec kVinField = {"vin", FieldKind::kVin, true};

// The fields of each type (docs/format.md "Statements"), in StatementType order.
std::span<const FieldSpec> fields_of(StatementType type) {
  static constexpr FieldSpec kParty[] = {
      {"id", FieldKind::kPartyId, true},        {"name", FieldKind::kText, true},
      {"country", FieldKind::kPartyCountry, true}, {"roles", FieldKind::kRoles, true},
      {"vkey", FieldKind::kVerifierKey, true},  {"wmi", FieldKind::kWmiList, false},
      {"revoked", FieldKind::kTrue, false},     {"endorsement", FieldKind::kSignature, false}};
  static constexpr FieldSpec kManufacture[] = {
      {"country", FieldKind::kCountry, true}, {"make", FieldKind::kText, true},
      {"model", FieldKind::kText, true},      {"year", FieldKind::kYear, true},
      {"engine_cc", FieldKind::kEngineCc, false}, {"fuel", FieldKind::kFuel, false},
      {"hs_code", FieldKind::kHsCode, false}};
  static constexpr FieldSpec kTransfer[] = {{"from", FieldKind::kPartyId, true},
                                            {"to", FieldKind::kPartyId, true},
                                            {"country", FieldKind::kCountry, true},
                                            {"doc", FieldKind::kText, false}};
  static constexpr FieldSpec kExport[] = {
      {"country", FieldKind::kCountry, true},     {"port", FieldKind::kPort, true},
      {"destination", FieldKind::kCountry, true}, {"via", FieldKind::kCountryList, false},
      {"consignee", FieldKind::kConsignee, true}, {"doc", FieldKind::kText, true},
      {"value", FieldKind::kValue, false}};
  static constexpr FieldSpec kShip[] = {{"from_port", FieldKind::kPort, true},
                                        {"to_port", FieldKind::kPort, true},
                                        {"vessel", FieldKind::kText, false},
                                        {"imo", FieldKind::kImo, false},
                                        {"doc", FieldKind::kText, true}};
  static constexpr FieldSpec kImport[] = {{"country", FieldKind::kCountry, true},
                                          {"port", FieldKind::kPort, true},
                                          {"doc", FieldKind::kText, true}};
  static constexpr FieldSpec kRegister[] = {{"country", FieldKind::kCountry, true},
                                            {"owner", FieldKind::kText, true},
                                            {"plate", FieldKind::kText, false}};
  static constexpr FieldSpec kDestroy[] = {{"country", FieldKind::kCountry, true}};
  // A correction: withdraws the entry of this VIN whose hash is `target`.
  static constexpr FieldSpec kVoid[] = {{"target", FieldKind::kEntryHash, true}, {"reason", FieldKind::kText, true}};
  // A land or air leg: places are UN/LOCODEs (towns, rail and road
  // terminals, airports and border crossings have them too).
  static constexpr FieldSpec kMove[] = {{"mode", FieldKind::kMode, true},
                                        {"from_place", FieldKind::kPort, true},
                                        {"to_place", FieldKind::kPort, true},
                                        {"carrier", FieldKind::kText, false},
                                        {"doc", FieldKind::kText, true}};
  switch (type) {
    case StatementType::kParty: return kParty;
    case StatementType::kManufacture: return kManufacture;
    case StatementType::kTransfer: return kTransfer;
    case StatementType::kExport: return kExport;
    case StatementType::kShip: return kShip;
    case StatementType::kImport: return kImport;
    case StatementType::kRegister: return kRegister;
    case StatementType::kDestroy: return kDestroy;
    case StatementType::kVoid: return kVoid;
    case StatementType::kMove: return kMove;
  }
  return {};
}

// Quotes a value for an error message: short, one line, escaped.
std::string shown(const json& value) {
  return quote_untrusted(value.is_string() ? value.get_ref<const std::string&>()
                                           : value.dump(-1, ' ', false, json::error_handler_t::replace),
                         40);
}

bool is_upper_letters(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  for (char c : text)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

// UN/LOCODE: two-letter country code then three characters from A-Z and 2-9.
bool is_locode(std::string_view code) {
  if (code.size() != 5 || !is_country_code(code.substr(0, 2))) return false;
  for (char c : code.substr(2))
    if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '9'))) return false;
  return true;
}

bool is_hs_code(std::string_view code) {
  if (code.size() < 4 || code.size() > 10) return false;
  return std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// IMO ship identification number: 7 digits, the last the check digit
// (the first six weighted 7..2, summed, modulo 10), SOLAS XI-1/3.
bool is_imo_number(std::string_view number) {
  if (number.size() != 7 || !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  int sum = 0;
  for (int i = 0; i < 6; ++i) sum += (number[static_cast<std::size_t>(i)] - '0') * (7 - i);
  return sum % 10 == number[6] - '0';
}

// Free text is shown to people on one line, so it may hold nothing that
// breaks a line, drives a terminal or reorders or hides what is shown:
// untrusted_text.h's hidden and control characters. What a ledger recorded
// before the rule covered bidirectional, separator and zero-width
// characters is still read (kRecorded); C0, DEL and C1 never were allowed.
Status check_text(const json& value, StatementSource source) {
  if (!value.is_string()) return invalid_input("must be a string");
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty()) return invalid_input("must not be empty");
  if (text.size() > kMaxTextBytes)
    return invalid_input("is " + std::to_string(text.size()) + " bytes, at most " + std::to_string(kMaxTextBytes));
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    // C0, DEL, and C1 (U+0080-U+009F, UTF-8 C2 80-C2 9F: NEL breaks lines, CSI drives terminals).
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const bool c1 = byte == 0xc2 && next >= 0x80 && next <= 0x9f;
    if (byte < 0x20 || byte == 0x7f || c1) return invalid_input("contains a control character");
  }
  if (source == StatementSource::kNew)
    if (auto hidden = hidden_or_control_in(text))
      return invalid_input("contains " + *hidden +
                           ", a bidirectional control, line or paragraph separator or invisible character (refused "
                           "in text: it could make a record read otherwise than it says)");
  return {};
}

Status check_country(const json& value, bool allow_no_country) {
  if (!value.is_string()) return invalid_input("must be an ISO 3166-1 alpha-2 string");
  const auto& code = value.get_ref<const std::string&>();
  if (is_country_code(code) || (allow_no_country && code == kNoCountry)) return {};
  return invalid_input(shown(value) + " is not an ISO 3166-1 alpha-2 country code");
}

template <class CheckItem>
Status check_array(const json& value, bool allow_empty, CheckItem check_item) {
  if (!value.is_array()) return invalid_input("must be an array");
  if (!allow_empty && value.empty()) return invalid_input("must not be empty");
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (auto ok = check_item(value[i]); !ok) return invalid_input("[" + std::to_string(i) + "] " + ok.error().message);
    for (std::size_t j = 0; j < i; ++j)
      if (value[j] == value[i]) return invalid_input("[" + std::to_string(i) + "] repeats " + shown(value[i]));
  }
  return {};
}

// Checks an object's members against an exact list of required names.
template <class CheckMember>
Status check_closed_object(const json& value, std::initializer_list<std::string_view> names, CheckMember check) {
  if (!value.is_object()) return invalid_input("must be an object");
  for (auto& [key, member] : value.items()) {
    bool known = false;
    for (auto name : names) known = known || key == name;
    if (!known) return invalid_input("has unknown member " + shown(json(key)));
  }
  for (auto name : names) {
    auto it = value.find(name);
    if (it == value.end()) return invalid_input("lacks member \"" + std::string(name) + "\"");
    if (auto ok = check(name, *it); !ok) return invalid_input("." + std::string(name) + " " + ok.error().message);
  }
  return {};
}

Status check_field(FieldKind kind, const json& value, StatementSource source) {
  switch (kind) {
    case FieldKind::kType:
      if (value.is_string() && statement_type_from(value.get_ref<const std::string&>())) return {};
      return invalid_input(shown(value) + " is not a statement type (party, manufacture, transfer, export, ship, "
                                          "import, register, destroy, move, void)");
    case FieldKind::kVin:
      if (!value.is_string()) return invalid_input("must be a string");
      return validate_vin(value.get_ref<const std::string&>());
    case FieldKind::kTimestamp: {
      if (!value.is_string()) return invalid_input("must be an RFC 3339 UTC string");
      auto time = parse_timestamp(value.get_ref<const std::string&>());
      if (!time) return std::unexpected(time.error());
      return {};
    }
    case FieldKind::kPartyId:
      if (value.is_string() && is_party_id(value.get_ref<const std::string&>())) return {};
      return invalid_input(shown(value) + " is not a party id (1-64 of A-Z a-z 0-9 . _ -)");
    case FieldKind::kSignature: {
      auto bytes = value.is_string() ? base64_decode(value.get_ref<const std::string&>()) : std::nullopt;
      if (bytes && bytes->size() == 64) return {};
      return invalid_input("must be the base64 of a 64-byte Ed25519 signature");
    }
    case FieldKind::kPrev:
      if (value.is_null()) return {};
      if (value.is_string() && hash_from_hex(value.get_ref<const std::string&>())) return {};
      return invalid_input("must be null or 64 lowercase hex digits");
    case FieldKind::kEntryHash:
      if (value.is_string() && hash_from_hex(value.get_ref<const std::string&>())) return {};
      return invalid_input("must be an entry hash (64 lowercase hex digits)");
    case FieldKind::kCountry: return check_country(value, false);
    case FieldKind::kPartyCountry: return check_country(value, true);
    case FieldKind::kCountryList:
      return check_array(value, true, [](const json& item) { return check_country(item, false); });
    case FieldKind::kPort:
      if (value.is_string() && is_locode(value.get_ref<const std::string&>())) return {};
      return invalid_input(shown(value) + " is not a UN/LOCODE (country code + 3 of A-Z 2-9, e.g. JPUKB)");
    case FieldKind::kText: return check_text(value, source);
    case FieldKind::kYear:
      if (value.is_number_integer() && value.get<std::int64_t>() >= 1886 && value.get<std::int64_t>() <= 2100)
        return {};
      return invalid_input("must be an integer year from 1886 to 2100");
    case FieldKind::kRoles:
      return check_array(value, false, [](const json& item) -> Status {
        if (item.is_string() && role_from(item.get_ref<const std::string&>())) return {};
        return invalid_input(shown(item) + " is not a role (manufacturer, dealer, exporter, carrier, importer, "
                                           "registry, regulator)");
      });
    case FieldKind::kVerifierKey: {
      if (!value.is_string()) return invalid_input("must be a verifier key string");
      const auto& text = value.get_ref<const std::string&>();
      auto key = source == StatementSource::kNew ? VerifierKey::parse(text) : VerifierKey::parse_recorded(text);
      if (!key) return std::unexpected(key.error());
      return {};
    }
    case FieldKind::kLogName:
      // The origin of the log the statement is meant for (docs/format.md).
      if (value.is_string() && is_c2sp_key_name(value.get_ref<const std::string&>())) return {};
      return invalid_input(shown(value) + " is not a log origin");
    case FieldKind::kWmiList:
      return check_array(value, false, [](const json& item) -> Status {
        if (item.is_string() && item.get_ref<const std::string&>().size() == 3) {
          std::string padded = item.get<std::string>() + "00000000000000";  // reuse the VIN alphabet check
          if (is_vin_syntax(padded)) return {};
        }
        return invalid_input(shown(item) + " is not a WMI (3 VIN characters)");
      });
    case FieldKind::kTrue:
      // Present only to say yes: a party is active unless a registration says otherwise.
      if (value.is_boolean() && value.get<bool>()) return {};
      return invalid_input("must be true when present");
    case FieldKind::kConsignee:
      if (value.is_string()) return check_field(FieldKind::kPartyId, value, source);
      return check_closed_object(value, {"name", "country"}, [source](std::string_view name, const json& member) {
        return name == "name" ? check_text(member, source) : check_country(member, false);
      });
    case FieldKind::kValue:
      return check_closed_object(value, {"amount", "currency"}, [](std::string_view name, const json& member) -> Status {
        if (name == "amount") {
          if (member.is_number_integer() && member.get<std::int64_t>() >= 0) return {};
          return invalid_input("must be a non-negative integer (minor units)");
        }
        if (member.is_string() && is_upper_letters(member.get_ref<const std::string&>(), 3)) return {};
        return invalid_input("must be an ISO 4217 code (3 upper-case letters)");
      });
    case FieldKind::kEngineCc:
      if (value.is_number_integer() && value.get<std::int64_t>() >= 1 && value.get<std::int64_t>() <= kMaxEngineCc)
        return {};
      return invalid_input("must be an integer engine capacity in cm3 from 1 to " + std::to_string(kMaxEngineCc));
    case FieldKind::kFuel:
      if (value.is_string() && is_fuel(value.get_ref<const std::string&>())) return {};
      return invalid_input(shown(value) + " is not a fuel (petrol, diesel, hybrid, plug_in_hybrid, electric, "
                                          "fuel_cell, lpg, cng, other)");
    case FieldKind::kHsCode:
      if (value.is_string() && is_hs_code(value.get_ref<const std::string&>())) return {};
      return invalid_input(shown(value) + " is not an HS code (4 to 10 digits, no dots, e.g. 870323)");
    case FieldKind::kImo:
      if (value.is_string() && is_imo_number(value.get_ref<const std::string&>())) return {};
      return invalid_input(shown(value) + " is not an IMO ship number (7 digits with a valid check digit)");
    case FieldKind::kMode:
      if (value.is_string() && std::find(kModes.begin(), kModes.end(), value.get_ref<const std::string&>()) != kModes.end())
        return {};
      return invalid_input(shown(value) + " is not a mode (road, rail, air; a sea leg is a `ship` statement)");
  }
  return internal_error("unhandled field kind");
}

const FieldSpec* find_spec(StatementType type, std::string_view field) {
  if (field == kVinField.name) return type == StatementType::kParty ? nullptr : &kVinField;
  for (const auto& spec : kCommonFields)
    if (spec.name == field) return &spec;
  for (const auto& spec : fields_of(type))
    if (spec.name == field) return &spec;
  return nullptr;
}

Status check_fields(const json& object, StatementType type, StatementSource source) {
  auto check_spec = [&](const FieldSpec& spec) -> Status {
    auto it = object.find(spec.name);
    if (it == object.end()) {
      if (spec.required) return invalid_input("missing field \"" + std::string(spec.name) + "\"");
      return {};
    }
    if (auto ok = check_field(spec.kind, *it, source); !ok)
      return invalid_input("field \"" + std::string(spec.name) + "\" " + ok.error().message);
    return {};
  };
  auto is_known = [&](std::string_view key) {
    if (type != StatementType::kParty && key == kVinField.name) return true;
    for (const auto& spec : kCommonFields)
      if (spec.name == key) return true;
    for (const auto& spec : fields_of(type))
      if (spec.name == key) return true;
    return false;
  };
  for (const auto& [key, value] : object.items())
    if (!is_known(key)) return invalid_input("unknown field " + shown(json(key)) + " for type " + std::string(to_string(type)));
  for (const auto& spec : kCommonFields)
    if (auto ok = check_spec(spec); !ok) return ok;
  if (type != StatementType::kParty)
    if (auto ok = check_spec(kVinField); !ok) return ok;
  for (const auto& spec : fields_of(type))
    if (auto ok = check_spec(spec); !ok) return ok;
  return {};
}

PrevClaim prev_claim_of(const json& object) {
  auto it = object.find("prev");
  if (it == object.end()) return {};
  if (it->is_null()) return {PrevClaim::Kind::kFirst, {}};
  return {PrevClaim::Kind::kHash, *hash_from_hex(it->get_ref<const std::string&>())};
}

// JCS of the object without `sig`, prefixed: what the actor signed.
Result<std::string> signed_message_of(json& object) {
  auto sig = object.find("sig");
  json saved;
  if (sig != object.end()) {
    saved = std::move(*sig);
    object.erase(sig);
  }
  std::string message(kStatementSignaturePrefix);
  auto ok = append_canonical_json(object, message);
  if (!saved.is_null()) object["sig"] = std::move(saved);
  if (!ok) return std::unexpected(ok.error());
  return message;
}

}  // namespace

std::string_view to_string(StatementType type) { return kTypeNames[static_cast<std::size_t>(type)]; }

std::optional<bool> field_required(StatementType type, std::string_view field) {
  const FieldSpec* spec = find_spec(type, field);
  if (!spec) return std::nullopt;
  return spec->required;
}

Status check_statement_field(StatementType type, std::string_view field, const json& value) {
  const FieldSpec* spec = find_spec(type, field);
  if (!spec) return invalid_input("unknown field " + shown(json(std::string(field))) + " for type " + std::string(to_string(type)));
  if (auto ok = check_field(spec->kind, value, StatementSource::kNew); !ok)
    return invalid_input("field \"" + std::string(field) + "\" " + ok.error().message);
  return {};
}

std::vector<std::string_view> party_reference_fields(StatementType type) {
  std::vector<std::string_view> fields;
  if (type == StatementType::kParty) return fields;  // `id` is the party being registered
  for (const auto& spec : fields_of(type))
    if (spec.kind == FieldKind::kPartyId || spec.kind == FieldKind::kConsignee) fields.push_back(spec.name);
  return fields;
}

Status check_new_statement(const Statement& statement) {
  // Stored statements keep the form they were accepted with (a currency of
  // three capitals); a new one must name a currency ISO 4217 knows, or its
  // amount could never be read in major units.
  if (auto value = statement.object.find("value"); value != statement.object.end() && value->is_object()) {
    const auto& currency = value->at("currency").get_ref<const std::string&>();
    if (!currency_minor_unit(currency))
      return invalid_input("field \"value\" currency " + shown(json(currency)) +
                           " is not an ISO 4217 currency code with a minor unit");
  }
  return {};
}

std::optional<StatementType> statement_type_from(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i)
    if (kTypeNames[i] == name) return static_cast<StatementType>(i);
  return std::nullopt;
}

std::string_view to_string(Role role) { return kRoleNames[static_cast<std::size_t>(role)]; }

std::optional<Role> role_from(std::string_view name) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i)
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  return std::nullopt;
}

bool is_fuel(std::string_view fuel) { return std::find(kFuels.begin(), kFuels.end(), fuel) != kFuels.end(); }

bool is_electrified_fuel(std::string_view fuel) {
  return fuel == "hybrid" || fuel == "plug_in_hybrid" || fuel == "electric" || fuel == "fuel_cell";
}

bool is_party_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(id[0])) return false;
  for (char c : id)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::string party_chain(std::string_view party_id) { return "party/" + std::string(party_id); }

Result<std::string> chain_of(const json& object) {
  if (!object.is_object() || !object.contains("type") || !object["type"].is_string())
    return invalid_input("a statement needs a string field \"type\"");
  const bool is_party = object["type"] == "party";
  const char* field = is_party ? "id" : "vin";
  if (!object.contains(field) || !object[field].is_string())
    return invalid_input(std::string("missing field \"") + field + "\"");
  const auto& value = object[field].get_ref<const std::string&>();
  return is_party ? party_chain(value) : value;
}

std::string Statement::chain() const {
  return type == StatementType::kParty ? party_chain(object["id"].get_ref<const std::string&>()) : vin;
}

Result<Statement> statement_from_json(json object, StatementSource source) {
  if (!object.is_object()) return invalid_input("a statement must be a JSON object");
  auto type_field = object.find("type");
  if (type_field == object.end()) return invalid_input("missing field \"type\"");
  if (auto ok = check_field(FieldKind::kType, *type_field, source); !ok)
    return invalid_input("field \"type\" " + ok.error().message);
  const StatementType type = *statement_type_from(type_field->get_ref<const std::string&>());
  if (auto ok = check_fields(object, type, source); !ok) return std::unexpected(ok.error());

  Statement statement;
  statement.type = type;
  statement.actor = object["actor"].get<std::string>();
  if (type != StatementType::kParty) statement.vin = object["vin"].get<std::string>();
  statement.time = *parse_timestamp(object["time"].get_ref<const std::string&>());
  statement.prev = prev_claim_of(object);
  auto sig = *base64_decode(object["sig"].get_ref<const std::string&>());
  std::copy(sig.begin(), sig.end(), statement.sig.begin());

  auto message = signed_message_of(object);
  if (!message) return std::unexpected(message.error());
  statement.signed_message = std::move(*message);
  auto canonical = canonical_json(object);
  if (!canonical) return std::unexpected(canonical.error());
  statement.canonical = std::move(*canonical);
  statement.object = std::move(object);
  return statement;
}

Result<Statement> parse_statement(std::string_view text) {
  if (text.size() > kMaxStatementBytes)
    return invalid_input("statement is " + std::to_string(text.size()) + " bytes, at most " +
                         std::to_string(kMaxStatementBytes));
  auto object = parse_strict_json(text);
  if (!object) return std::unexpected(object.error());
  return statement_from_json(std::move(*object));
}

Result<Statement> sign_statement(json unsigned_object, const SigningKey& key) {
  if (!unsigned_object.is_object()) return invalid_input("a statement must be a JSON object");
  if (unsigned_object.contains("sig")) return invalid_input("statement is already signed");
  auto message = signed_message_of(unsigned_object);
  if (!message) return std::unexpected(message.error());
  unsigned_object["sig"] = base64_encode(key.sign(*message));
  auto statement = statement_from_json(std::move(unsigned_object));
  // Every command that makes a statement signs it here: one the log would
  // refuse to take (or a mirror to copy) is never signed at all.
  if (statement && statement->canonical.size() > kMaxStatementBytes)
    return invalid_input("the signed statement is " + std::to_string(statement->canonical.size()) +
                         " bytes, longer than the " + std::to_string(kMaxStatementBytes) + "-byte limit");
  return statement;
}

Result<json> field_value_from_text(std::string_view field, std::string_view text) {
  const std::string value(text);
  if (field == "year" || field == "engine_cc") {
    std::int64_t year = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), year);
    if (error != std::errc() || end != value.data() + value.size() || value.empty())
      return invalid_input("field \"" + std::string(field) + "\" must be an integer, got " + quote_untrusted(value));
    return json(year);
  }
  if (field == "via" || field == "roles" || field == "wmi") {
    json list = json::array();
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = std::min(value.find(',', start), value.size());
      if (comma > start) list.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
    return list;
  }
  if ((field == "consignee" || field == "value") && !value.empty() && value.front() == '{') {
    auto object = parse_strict_json(value);
    if (!object) return invalid_input("field \"" + std::string(field) + "\": " + object.error().message);
    return *object;
  }
  if (field == "value") {
    // What people write, in major units: "65,000.00 EUR" is 6500000 cents.
    auto money = parse_money(value);
    if (!money) return invalid_input("field \"value\" " + money.error().message);
    return json{{"amount", money->amount}, {"currency", money->currency}};
  }
  return json(value);
}

PartyRecord party_record_from(const Statement& statement) {
  const json& object = statement.object;
  PartyRecord record{object["id"].get<std::string>(), object["name"].get<std::string>(),
                     object["country"].get<std::string>(), RoleSet{},
                     *VerifierKey::parse_recorded(object["vkey"].get_ref<const std::string&>()), {}};
  for (const auto& role : object["roles"]) record.roles.add(*role_from(role.get_ref<const std::string&>()));
  if (auto wmi = object.find("wmi"); wmi != object.end())
    for (const auto& code : *wmi) record.wmi.push_back(code.get<std::string>());
  record.revoked = object.contains("revoked");
  if (auto endorsement = object.find("endorsement"); endorsement != object.end()) {
    const auto bytes = *base64_decode(endorsement->get_ref<const std::string&>());
    record.endorsement.emplace();
    std::copy(bytes.begin(), bytes.end(), record.endorsement->begin());
  }
  return record;
}

}  // namespace vinledger
