// Statements: what a party asserts about a vehicle (or, for `party`, what
// the operator asserts about a party), as a flat JSON object signed by the
// asserting party. This unit checks a statement's form and nothing else;
// whether it fits the ledger (known actor, key in force, prev) is append's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/timestamp.h"

namespace vinledger {

// kMove: a land or air leg (road, rail, air); `ship` stays the sea leg.
// kVoid: withdraws an earlier entry of the same VIN (docs/format.md).
enum class StatementType { kParty, kManufacture, kTransfer, kExport, kShip, kImport, kRegister, kDestroy, kMove, kVoid };

std::string_view to_string(StatementType type);
std::optional<StatementType> statement_type_from(std::string_view name);

enum class Role : std::uint8_t { kManufacturer, kDealer, kExporter, kCarrier, kImporter, kRegistry, kRegulator };

std::string_view to_string(Role role);
std::optional<Role> role_from(std::string_view name);

// A set of roles as a bit mask (bit i = Role i).
struct RoleSet {
  std::uint8_t bits = 0;
  bool has(Role role) const { return bits & (1u << static_cast<unsigned>(role)); }
  void add(Role role) { bits |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(role)); }
};

// The signature covers these bytes followed by the JCS bytes of the
// statement without `sig`; the prefix keeps a statement signature from ever
// being valid as any other kind of signed message.
inline constexpr std::string_view kStatementSignaturePrefix = "vinledger/statement/v1\n";

// Longest statement accepted, in bytes of JSON text.
inline constexpr std::size_t kMaxStatementBytes = 16 * 1024;

// What a statement's optional `prev` claims about the chain it extends.
struct PrevClaim {
  enum class Kind { kAbsent, kFirst, kHash };
  Kind kind = Kind::kAbsent;
  Hash hash{};  // when kind == kHash
};

struct Statement {
  nlohmann::json object;  // exactly as signed, including `sig`
  std::string canonical;  // JCS(object), the bytes stored inside the entry
  std::string signed_message;  // kStatementSignaturePrefix + JCS(object without sig)
  StatementType type = StatementType::kParty;
  std::string vin;    // empty for `party`
  std::string actor;  // the signing party's id
  UtcTime time;
  PrevClaim prev;
  SignatureBytes sig{};

  // The chain this statement extends: its VIN, or "party/<id>" for a party
  // registration, so that a party's key history is a chain too.
  std::string chain() const;
};

// The chain key of a party's registrations and key rotations.
std::string party_chain(std::string_view party_id);

// The chain a statement object (signed or not yet) will extend, read before
// the statement is checked in full: its `vin`, or party_chain(`id`).
Result<std::string> chain_of(const nlohmann::json& object);

// Where a statement comes from, which decides how strictly it is read.
enum class StatementSource {
  // New input (append, sign, record, an evidence bundle): every rule of
  // docs/format.md applies.
  kNew,
  // An entry a ledger already holds: rules added since it was recorded (a
  // weak vkey, hidden characters in text or key names) do not make it
  // unreadable; audit reports what matters (WEAK_KEY).
  kRecorded,
};

// Checks every field of `object` against the contract (required and optional
// fields per type, their formats, no unknown fields) and precomputes the
// canonical bytes. The error names the field and what is wrong with it.
Result<Statement> statement_from_json(nlohmann::json object, StatementSource source = StatementSource::kNew);

// parse_strict_json + statement_from_json.
Result<Statement> parse_statement(std::string_view text);

// Whether `field` is required for statements of `type` (nullopt: not one of
// its fields), and whether `value` is what the contract allows there; the
// error names the field. For reading fields one at a time (a CSV column).
std::optional<bool> field_required(StatementType type, std::string_view field);
[[nodiscard]] Status check_statement_field(StatementType type, std::string_view field, const nlohmann::json& value);

// The fields of `type` that name another party by id (`from`, `to`, a
// `consignee` id), from the field table: `record` and `sign` refuse an id
// there that is not registered.
std::vector<std::string_view> party_reference_fields(StatementType type);

// What a statement entering the ledger now must satisfy beyond its form
// (which stored statements keep whatever the version that accepted them):
// a declared value's currency is in the ISO 4217 table (vinledger/money.h).
[[nodiscard]] Status check_new_statement(const Statement& statement);

// Adds `sig` to an unsigned statement object (which must not have one yet)
// and returns the checked statement; one longer than kMaxStatementBytes
// once signed is refused (invalid_input).
Result<Statement> sign_statement(nlohmann::json unsigned_object, const SigningKey& key);

// Converts a value given as text (a command-line option) to the JSON the
// field holds: an integer for `year`; a list for `via`, `roles` and `wmi`
// ("A,B"); for `value` an amount as people write it ("65,000.00 EUR",
// parse_money), held in minor units, or the JSON object itself; for
// `consignee` a party id, or an inline {"name","country"} as JSON; a string
// for anything else. Form is checked later, with the whole statement.
Result<nlohmann::json> field_value_from_text(std::string_view field, std::string_view text);

// The fuels `manufacture` may name in `fuel`.
bool is_fuel(std::string_view fuel);
// A fuel that makes the vehicle a hybrid or an electric car (the kinds
// embargo rules name together): hybrid, plug_in_hybrid, electric, fuel_cell.
bool is_electrified_fuel(std::string_view fuel);

// The party identifier syntax: 1-64 characters from A-Z a-z 0-9 . _ - ,
// starting with a letter or digit.
bool is_party_id(std::string_view id);

// A registered party, as the `party` statement that registered it says.
struct PartyRecord {
  std::string id;
  std::string name;
  std::string country;
  RoleSet roles;
  VerifierKey vkey;
  std::vector<std::string> wmi;
  // A revoked party's statements are refused from its revocation on; those
  // recorded before it stand. A later registration without it reinstates.
  bool revoked = false;
  // The operator's registration of a new key of its own carries the old
  // key's endorsement of it (key_endorsement.h).
  std::optional<SignatureBytes> endorsement{};
};

// A party as it stands after one of its registrations: the record, the
// entry that registered it (the key in force from there on), and the entry
// of its first registration. The one name for "a party at a point of the
// log": the ledger's registry, verification's PartyHistory, `party list`.
struct PartyVersion {
  PartyRecord record;
  std::int64_t seq = 0;
  std::int64_t first_seq = 0;
};

// Reads the party record out of a checked `party` statement (its vkey as
// VerifierKey::parse_recorded reads it: a weak key carries weakness()).
PartyRecord party_record_from(const Statement& statement);


}  // namespace vinledger
