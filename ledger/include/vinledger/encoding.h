// Standard base64 with padding (RFC 4648 section 4), strict both ways.
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

}  // namespace vinledger
