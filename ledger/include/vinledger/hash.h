// SHA-256 and the RFC 6962 / RFC 9162 section 2 hashes built on it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vinledger {

using Hash = std::array<std::uint8_t, 32>;

Hash sha256(std::string_view data);

// RFC 6962 leaf hash: SHA-256(0x00 || leaf bytes).
Hash leaf_hash(std::string_view leaf_bytes);

// RFC 6962 interior node hash: SHA-256(0x01 || left || right).
Hash node_hash(const Hash& left, const Hash& right);

// Lowercase hex, as every hash in the contract is written.
std::string to_hex(std::span<const std::uint8_t> bytes);

// Parses exactly 64 lowercase hex digits; anything else is nullopt.
std::optional<Hash> hash_from_hex(std::string_view hex);

}  // namespace vinledger
