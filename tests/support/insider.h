// What someone with write access to the database file can do that the
// ledger's own append never would: write an entry that no check has seen,
// consistently (right seq, both hash chains, the Merkle tiles rebuilt), so
// that only the rules an audit or a verifier applies can catch it. Tests use
// it for what older versions let in (a weak key, text with bidirectional
// controls) and for what an insider forges (a replayed statement, a
// statement by a revoked party).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace vinledger::testing {

// Appends `statement` (a signed statement object, taken as it is) as the
// next entry of the ledger at `db`, recorded at `recorded`, and rebuilds the
// tree's tiles. Returns the new entry's seq.
std::int64_t insider_append(const std::filesystem::path& db, const nlohmann::json& statement,
                            const std::string& recorded = "2024-01-01T00:00:00Z");

// Rebuilds the entries table without its UNIQUE constraint on
// statement_hash (and without the append-only triggers): what an insider
// does before replaying a statement.
void drop_statement_uniqueness(const std::filesystem::path& db);

}  // namespace vinledger::testing
