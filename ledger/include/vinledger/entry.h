// Entries: what the ledger stores and hashes. An entry wraps one statement
// with its position (seq), the log time, and the two chains it extends:
//   {"prev_entry", "recorded", "seq", "statement", "vin_prev"}
// Leaf bytes = JCS(entry); entry hash = RFC 6962 leaf hash of the leaf bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger {

struct EntryHeader {
  std::int64_t seq = 0;
  std::string recorded;            // RFC 3339 UTC log time
  std::optional<Hash> prev_entry;  // hash of entry seq-1; none for seq 0
  std::optional<Hash> vin_prev;    // hash of the previous entry of the same chain
};

// JCS(entry) built around the already canonical statement bytes. The five
// member names sort as prev_entry < recorded < seq < statement < vin_prev,
// so the leaf can be assembled without re-serialising the statement.
std::string entry_leaf_bytes(const EntryHeader& header, std::string_view canonical_statement);

// The entry as a JSON object, exactly as hashed.
nlohmann::json entry_json(const EntryHeader& header, const nlohmann::json& statement);

struct ParsedEntry {
  EntryHeader header;
  nlohmann::json statement;  // the statement object as stored
};

// Parses leaf bytes back into an entry, refusing anything that is not the
// canonical form of a well-shaped entry (so one entry has one spelling).
Result<ParsedEntry> parse_entry_leaf(std::string_view leaf);

}  // namespace vinledger
