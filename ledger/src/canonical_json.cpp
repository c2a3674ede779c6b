// Strict JSON input and RFC 8785 (JCS) canonical output.
//
// Input goes through nlohmann's SAX parser with our own DOM builder, so each
// forbidden construct is refused the moment it is seen, with the byte offset.
// Output is written by hand: nlohmann's dump() neither sorts by UTF-16 code
// units nor escapes strings the way ECMAScript's JSON.stringify does.

#include "vinledger/canonical_json.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "utf8.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

using json = nlohmann::json;

// JCS numbers are IEEE-754 doubles; beyond this an integer may not survive.
constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;
constexpr std::size_t kMaxDepth = static_cast<std::size_t>(kMaxJsonDepth);

// Echoed input is cut to about this many characters in error messages.
constexpr std::size_t kMaxEchoedChars = 40;

constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";
constexpr char kLowerHexDigits[] = "0123456789abcdef";

using utf8::decode;
using utf8::is_continuation_byte;
using utf8::is_valid;
using utf8::sequence_length;

void append_hex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
    out.push_back(kLowerHexDigits[(value >> shift) & 0xF]);
  }
}

// ---------------------------------------------------------------------------
// Echoing untrusted text in error messages (vinledger/untrusted_text.h)

std::string echo(std::string_view text) {
  return escape_untrusted(text, kMaxEchoedChars);
}

// Like echo(), but keeps the end of `text`: where a lexer error was found.
std::string echo_tail(std::string_view text) {
  constexpr std::size_t kTailBytes = kMaxEchoedChars;
  if (text.size() <= kTailBytes) return echo(text);
  std::size_t start = text.size() - kTailBytes;
  while (start < text.size() &&
         is_continuation_byte(static_cast<unsigned char>(text[start]))) {
    ++start;
  }
  return "..." + echo(text.substr(start));
}

std::string invalid_json_message(std::size_t offset, std::string_view reason) {
  std::string message = "invalid JSON at byte ";
  message += std::to_string(offset);
  message += ": ";
  message += reason;
  return message;
}

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at
// line 1, column 4: syntax error while parsing value - invalid literal; last
// read: 'tru,'". Keep the reason; re-echo the token, which may hold raw
// bytes of any kind and be as long as the input.
std::string readable_syntax_error(std::string_view what,
                                  std::string_view last_token) {
  if (const auto p = what.find("] "); p != std::string_view::npos) {
    what.remove_prefix(p + 2);
  }
  if (what.starts_with("parse error")) {
    if (const auto p = what.find(": "); p != std::string_view::npos) {
      what.remove_prefix(p + 2);
    }
  }
  constexpr std::string_view kLastRead = "; last read: ";
  const auto last_read = what.find(kLastRead);
  std::string reason(what.substr(0, last_read));
  if (last_read != std::string_view::npos) {
    reason += "; last read: '";
    reason += echo_tail(last_token);
    reason += "'";
  }
  return reason;
}

// ---------------------------------------------------------------------------
// Strict parsing

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_number_char(char c) {
  return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' ||
         c == 'E';
}

bool is_json_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_whitespace(std::string_view text, std::size_t i) {
  while (i < text.size() && is_json_whitespace(text[i])) ++i;
  return i;
}

// End of the integer token at text[start], which the parser has accepted.
// nlohmann stops "01" after the "0", so a leading zero ends the token.
std::size_t integer_token_end(std::string_view text, std::size_t start) {
  std::size_t i = start;
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') return i + 1;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i;
}

// A byte iterator that counts how far nlohmann's lexer has read: SAX events
// carry no positions, and error messages must name the byte offset.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* position, std::size_t* consumed)
      : position_(position), consumed_(consumed) {}

  reference operator*() const { return *position_; }
  CountingIterator& operator++() {
    ++position_;
    ++*consumed_;
    return *this;
  }
  bool operator==(const CountingIterator& other) const {
    return position_ == other.position_;
  }

 private:
  const char* position_;
  std::size_t* consumed_;
};

// Builds the DOM from nlohmann's SAX events with an explicit stack of open
// containers, refusing what the contract forbids as soon as it is seen.
//
// `consumed` is the number of bytes the lexer has read. When an event
// arrives the lexer has just finished that token: after a string it stands
// after the closing quote, after '[' or '{' right after the bracket, after a
// number one byte further (it reads a look-ahead byte) unless the number
// ends the input.
class StrictDomBuilder {
 public:
  StrictDomBuilder(std::string_view text, const std::size_t& consumed)
      : text_(text), consumed_(consumed) {}

