#include "utf8.h"

namespace vinledger::utf8 {

std::size_t sequence_length(std::string_view text, std::size_t pos) {
  const auto byte_in = [&](std::size_t k, unsigned lo, unsigned hi) {
    if (pos + k >= text.size()) return false;
    const auto byte = static_cast<unsigned char>(text[pos + k]);
    return byte >= lo && byte <= hi;
  };
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;  // a continuation byte, or an overlong lead
  if (lead < 0xE0) return byte_in(1, 0x80, 0xBF) ? 2 : 0;
  if (lead < 0xF0) {
    const unsigned lo = lead == 0xE0 ? 0xA0 : 0x80;  // overlong below U+0800
    const unsigned hi = lead == 0xED ? 0x9F : 0xBF;  // surrogates D800..DFFF
    return byte_in(1, lo, hi) && byte_in(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (lead < 0xF5) {
    const unsigned lo = lead == 0xF0 ? 0x90 : 0x80;  // overlong below U+10000
    const unsigned hi = lead == 0xF4 ? 0x8F : 0xBF;  // above U+10FFFF
    return byte_in(1, lo, hi) && byte_in(2, 0x80, 0xBF) && byte_in(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

char32_t decode(std::string_view text, std::size_t pos, std::size_t length) {
  const auto byte = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(text[pos + k])); };
  switch (length) {
    case 1: return byte(0);
    case 2: return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3: return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    default:
      return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
  }
}

std::optional<char32_t> next(std::string_view text, std::size_t& pos) {
  const std::size_t length = sequence_length(text, pos);
  if (length == 0) return std::nullopt;
  const char32_t code_point = decode(text, pos, length);
  pos += length;
  return code_point;
}

bool is_valid(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = sequence_length(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

}  // namespace vinledger::utf8
