// The rules that decide whether a recorded statement is its actor's: one
// implementation for append (refuses), audit (reports) and verify-bundle
// (refuses the bundle), so the three can never disagree about revocation,
// rotation or weak keys. Pure: the caller finds the actor's registration in
// force at the statement's entry, from its registry or its history.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vinledger/statement.h"

namespace vinledger {

// What a worker thread found when it checked a signature ahead of the
// sequential pass, against the key it believed in force (empty: none).
struct SignatureCheck {
  std::string key_text;
  bool ok = false;
};

struct KeyInForceProblem {
  enum class Kind {
    kUnknownActor,  // no registration of the actor at this point of the log
    kRevoked,       // the registration in force revokes the actor
    kNotOperator,   // a party statement by someone other than the operator
    kWeakKey,       // the key in force is weak: anyone could have signed
    kBadSignature,  // the signature does not verify with the key in force
  };
  Kind kind;
  std::string message;
};

// Judges `statement` against `in_force`, the actor's registration in force
// at its entry (null if none), with `operator_id` the party registered at
// seq 0. If `check` was made with another key than the one in force, the
// signature is verified again and `check` updated.
std::optional<KeyInForceProblem> check_key_in_force(const Statement& statement, const PartyVersion* in_force,
                                                    std::string_view operator_id, SignatureCheck& check);

// Verifies the statement's signature with `key`, recording what was checked.
SignatureCheck check_signature(const Statement& statement, const VerifierKey& key);

}  // namespace vinledger
