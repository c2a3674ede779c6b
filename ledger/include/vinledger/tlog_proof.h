// C2SP tlog-proof (c2sp.org/tlog-proof@v1): an offline-verifiable proof that
// an entry is in the log, as text:
//   c2sp.org/tlog-proof@v1
//   extra <base64>            (optional, only when there is extra data)
//   index <decimal>
//   <base64 hash>             (the RFC 6962 inclusion proof, leaf's sibling
//   ...                        first, zero or more lines)
//   <empty line>
//   <signed checkpoint, verbatim>
// Parsing trusts nothing: every line is checked, the number of proof hashes
// must be the one RFC 6962 gives for the index and the checkpoint's tree
// size, and the checkpoint must be a well-formed signed checkpoint. Parsing
// does NOT verify signatures or the proof: that needs the log key and the
// leaf (open_checkpoint, then an inclusion-proof check against its root).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";
// Extra data is application context; this bounds what a parser decodes.
inline constexpr std::size_t kMaxTlogProofExtraBytes = 48 * 1024;
// An inclusion proof in a tree of at most 2^64 - 1 leaves has at most 64 hashes.
inline constexpr std::size_t kMaxInclusionProofHashes = 64;

struct TlogProof {
  std::vector<std::uint8_t> extra;    // empty: no "extra" line
  std::uint64_t index = 0;            // zero-based index of the entry
  std::vector<Hash> inclusion_proof;  // leaf's sibling first, up to the root's child
  std::string checkpoint;             // the signed checkpoint note, verbatim, unverified

  friend bool operator==(const TlogProof&, const TlogProof&) = default;
};

// Errors name the line of the proof they are about.
Result<TlogProof> parse_tlog_proof(std::string_view text);

// The proof's exact text. Refuses (invalid_input) what parse_tlog_proof
// would refuse, so the result always parses back to `proof`.
Result<std::string> format_tlog_proof(const TlogProof& proof);

}  // namespace vinledger
