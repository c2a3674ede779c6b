// C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the signed tree head of
// the ledger. The body is a signed note text:
//   <origin>\n
//   <tree size, decimal>\n
//   <base64 root hash>\n
//   <extension line>\n ...   (optional, each non-empty)
// Parsing is strict: the root hash must be 32 bytes (our tree is RFC 6962
// with SHA-256), the size has no sign and no leading zeros, and extension
// lines are not empty. Errors name the line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/signed_note.h"
#include "vinledger/vkey.h"

namespace vinledger {

// A checkpoint of ours is a few hundred bytes; these bound what a parser
// will look at.
inline constexpr std::size_t kMaxCheckpointBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxCheckpointExtensionLines = 64;

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // each without its newline

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// Checks `origin` can be a checkpoint's first line: non-empty, valid UTF-8,
// no control characters. (Spaces and '+' are allowed: the spec only says an
// origin SHOULD avoid them.)
Status check_checkpoint_origin(std::string_view origin);

Result<Checkpoint> parse_checkpoint_body(std::string_view body);

// The body's exact bytes. Refuses what parse_checkpoint_body would refuse.
Result<std::string> format_checkpoint_body(const Checkpoint& checkpoint);

// The body signed by the log's Ed25519 key under `key_name` (which SHOULD be
// the origin).
Result<std::string> sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key, std::string_view key_name);

// A cosigner's signature line (type 0x04) for `checkpoint` at `timestamp`.
// Append it to the signed checkpoint's signatures (see format_signed_note).
Result<NoteSignature> cosign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key, std::string_view name,
                                        std::uint64_t timestamp);

// A signed checkpoint split into its parts, NOT verified: for showing what a
// file holds, or for picking the keys to verify it with.
struct UnverifiedCheckpoint {
  Checkpoint checkpoint;
  SignedNote note;
};
Result<UnverifiedCheckpoint> parse_unverified_checkpoint(std::string_view signed_checkpoint);

struct VerifiedCheckpoint {
  Checkpoint checkpoint;
  std::string body;
  // The log key that signed it (vkey text): the trusted key, or the newest
  // key of the key endorsements it carries (key_endorsement.h).
  std::string log_key;
  // Verified signatures by the witnesses passed in, in note order (the log's
  // own signature is not listed). Quorum rules are the caller's.
  std::vector<VerifiedSignature> cosignatures;
  std::vector<NoteSignature> unverified;  // by keys that were not passed in
};

// Verifies a signed checkpoint: the note must verify (verify_note over the
// log key and the witnesses), carry a good signature by the log key, have a
// well-formed body, and have exactly the origin `origin`. A bad signature by
// any key passed in rejects the checkpoint. The log key is `log_key`, or,
// when the body carries key endorsement lines, the newest key they endorse,
// provided the chain passes through `log_key` (follow_key_endorsements):
// a verifier holding any earlier log key follows the operator's rotations.
Result<VerifiedCheckpoint> open_checkpoint(std::string_view signed_checkpoint, std::string_view origin,
                                           const VerifierKey& log_key, std::span<const TrustedKey> witnesses = {});

}  // namespace vinledger
