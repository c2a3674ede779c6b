// Verifier keys: every public key vinledger trusts goes through this unit,
// whether it names a party, the log (the operator's key) or a witness.
// C2SP signed-note vkey form:
//   <name>+<8 hex digits key id>+<base64(type || 32-byte Ed25519 key)>
// where key id = first 4 bytes of SHA-256(name || "\n" || type || key), and
// type is 0x01 (Ed25519 note signer: VerifierKey) or 0x04 (Ed25519
// cosignature/v1, c2sp.org/tlog-cosignature: CosignerKey).
//
// Parsing is strict: besides the C2SP syntax, a key must be a canonical
// encoding of a point on the curve that is not of small order (such a key
// lets anyone sign as its holder: docs/security.md), and its name may hold
// none of the hidden or control characters of untrusted_text.h.
// parse_recorded reads a key as a ledger recorded it before these rules:
// the syntax is checked, and weakness() says what today's rules refuse.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "vinledger/result.h"

namespace vinledger {

using PublicKeyBytes = std::array<std::uint8_t, 32>;
using SignatureBytes = std::array<std::uint8_t, 64>;

// C2SP signed-note signature types.
inline constexpr std::uint8_t kEd25519SignatureType = 0x01;
inline constexpr std::uint8_t kCosignatureV1SignatureType = 0x04;

// True if `name` may name a key vinledger accepts: non-empty, valid UTF-8,
// no '+', no Unicode space (White_Space, as the reference implementation
// tests), and no hidden or control character (is_hidden_or_control: C0, DEL,
// C1, bidirectional controls, separators, zero-width characters).
bool is_valid_key_name(std::string_view name);
// The C2SP rule alone (no '+', no space) plus no C0 control: what a
// signature line of someone else's note may carry, and what a ledger may
// have recorded before the stricter rule.
bool is_c2sp_key_name(std::string_view name);

// SHA-256(name || "\n" || type || key)[:4], big-endian.
std::uint32_t key_id_for(std::string_view name, std::uint8_t type, const PublicKeyBytes& key);
// key_id_for with type 0x01 and 0x04.
std::uint32_t key_id_for(std::string_view name, const PublicKeyBytes& key);
std::uint32_t cosigner_key_id_for(std::string_view name, const PublicKeyBytes& key);

// Why `key` is not an Ed25519 public key vinledger accepts (not canonical,
// not on the curve, of small order), or nullopt.
std::optional<std::string> ed25519_key_weakness(const PublicKeyBytes& key);

// A note signer's key (type 0x01): parties, and the log.
class VerifierKey {
 public:
  // Parses and checks a verifier key: name rules, 8 lowercase hex digits of
  // key id that match, strict base64 of type 0x01 and a 32-byte key that is
  // not weak. Nothing is trimmed. Error messages say what is wrong.
  static Result<VerifierKey> parse(std::string_view text);
  // As a ledger recorded it: the C2SP syntax and key id are checked (names
  // by is_c2sp_key_name), a weak key is read and weakness() says why.
  static Result<VerifierKey> parse_recorded(std::string_view text);
  // A key from its parts; weakness() is set if the key is weak. Throws
  // std::invalid_argument if !is_c2sp_key_name(name): a key whose text
  // would not parse back is a programming error, not bad input.
  static VerifierKey from_public_key(std::string name, const PublicKeyBytes& key);

  const std::string& name() const;
  std::uint32_t key_id() const;
  const PublicKeyBytes& public_key() const;
  // The canonical text form "<name>+<hex>+<base64>".
  const std::string& text() const;
  // Why this key is weak (it verifies nothing), or nullopt.
  const std::optional<std::string>& weakness() const;

  // Ed25519 verification of `signature` over `message`. False for a weak
  // key, for a signature that is not 64 bytes, whose R is not canonical or
  // of small order, or whose S is not reduced. Safe to call from several
  // threads at once on one key.
  bool verify(std::string_view message, std::span<const std::uint8_t> signature) const;

  friend bool operator==(const VerifierKey& a, const VerifierKey& b) { return a.text() == b.text(); }

 private:
  struct Impl;
  explicit VerifierKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint body: what
// a cosigner signs (c2sp.org/tlog-cosignature).
std::string cosignature_message(std::string_view checkpoint_body, std::uint64_t timestamp);

// A timestamp may not exceed 2^63 - 1 (tlog-cosignature).
inline constexpr std::uint64_t kMaxCosignatureTimestamp = (std::uint64_t{1} << 63) - 1;

// A cosigner's (witness's) key, type 0x04.
class CosignerKey {
 public:
  // As strict as VerifierKey::parse, for type 0x04.
  static Result<CosignerKey> parse(std::string_view text);
  // As VerifierKey::from_public_key.
  static CosignerKey from_public_key(std::string name, const PublicKeyBytes& key);

  const std::string& name() const;
  std::uint32_t key_id() const;
  const PublicKeyBytes& public_key() const;
  const std::string& text() const;
  const std::optional<std::string>& weakness() const;

  // True if `signature` (64 bytes) is this key's cosignature of
  // `checkpoint_body` at `timestamp`, under VerifierKey::verify's rules. A
  // timestamp above 2^63 - 1 is false.
  bool verify(std::string_view checkpoint_body, std::uint64_t timestamp, std::span<const std::uint8_t> signature) const;

  friend bool operator==(const CosignerKey& a, const CosignerKey& b) { return a.text() == b.text(); }

 private:
  struct Impl;
  explicit CosignerKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// A key trusted to sign notes: a note signer (0x01) or a cosigner (0x04).
using TrustedKey = std::variant<VerifierKey, CosignerKey>;

// Parses a vkey of either type, chosen by its type byte, as strictly as
// VerifierKey::parse.
Result<TrustedKey> parse_trusted_key(std::string_view text);

}  // namespace vinledger
