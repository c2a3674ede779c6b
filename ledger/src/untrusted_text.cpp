#include "vinledger/untrusted_text.h"

#include <cstdint>

#include "utf8.h"

namespace vinledger {
namespace {

constexpr char kLowerHexDigits[] = "0123456789abcdef";

void append_hex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out.push_back(kLowerHexDigits[(value >> shift) & 0xF]);
}

std::string escaped(std::string_view text, std::size_t max_chars, bool escape_quotes) {
  std::string out;
  std::size_t shown = 0;
  for (std::size_t pos = 0; pos < text.size(); ++shown) {
    if (shown == max_chars) {
      out += "...";
      break;
    }
    const std::size_t length = utf8::sequence_length(text, pos);
    if (length == 0) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(text[pos]), 2);
      ++pos;
      continue;
    }
    const char32_t code_point = utf8::decode(text, pos, length);
    if (is_hidden_or_control(code_point)) {
      out += "\\u";
      append_hex(out, static_cast<std::uint32_t>(code_point), 4);
    } else if (escape_quotes && (code_point == '"' || code_point == '\\')) {
      out.push_back('\\');
      out.push_back(static_cast<char>(code_point));
    } else {
      out.append(text, pos, length);
    }
    pos += length;
  }
  return out;
}

}  // namespace

bool is_hidden_or_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
         cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

std::string code_point_label(char32_t code_point) {
  std::string label = "U+";
  append_hex(label, static_cast<std::uint32_t>(code_point), code_point > 0xFFFF ? 6 : 4);
  for (char& c : label)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  return label;
}

std::optional<std::string> hidden_or_control_in(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = utf8::sequence_length(text, pos);
    if (length == 0) {
      ++pos;
      continue;
    }
    const char32_t code_point = utf8::decode(text, pos, length);
    if (is_hidden_or_control(code_point)) return code_point_label(code_point);
    pos += length;
  }
  return std::nullopt;
}

std::string escape_untrusted(std::string_view text, std::size_t max_chars) { return escaped(text, max_chars, false); }

std::string quote_untrusted(std::string_view text, std::size_t max_chars) {
  return "\"" + escaped(text, max_chars, true) + "\"";
}

std::string quote_party_id(std::string_view id) { return "'" + escaped(id, kMaxQuotedChars, true) + "'"; }

}  // namespace vinledger