  bool null() { return add(json(nullptr)); }
  bool boolean(bool value) { return add(json(value)); }
  bool string(json::string_t& value) { return add(json(std::move(value))); }

  bool number_integer(json::number_integer_t value) {
    const bool safe = value >= -static_cast<std::int64_t>(kMaxSafeInteger) &&
                      value <= static_cast<std::int64_t>(kMaxSafeInteger);
    return safe ? add(json(value)) : refuse_number();
  }
  bool number_unsigned(json::number_unsigned_t value) {
    return value <= kMaxSafeInteger ? add(json(value)) : refuse_number();
  }
  // Also reached by integers too large for 64 bits.
  bool number_float(json::number_float_t, const json::string_t&) {
    return refuse_number();
  }
  bool binary(json::binary_t&) {
    return refuse(consumed_, "binary values are not JSON");
  }

  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& name);

  bool parse_error(std::size_t position, const std::string& last_token,
                   const json::exception& ex);

  json& root() { return root_; }
  Error& error() { return error_; }

 private:
  json* place(json&& value);
  bool add(json&& value) {
    place(std::move(value));
    return true;
  }
  bool open(json&& container);
  bool close() {
    open_.pop_back();
    return true;
  }
  bool refuse(std::size_t offset, std::string_view reason) {
    error_ = Error{ErrorKind::invalid_input,
                   invalid_json_message(offset, reason)};
    return false;
  }
  bool refuse_number();
  std::size_t string_token_start() const;

  std::string_view text_;
  const std::size_t& consumed_;
  json root_;
  std::vector<json*> open_;          // innermost open container last
  json* member_slot_ = nullptr;      // value slot of the latest object key
  Error error_{ErrorKind::internal, "no error"};
};

// Puts `value` where the current context expects the next value. Pointers to
// open containers stay valid: an array only grows while no child is open.
json* StrictDomBuilder::place(json&& value) {
  if (open_.empty()) {
    root_ = std::move(value);
    return &root_;
  }
  json& parent = *open_.back();
  if (parent.is_array()) {
    auto& elements = parent.get_ref<json::array_t&>();
    elements.push_back(std::move(value));
    return &elements.back();
  }
  *member_slot_ = std::move(value);
  return member_slot_;
}

bool StrictDomBuilder::open(json&& container) {
  if (open_.size() == kMaxDepth) {
    return refuse(consumed_ - 1, "nesting deeper than " +
                                     std::to_string(kMaxJsonDepth) +
                                     " levels");
  }
  open_.push_back(place(std::move(container)));
  return true;
}

bool StrictDomBuilder::key(json::string_t& name) {
  auto& members = open_.back()->get_ref<json::object_t&>();
  // try_emplace leaves `name` intact when the key exists; we echo it then.
  const auto [slot, inserted] = members.try_emplace(std::move(name));
  if (!inserted) {
    return refuse(string_token_start(),
                  "duplicate object key " + quote_untrusted(name, kMaxEchoedChars));
  }
  member_slot_ = &slot->second;
  return true;
}

// Refuses the number token just read: a float, or an integer beyond
// +-(2^53 - 1). Numbers end in a digit, so a last byte that is not one is the
// lexer's look-ahead. (Only "0" and "-0" can be followed by a digit, and they
// are never refused.)
bool StrictDomBuilder::refuse_number() {
  std::size_t end = consumed_;
  if (end > 0 && !is_digit(text_[end - 1])) --end;
  std::size_t start = end;
  while (start > 0 && is_number_char(text_[start - 1])) --start;
  const std::string_view token = text_.substr(start, end - start);
  if (token.find_first_of(".eE") != std::string_view::npos) {
    return refuse(start, "floats are not allowed (found " + echo(token) + ")");
  }
  return refuse(start,
                "integer " + echo(token) + " is beyond +-(2^53-1)");
}

// Offset of the opening quote of the string token just read. Inside a
// string a quote is always escaped, i.e. preceded by an odd number of
// backslashes.
std::size_t StrictDomBuilder::string_token_start() const {
  std::size_t i = consumed_ - 1;  // the closing quote
  while (i > 0) {
    --i;
    if (text_[i] != '"') continue;
    std::size_t backslashes = 0;
    while (backslashes < i && text_[i - 1 - backslashes] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) return i;
  }
  return 0;
}

