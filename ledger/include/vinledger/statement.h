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

enum class StatementType { kParty, kManufacture, kTransfer, kExport, kShip, kImport, kRegister, kDestroy };

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

// Adds `sig` to an unsigned statement object (which must not have one yet)
// and returns the checked statement.
Result<Statement> sign_statement(nlohmann::json unsigned_object, const SigningKey& key);

// Converts a value given as text (a command-line option) to the JSON the
// field holds: an integer for `year`; a list for `via`, `roles` and `wmi`
// ("A,B"); for `value` "AMOUNT CURRENCY" (amount in minor units); for
// `consignee` a party id, or an inline {"name","country"} as JSON; a string
// for anything else. Form is checked later, with the whole statement.
Result<nlohmann::json> field_value_from_text(std::string_view field, std::string_view text);

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
