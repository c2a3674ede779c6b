// Standard base64 with padding (RFC 4648 section 4), strict both ways, and
// the hex and decimal spellings the C2SP formats use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vinledger {

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view bytes);

// Refuses anything that base64_encode would not have produced: missing or
// extra padding, whitespace, characters outside the alphabet, non-zero
// trailing bits. Signatures and keys are compared by their bytes, so a
// lenient decoder would let two spellings of one value through.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

// A 32-bit value as exactly 8 lowercase hex digits (signed-note key ids),
// and back. The parser takes only that spelling: a key id compares by its
// text, so a second spelling of one value must not parse.
std::string hex32_encode(std::uint32_t value);
std::optional<std::uint32_t> hex32_decode(std::string_view hex);

// ASCII decimal as the C2SP formats write it: digits only, no sign, no
// leading zeros (except "0"), at most 2^64 - 1.
std::optional<std::uint64_t> parse_strict_decimal(std::string_view text);

}  // namespace vinledger