bool StrictDomBuilder::parse_error(std::size_t position,
                                   const std::string& last_token,
                                   const json::exception& ex) {
  constexpr int kNumberOverflow = 406;  // e.g. 1e400, or a 400-digit integer
  if (ex.id == kNumberOverflow) return refuse_number();
  // `position` counts bytes read, including the one where the error showed.
  const std::size_t offset = position > 0 ? position - 1 : 0;
  // nlohmann takes a NUL byte between tokens for the end of the input.
  if (offset < text_.size() && text_[offset] == '\0') {
    return refuse(offset, "unexpected NUL byte");
  }
  return refuse(offset, readable_syntax_error(ex.what(), last_token));
}

// Offset of the first non-whitespace byte after the top-level value, if any.
// nlohmann's own end-of-input check is not used: it stops at a NUL byte.
std::optional<std::size_t> trailing_content(std::string_view text,
                                            std::size_t consumed,
                                            const json& root) {
  std::size_t value_end = consumed;
  if (root.is_number()) {
    // The lexer may have read a byte past the number; find its real end.
    value_end = integer_token_end(text, skip_whitespace(text, 0));
  }
  const std::size_t next = skip_whitespace(text, value_end);
  if (next == text.size()) return std::nullopt;
  return next;
}

// ---------------------------------------------------------------------------
// Canonical output

// Bytes copied into a canonical string as they are: printable ASCII other
// than the quote and the backslash.
bool is_plain_ascii(unsigned char byte) {
  return byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\';
}

// Index of the first byte at or after `i` that is not plain ASCII, or
// s.size(). Tests eight bytes at a time (the classic "has zero byte" bit
// tricks): strings are mostly plain ASCII and this loop dominates the cost.
std::size_t skip_plain_ascii(std::string_view s, std::size_t i) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kHighBits = 0x8080808080808080;
    const auto has_zero_byte = [](std::uint64_t x) {
      return (x - kOnes) & ~x & kHighBits;
    };
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof word);
      // A borrow carries only out of a special byte into the byte above it,
      // so a spurious flag sits above a true one: the lowest flag marks the
      // first special byte.
      const std::uint64_t special =
          ((word - kOnes * 0x20) & ~word & kHighBits) |  // below 0x20
          has_zero_byte(word ^ (kOnes * '"')) |
          has_zero_byte(word ^ (kOnes * '\\')) |
          (word & kHighBits);  // non-ASCII
      if (special != 0) {
        return i + static_cast<std::size_t>(std::countr_zero(special)) / 8;
      }
    }
  }
  while (i < s.size() && is_plain_ascii(static_cast<unsigned char>(s[i]))) {
    ++i;
  }
  return i;
}

// ECMAScript JSON.stringify escaping, which RFC 8785 section 3.2.2.2 adopts.
void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':  out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default:
      out += "\\u00";
      append_hex(out, c, 2);
  }
}

// The code point's UTF-16 code units, the first in the high half and the
// second (if any) in the low half: integer order is code-unit order.
std::uint32_t utf16_units(char32_t cp) {
  if (cp < 0x10000) return static_cast<std::uint32_t>(cp) << 16;
  const std::uint32_t offset = static_cast<std::uint32_t>(cp) - 0x10000;
  return ((0xD800 + (offset >> 10)) << 16) | (0xDC00 + (offset & 0x3FF));
}

// Compares two valid UTF-8 strings as arrays of UTF-16 code units. Equal
// leading bytes are equal leading code points in both encodings, so only
// the first differing code point matters.
bool utf16_less(std::string_view a, std::string_view b) {
  const auto [a_diff, b_diff] =
      std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  if (b_diff == b.end()) return false;  // b is a prefix of a, or equal
  if (a_diff == a.end()) return true;   // a is a proper prefix of b
  std::size_t i = static_cast<std::size_t>(a_diff - a.begin());
  while (i > 0 && is_continuation_byte(static_cast<unsigned char>(a[i]))) --i;
  const char32_t a_cp = decode(a, i, sequence_length(a, i));
  const char32_t b_cp = decode(b, i, sequence_length(b, i));
  return utf16_units(a_cp) < utf16_units(b_cp);
}

