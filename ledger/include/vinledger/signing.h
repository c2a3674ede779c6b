// Signing statements on a party's side: filling in what a signer takes from
// the ledger (the head a statement extends) and the clock, then signing.
// The same calls serve a party that holds the ledger file and one that only
// reaches a server: where heads come from is the caller's HeadLookup.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/statement.h"

namespace vinledger {

// The hash of a chain's last entry (a VIN, or "party/<id>"), nullopt for a
// chain with no entries yet.
using HeadLookup = std::function<Result<std::optional<Hash>>(std::string_view chain)>;

// Completes an unsigned statement to extend `head` (its `prev`, null when
// the chain is new; a `prev` already there is replaced), with `time` = `now`
// unless it has one, and signs it with `key`.
[[nodiscard]] Result<Statement> sign_on_head(nlohmann::json unsigned_statement, const std::optional<Hash>& head,
                                             const SigningKey& key, std::int64_t now);

// Signs unsigned statements, one JSON object per line (JSON Lines: blank
// lines skipped, a "\r" before the "\n" ignored, a line over
// kMaxStatementBytes refused unread): fills `time` with `now` when absent
// and, when `heads` is set (`sign --link`), `prev` of each chain's first
// statement in the input with its head. Later statements of the same chain
// cannot know their predecessor's hash before it is appended, so they get
// no `prev`; a `prev` already given is kept. Returns the signed statements
// in canonical form, one per line, only if every line signed; errors name
// "<source_name>:<line>".
//
// `prepare`, when set, completes each parsed statement first, as the ledger
// it is meant for requires (Ledger::prepare_unsigned, its `log`); an
// operator's registration of a new key of its own gets the old key's
// endorsement (key_endorsement.h) after it.
using PrepareStatement = std::function<Result<nlohmann::json>(nlohmann::json unsigned_statement)>;
[[nodiscard]] Result<std::string> sign_statement_lines(std::istream& in, std::string_view source_name,
                                                       const SigningKey& key, const HeadLookup& heads,
                                                       std::int64_t now, const PrepareStatement& prepare = {});

}  // namespace vinledger
