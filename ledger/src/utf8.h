// UTF-8 (RFC 3629), decoded in one place: the JSON parser and writer, key
// names, signed notes and the quoting of untrusted text all read it here,
// so "well-formed" means the same everywhere.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace vinledger::utf8 {

// Length of the well-formed UTF-8 sequence at text[pos], or 0 if there is
// none there: RFC 3629 section 4, so no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. Never
// reads past the end of `text`; pos must be < text.size().
std::size_t sequence_length(std::string_view text, std::size_t pos);

// The code point of a sequence sequence_length() accepted (length > 0).
char32_t decode(std::string_view text, std::size_t pos, std::size_t length);

// Decodes the sequence at text[pos] and moves pos past it; nullopt (pos
// unchanged) if it is not well-formed.
std::optional<char32_t> next(std::string_view text, std::size_t& pos);

// True if every byte of `text` belongs to a well-formed sequence.
bool is_valid(std::string_view text);

inline bool is_continuation_byte(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace vinledger::utf8
