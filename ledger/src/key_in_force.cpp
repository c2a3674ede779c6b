#include "key_in_force.h"

#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

KeyInForceProblem problem(KeyInForceProblem::Kind kind, std::string message) { return {kind, std::move(message)}; }

}  // namespace

SignatureCheck check_signature(const Statement& statement, const VerifierKey& key) {
  return SignatureCheck{key.text(), key.verify(statement.signed_message, statement.sig)};
}

std::optional<KeyInForceProblem> check_key_in_force(const Statement& statement, const PartyVersion* in_force,
                                                    std::string_view operator_id, SignatureCheck& check) {
  using Kind = KeyInForceProblem::Kind;
  // Actor ids are checked party ids: safe to show as they are.
  const std::string actor = quote_party_id(statement.actor);
  if (in_force == nullptr) return problem(Kind::kUnknownActor, "unknown actor " + actor + " (not a registered party)");
  const PartyRecord& record = in_force->record;
  if (record.revoked)
    return problem(Kind::kRevoked, "actor " + actor + " was revoked at seq " + std::to_string(in_force->seq) +
                                       "; its statements are no longer accepted");
  if (statement.type == StatementType::kParty && statement.actor != operator_id)
    return problem(Kind::kNotOperator, "a party statement must be signed by the operator " + quote_party_id(operator_id) +
                                           ", not " + actor);
  if (record.vkey.weakness())
    return problem(Kind::kWeakKey, "the key of " + actor + " in force (registered at seq " +
                                       std::to_string(in_force->seq) + ") is weak: " + *record.vkey.weakness() +
                                       "; its signature proves nothing");
  if (check.key_text != record.vkey.text()) check = check_signature(statement, record.vkey);
  if (!check.ok)
    return problem(Kind::kBadSignature,
                   "signature does not verify against the key of " + actor + " in force (" + escape_untrusted(record.vkey.text()) + ")");
  return std::nullopt;
}

}  // namespace vinledger