// std::map keeps names in UTF-8 byte order, which is code point order.
// UTF-16 order differs only where one name's first differing character is
// in U+E000..U+FFFF (UTF-8 lead byte 0xEE or 0xEF) and the other's is above
// U+FFFF (lead byte 0xF0..0xF4): its surrogate 0xD800..0xDBFF sorts first.
// Below U+E000 both orders agree, so the map order stands unless both kinds
// of lead byte occur among the names. Continuation bytes are below 0xC0, and
// invalid bytes at worst cause a needless check.
bool map_order_may_differ_from_utf16(const json::object_t& members) {
  bool has_e000_to_ffff = false;
  bool has_above_ffff = false;
  for (const auto& member : members) {
    for (const char c : member.first) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0xF0) {
        has_above_ffff = true;
      } else if (byte >= 0xEE) {
        has_e000_to_ffff = true;
      }
    }
    if (has_e000_to_ffff && has_above_ffff) return true;
  }
  return false;
}

// Writes canonical bytes to `out`. On refusal it records the reason and, as
// the recursion unwinds, the JSON Pointer of the refused value.
class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string& out) : out_(out) {}

  bool write(const json& value, std::size_t depth);
  Error error() const;

 private:
  bool write_unsigned(std::uint64_t value);
  bool write_signed(std::int64_t value);
  bool write_string(std::string_view s);
  bool write_array(const json::array_t& elements, std::size_t depth);
  bool write_object(const json::object_t& members, std::size_t depth);
  bool write_member(bool first, const std::string& name, const json& value,
                    std::size_t depth);
  bool refuse(std::string reason) {
    reason_ = std::move(reason);
    return false;
  }

  std::string& out_;
  std::string reason_;
  std::vector<std::string> path_;  // innermost segment first
};

bool CanonicalWriter::write(const json& value, std::size_t depth) {
  switch (value.type()) {
    case json::value_t::null:
      out_ += "null";
      return true;
    case json::value_t::boolean:
      out_ += *value.get_ptr<const json::boolean_t*>() ? "true" : "false";
      return true;
    case json::value_t::number_integer:
      return write_signed(*value.get_ptr<const json::number_integer_t*>());
    case json::value_t::number_unsigned:
      return write_unsigned(*value.get_ptr<const json::number_unsigned_t*>());
    case json::value_t::number_float:
      return refuse("floats are not allowed");
    case json::value_t::string:
      return write_string(*value.get_ptr<const json::string_t*>());
    case json::value_t::array:
      return write_array(*value.get_ptr<const json::array_t*>(), depth);
    case json::value_t::object:
      return write_object(*value.get_ptr<const json::object_t*>(), depth);
    case json::value_t::binary:
      return refuse("binary values are not JSON");
    case json::value_t::discarded:
      return refuse("discarded values are not JSON");
  }
  return refuse("unknown value type");
}

Error CanonicalWriter::error() const {
  std::string message = "cannot canonicalize JSON";
  if (!path_.empty()) {
    message += " at ";
    for (auto segment = path_.rbegin(); segment != path_.rend(); ++segment) {
      message += *segment;
    }
  }
  message += ": ";
  message += reason_;
  return Error{ErrorKind::invalid_input, std::move(message)};
}

bool CanonicalWriter::write_unsigned(std::uint64_t value) {
  if (value > kMaxSafeInteger) {
    return refuse("integer " + std::to_string(value) +
                  " is beyond +-(2^53-1)");
  }
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out_.append(digits, end);
  return true;
}

bool CanonicalWriter::write_signed(std::int64_t value) {
  if (value >= 0) return write_unsigned(static_cast<std::uint64_t>(value));
  // Negate in unsigned arithmetic: -INT64_MIN overflows int64_t.
  const std::uint64_t magnitude = 0 - static_cast<std::uint64_t>(value);
  if (magnitude > kMaxSafeInteger) {
    return refuse("integer " + std::to_string(value) +
                  " is beyond +-(2^53-1)");
  }
  out_.push_back('-');
  return write_unsigned(magnitude);
}

