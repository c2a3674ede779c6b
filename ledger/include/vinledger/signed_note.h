// C2SP signed notes (c2sp.org/signed-note): a text ending in a newline, a
// blank line, then one signature line per key:
//   — <key name> <base64(4-byte big-endian key id || signature)>
// Two signature types are supported: Ed25519 note signatures (type 0x01, the
// VerifierKey of vkey.h) and Ed25519 checkpoint cosignatures (type 0x04,
// c2sp.org/tlog-cosignature, vkey.h's CosignerKey).
//
// Limits (the spec asks verifiers to bound the number of signatures and to
// accept at least 16; golang.org/x/mod/sumdb/note allows 100):
//   - a note is at most kMaxNoteBytes bytes;
//   - at most kMaxNoteSignatures signature lines, counted before identical
//     lines are collapsed, as x/mod counts them;
//   - a signature line is at most kMaxSignatureLineBytes bytes, room for a
//     post-quantum signature of about 5 kB in base64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/vkey.h"

namespace vinledger {

inline constexpr std::size_t kMaxNoteBytes = 1 << 20;
inline constexpr std::size_t kMaxNoteSignatures = 100;
inline constexpr std::size_t kMaxSignatureLineBytes = 8 * 1024;

// One signature line, decoded but not verified.
struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  // The bytes after the key id: a 64-byte signature for type 0x01, an 8-byte
  // big-endian timestamp and a 64-byte signature for type 0x04, anything
  // (non-empty) for a key we do not know.
  std::vector<std::uint8_t> signature;

  // "— <name> <base64>\n".
  std::string line() const;

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// A note split into its text and signatures, nothing verified: the text must
// not be acted on before verify_note says a trusted key signed it.
struct SignedNote {
  std::string text;                       // ends in '\n'
  std::vector<NoteSignature> signatures;  // in order, identical lines once
};

// Checks `text` can be the text of a signed note: non-empty, ends in '\n',
// valid UTF-8, no control characters other than '\n', within the size limit.
Status check_note_text(std::string_view text);

// Splits a signed note, strictly: valid UTF-8 without control characters
// other than '\n', the text separated by the last blank line, one or more
// well-formed signature lines each ending in '\n', within the limits above.
// Errors name the line.
Result<SignedNote> parse_signed_note(std::string_view note);

// The note's bytes: text, blank line, signature lines. Refuses (as
// invalid_input) what parse_signed_note would refuse, and repeated identical
// signatures, so what it returns parses back to `note`.
Result<std::string> format_signed_note(const SignedNote& note);

// Ed25519 (type 0x01) signature of `text` by `key` under `name`.
Result<NoteSignature> sign_note_text(std::string_view text, const SigningKey& key, std::string_view name);

// `text` signed by one key: the exact bytes golang.org/x/mod's note.Sign
// produces.
Result<std::string> sign_note(std::string_view text, const SigningKey& key, std::string_view name);

// ---- Cosignatures (c2sp.org/tlog-cosignature, Ed25519, type 0x04) ---------

// A cosignature (type 0x04) by `key` under `name` of `checkpoint_body` at
// `timestamp` (seconds since the epoch, at most 2^63 - 1). checkpoint.h's
// cosign_checkpoint also checks the body is a checkpoint.
Result<NoteSignature> cosign_note_text(std::string_view checkpoint_body, const SigningKey& key, std::string_view name,
                                       std::uint64_t timestamp);

// ---- Verification ----------------------------------------------------------

enum class NoteOutcome {
  ok,                        // at least one trusted key signed; none failed
  malformed,                 // not a well-formed signed note
  no_verifiable_signatures,  // no signature is from a trusted key
  invalid_signature,         // a signature from a trusted key does not verify
  ambiguous_key,             // several trusted keys share a signature's name and id
};

std::string_view to_string(NoteOutcome outcome);

struct VerifiedSignature {
  std::string name;
  std::uint32_t key_id = 0;
  std::uint8_t signature_type = 0;  // kEd25519SignatureType or kCosignatureV1SignatureType
  std::uint64_t timestamp = 0;      // cosignatures only: when the cosigner signed
};

struct NoteVerification {
  NoteOutcome outcome = NoteOutcome::malformed;
  std::string message;  // why it failed, naming the line or key; empty when ok
  // The note text. Not to be acted on unless outcome is ok.
  std::string text;
  // One entry per trusted key that signed, in signature order.
  std::vector<VerifiedSignature> verified;
  // Signatures from keys not in the trusted set, in order.
  std::vector<NoteSignature> unverified;

  bool ok() const { return outcome == NoteOutcome::ok; }
};

// Verifies a signed note against `trusted`. Every distinct signature line
// whose name and key id match a trusted key is verified, and one that fails
// rejects the whole note (the spec's SHOULD); signatures from other keys are
// listed as unverified; identical signature lines count once; a signature
// that matches two trusted keys is ambiguous_key, as in x/mod. On failure the
// lists hold what was read before the failing line (nothing if malformed).
NoteVerification verify_note(std::string_view note, std::span<const TrustedKey> trusted);

// verify_note for callers that want yes or no: a note that is not ok is an
// invalid_input error carrying the message.
Result<NoteVerification> open_note(std::string_view note, std::span<const TrustedKey> trusted);

}  // namespace vinledger
