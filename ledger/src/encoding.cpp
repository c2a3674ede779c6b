#include "vinledger/encoding.h"

#include <array>
#include <cstdint>
#include <cstdio>

namespace vinledger {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kPad = '=';
constexpr int kNotInAlphabet = -1;

constexpr std::array<int, 256> make_decode_table() {
  std::array<int, 256> table{};
  table.fill(kNotInAlphabet);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}
constexpr std::array<int, 256> kDecodeTable = make_decode_table();

int sextet(char c) { return kDecodeTable[static_cast<unsigned char>(c)]; }

// Decodes one 4-character group holding `data_chars` (2, 3 or 4) alphabet
// characters followed by padding. The bits below the last whole byte must be
// zero: otherwise several spellings would decode to the same bytes.
bool decode_group(std::string_view group, int data_chars, std::vector<std::uint8_t>& out) {
  std::uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) {
    int value = 0;
    if (i < data_chars) {
      value = sextet(group[i]);
      if (value == kNotInAlphabet) return false;
    } else if (group[i] != kPad) {
      return false;
    }
    bits = bits << 6 | static_cast<std::uint32_t>(value);
  }
  const int byte_count = data_chars - 1;  // 4 -> 3, 3 -> 2, 2 -> 1
  const std::uint32_t unused_bits = bits & ((1u << (8 * (3 - byte_count))) - 1);
  if (unused_bits != 0) return false;
  for (int i = 0; i < byte_count; ++i) {
    out.push_back(static_cast<std::uint8_t>(bits >> (16 - 8 * i)));
  }
  return true;
}

// How many characters of the final group carry data: an encoder pads only as
// "xx==" or "xxx=". Any other '=' lands in a data slot and is refused there.
int data_chars_in_last_group(std::string_view group) {
  if (group[3] != kPad) return 4;
  if (group[2] != kPad) return 3;
  return 2;
}

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t bits = std::uint32_t{bytes[i]} << 16 | std::uint32_t{bytes[i + 1]} << 8 | bytes[i + 2];
    out.push_back(kAlphabet[bits >> 18 & 63]);
    out.push_back(kAlphabet[bits >> 12 & 63]);
    out.push_back(kAlphabet[bits >> 6 & 63]);
    out.push_back(kAlphabet[bits & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t bits = std::uint32_t{bytes[i]} << 16;
    out.push_back(kAlphabet[bits >> 18 & 63]);
    out.push_back(kAlphabet[bits >> 12 & 63]);
    out.append(2, kPad);
  } else if (rest == 2) {
    const std::uint32_t bits = std::uint32_t{bytes[i]} << 16 | std::uint32_t{bytes[i + 1]} << 8;
    out.push_back(kAlphabet[bits >> 18 & 63]);
    out.push_back(kAlphabet[bits >> 12 & 63]);
    out.push_back(kAlphabet[bits >> 6 & 63]);
    out.push_back(kPad);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t start = 0; start < text.size(); start += 4) {
    const std::string_view group = text.substr(start, 4);
    const bool last = start + 4 == text.size();
    const int data_chars = last ? data_chars_in_last_group(group) : 4;
    if (!decode_group(group, data_chars, out)) return std::nullopt;
  }
  return out;
}

std::string hex32_encode(std::uint32_t value) {
  char buffer[9];
  std::snprintf(buffer, sizeof buffer, "%08x", static_cast<unsigned>(value));
  return buffer;
}

std::optional<std::uint32_t> hex32_decode(std::string_view hex) {
  if (hex.size() != 8) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : hex) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<std::uint32_t>(digit);
  }
  return value;
}

std::optional<std::uint64_t> parse_strict_decimal(std::string_view text) {
  constexpr std::size_t kMaxDigits = 20;  // 2^64 - 1 has 20 digits
  if (text.empty() || text.size() > kMaxDigits) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace vinledger
