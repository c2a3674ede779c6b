// Operator key rotation as a verifiable event. When the operator moves the
// log to a new key, the key in force signs an endorsement of the new one:
//   "vinledger/key-endorsement/v1\n" <origin> "\n" <old vkey> "\n" <new vkey> "\n"
// The signature is recorded in the rotating `party` statement (its
// `endorsement` field), and every checkpoint signed after it carries the
// whole chain of endorsements as extension lines (docs/format.md
// "Checkpoints"):
//   vinledger-key-endorsement/v1 <old vkey> <new vkey> <base64 signature>
// so that whoever holds any earlier log key (a regulator, a witness, an
// auditor) can follow the chain, one signature per step, to the key that
// signed the checkpoint. A chain is only as good as the old keys' secrecy:
// whoever holds an old key can endorse a key of their own, and a verifier
// that knows a newer key should use it (docs/security.md).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/vkey.h"

namespace vinledger {

inline constexpr std::string_view kKeyEndorsementContext = "vinledger/key-endorsement/v1\n";
inline constexpr std::string_view kKeyEndorsementLinePrefix = "vinledger-key-endorsement/v1 ";

struct KeyEndorsement {
  VerifierKey old_key;
  VerifierKey new_key;
  SignatureBytes signature{};

  // True if `signature` is old_key's over message(origin, ...), both keys
  // named by `origin` (the log's keys always are).
  bool verify(std::string_view origin) const;
  // The checkpoint extension line (without its newline).
  std::string line() const;
};

// The bytes an old log key signs to endorse a new one.
std::string key_endorsement_message(std::string_view origin, const VerifierKey& old_key, const VerifierKey& new_key);

// The endorsement of `new_key` by `old_signing_key` (whose verifier key,
// named by `origin`, is the old key).
KeyEndorsement endorse_key(std::string_view origin, const SigningKey& old_signing_key, const VerifierKey& new_key);

// Fills the `endorsement` of an unsigned `party` statement by which the
// operator (actor = id) registers a new key of its own, `key` being the key
// in force that will sign it; leaves any other statement, or one that
// already has an endorsement, as it is. What `record` and `sign` do before
// signing, so that operators never compute it by hand.
void add_key_endorsement(nlohmann::json& unsigned_statement, const SigningKey& key);

// Reads a checkpoint extension line: nullopt if it is not an endorsement
// line (another extension), an error if it starts like one but is not
// well-formed (keys as strictly as VerifierKey::parse).
Result<std::optional<KeyEndorsement>> parse_key_endorsement_line(std::string_view line);

// The endorsement lines among a checkpoint's extension lines, each
// verified and in one unbroken chain (each one's old key is the previous
// one's new key), all named by `origin`. An error names the line.
Result<std::vector<KeyEndorsement>> read_key_endorsements(std::span<const std::string> extensions,
                                                          std::string_view origin);

// The key a checkpoint with `chain` must be signed by, for a verifier who
// trusts `trusted`: `trusted` itself if the chain is empty, else the chain's
// last new key, provided the chain passes through `trusted` (as an old or
// the last new key). invalid_input otherwise, naming both keys.
Result<VerifierKey> follow_key_endorsements(std::span<const KeyEndorsement> chain, const VerifierKey& trusted);

}  // namespace vinledger
