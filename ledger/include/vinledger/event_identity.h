// The identity of the business event a statement asserts (docs/format.md,
// "Event identity"): what makes two statements the same event, whatever
// their `time`, `prev` or signature. The ledger refuses a second statement
// of an event it already holds, and verification reports the copies an older
// ledger let in (DUPLICATE_EVENT).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger {

struct EventIdentity {
  // SHA-256 of the JCS form of the identity object (docs/format.md).
  Hash digest{};
  // What the two statements share, for messages: "same VIN, type, actor and
  // document EXP-JP-2023-118842", or for a statement without a document
  // number "same VIN, type, actor and fields (country, from, to)".
  std::string sameness;
};

// The identity of a statement object (signed or not): with a string `doc`,
// {actor, doc, type, vin}; without one, every member but `time`, `prev` and
// `sig`. Refused only for an object JCS cannot serialise.
Result<EventIdentity> event_identity(const nlohmann::json& statement);

}  // namespace vinledger
