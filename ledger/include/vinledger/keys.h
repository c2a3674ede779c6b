// Ed25519 keys (RFC 8032) and their C2SP signed-note verifier-key form:
//   <name>+<8 hex digits key hash>+<base64(0x01 || 32-byte public key)>
// where key hash = first 4 bytes of SHA-256(name || "\n" || 0x01 || public key).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

using PublicKeyBytes = std::array<std::uint8_t, 32>;
using SignatureBytes = std::array<std::uint8_t, 64>;

// C2SP signed-note signature type for Ed25519.
inline constexpr std::uint8_t kEd25519SignatureType = 0x01;

// True if `name` may name a signed-note key: non-empty, valid UTF-8 with no
// Unicode spaces (White_Space property) and no '+'. Control characters below
// U+0020 are refused too: a signed note may not contain them, so such a key
// could never sign a valid note.
bool is_valid_key_name(std::string_view name);

class VerifierKey {
 public:
  // Parses and checks a verifier key (name rules, 8 lowercase hex digits of
  // key hash that match, strict base64 of signature type 0x01 and a 32-byte
  // key). Nothing is trimmed: surrounding whitespace is an error. Error
  // messages say what is wrong.
  static Result<VerifierKey> parse(std::string_view text);
  // Throws std::invalid_argument if !is_valid_key_name(name): a key whose
  // text would not parse back is a programming error, not bad input.
  static VerifierKey from_public_key(std::string name, const PublicKeyBytes& key);

  const std::string& name() const;
  std::uint32_t key_id() const;
  const PublicKeyBytes& public_key() const;
  // The canonical text form "<name>+<hex>+<base64>".
  const std::string& text() const;

  // Ed25519 verification of `signature` over `message`. Safe to call from
  // several threads at once on one key. A signature that is not 64 bytes is
  // simply false.
  bool verify(std::string_view message, std::span<const std::uint8_t> signature) const;

  friend bool operator==(const VerifierKey& a, const VerifierKey& b) { return a.text() == b.text(); }

 private:
  struct Impl;
  explicit VerifierKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// The first 4 bytes of SHA-256(name || "\n" || 0x01 || public key), big-endian.
std::uint32_t key_id_for(std::string_view name, const PublicKeyBytes& key);

class SigningKey {
 public:
  // generate, from_seed, to_pem and sign throw std::runtime_error only if
  // OpenSSL itself fails (out of memory, no entropy): not input errors.
  static SigningKey generate();
  // A PKCS#8 PEM Ed25519 private key ("-----BEGIN PRIVATE KEY-----").
  static Result<SigningKey> from_pem(std::string_view pem);
  // An Ed25519 seed (RFC 8032 private key, 32 bytes).
  static SigningKey from_seed(std::span<const std::uint8_t, 32> seed);
  // Reads a PEM key file. Refuses a file that group or others may read, so a
  // leaked key is caught before it signs anything.
  static Result<SigningKey> load(const std::filesystem::path& path);

  // Writes the key as PKCS#8 PEM with mode 0600, then fsyncs the file and its
  // directory. Never overwrites: an existing file is an invalid_input error.
  // A failed write removes the file it created.
  Status save_new(const std::filesystem::path& path) const;

  std::string to_pem() const;
  SignatureBytes sign(std::string_view message) const;
  const PublicKeyBytes& public_key() const;
  // Throws std::invalid_argument for an invalid name, as from_public_key.
  VerifierKey verifier(std::string name) const;

 private:
  struct Impl;
  explicit SigningKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace vinledger
