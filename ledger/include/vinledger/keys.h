// Ed25519 signing keys (RFC 8032) in PKCS#8 PEM files. Their public halves,
// the verifier keys every signature is checked with, are vkey.h's.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "vinledger/result.h"
#include "vinledger/vkey.h"

namespace vinledger {

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