// Copies runs of plain bytes in one go; escapes what JSON.stringify escapes;
// checks every multi-byte sequence, as the output must be valid UTF-8.
bool CanonicalWriter::write_string(std::string_view s) {
  out_.push_back('"');
  std::size_t pending = 0;  // first byte not yet copied to out_
  std::size_t i = 0;
  while ((i = skip_plain_ascii(s, i)) < s.size()) {
    const auto byte = static_cast<unsigned char>(s[i]);
    if (byte < 0x80) {
      out_.append(s, pending, i - pending);
      append_escape(out_, byte);
      pending = ++i;
      continue;
    }
    const std::size_t length = sequence_length(s, i);
    if (length == 0) {
      return refuse("string is not valid UTF-8 (byte 0x" +
                    std::string{kLowerHexDigits[byte >> 4],
                                kLowerHexDigits[byte & 0xF]} +
                    " at offset " + std::to_string(i) + ")");
    }
    i += length;
  }
  out_.append(s, pending, s.size() - pending);
  out_.push_back('"');
  return true;
}

bool CanonicalWriter::write_array(const json::array_t& elements,
                                  std::size_t depth) {
  if (depth == kMaxDepth) {
    return refuse("nesting deeper than " + std::to_string(kMaxJsonDepth) +
                  " levels");
  }
  out_.push_back('[');
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out_.push_back(',');
    if (!write(elements[i], depth + 1)) {
      path_.push_back("/" + std::to_string(i));
      return false;
    }
  }
  out_.push_back(']');
  return true;
}

bool CanonicalWriter::write_object(const json::object_t& members,
                                   std::size_t depth) {
  if (depth == kMaxDepth) {
    return refuse("nesting deeper than " + std::to_string(kMaxJsonDepth) +
                  " levels");
  }
  out_.push_back('{');
  bool first = true;
  // utf16_less() needs valid UTF-8; an invalid name is refused when the map
  // order reaches it.
  const bool sort = map_order_may_differ_from_utf16(members) &&
                    std::all_of(members.begin(), members.end(),
                                [](const auto& m) { return is_valid(m.first); });
  if (sort) {
    std::vector<const json::object_t::value_type*> sorted;
    sorted.reserve(members.size());
    for (const auto& member : members) sorted.push_back(&member);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      return utf16_less(a->first, b->first);
    });
    for (const auto* member : sorted) {
      if (!write_member(first, member->first, member->second, depth)) {
        return false;
      }
      first = false;
    }
  } else {
    for (const auto& [name, value] : members) {
      if (!write_member(first, name, value, depth)) return false;
      first = false;
    }
  }
  out_.push_back('}');
  return true;
}

// JSON Pointer (RFC 6901) segment for a member name, echoed safely.
std::string pointer_segment(std::string_view name) {
  std::string segment = "/";
  for (const char c : echo(name)) {
    if (c == '~') {
      segment += "~0";
    } else if (c == '/') {
      segment += "~1";
    } else {
      segment.push_back(c);
    }
  }
  return segment;
}

bool CanonicalWriter::write_member(bool first, const std::string& name,
                                   const json& value, std::size_t depth) {
  if (!first) out_.push_back(',');
  bool written = write_string(name);
  if (written) {
    out_.push_back(':');
    written = write(value, depth + 1);
  }
  if (!written) path_.push_back(pointer_segment(name));
  return written;
}

}  // namespace

Result<json> parse_strict_json(std::string_view text) {
  if (text.starts_with(kUtf8ByteOrderMark)) {
    return invalid_input(
        invalid_json_message(0, "a byte order mark is not allowed"));
  }
  std::size_t consumed = 0;
  StrictDomBuilder builder(text, consumed);
  const CountingIterator first(text.data(), &consumed);
  const CountingIterator last(text.data() + text.size(), &consumed);
  const bool parsed = json::sax_parse(first, last, &builder,
                                      json::input_format_t::json,
                                      /*strict=*/false);
  if (!parsed) return std::unexpected(std::move(builder.error()));
  if (const auto offset = trailing_content(text, consumed, builder.root())) {
    return invalid_input(
        invalid_json_message(*offset, "trailing content after the value"));
  }
  return std::move(builder.root());
}

Result<std::string> canonical_json(const json& value) {
  std::string out;
  if (auto status = append_canonical_json(value, out); !status) {
    return std::unexpected(std::move(status.error()));
  }
  return out;
}

Status append_canonical_json(const json& value, std::string& out) {
  const std::size_t original_size = out.size();
  CanonicalWriter writer(out);
  if (writer.write(value, 0)) return {};
  out.resize(original_size);  // leave nothing half-written
  return std::unexpected(writer.error());
}

}  // namespace vinledger
