// What OpenSSL's Ed25519 does not check, checked here (RFC 8032 section
// 5.1.3, and "Taming the many EdDSAs", Chalkias et al., 2020):
//   - a public key must be the canonical encoding (y < p, no sign bit on
//     x = 0) of a point on the curve that is not of small order: with a
//     small-order key, (R = identity, S = 0) verifies for every message
//     under OpenSSL 3.0, so anyone could sign as its holder;
//   - a signature's R must be canonical and not of small order, and its S
//     reduced (S < L), so that a signature has one spelling.
// docs/security.md lists which of these OpenSSL 3.0 already refuses.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace vinledger::ed25519 {

// Why the 32 bytes are not an acceptable Ed25519 public key, or nullopt.
std::optional<std::string> public_key_problem(std::span<const std::uint8_t, 32> key);

// Why the 64 bytes are not a signature vinledger accepts (R canonical and
// not of small order, S < L), or nullopt. Says nothing about whether it
// verifies.
std::optional<std::string> signature_problem(std::span<const std::uint8_t, 64> signature);

}  // namespace vinledger::ed25519
