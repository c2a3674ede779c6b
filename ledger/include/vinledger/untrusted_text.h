// Untrusted text (a file's contents, a bundle's members, a key name, a
// party's name as it was stored) shown to people, and the characters that
// may never hide in a stored text field. One unit, so that every message and
// every table escapes the same characters the same way: a hostile value can
// neither break a line, move the cursor, nor reorder what a terminal shows.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vinledger {

// Characters escaped whenever untrusted text is shown, and refused in every
// stored text field (docs/format.md "Statements" lists them):
//   U+0000-U+001F, U+007F-U+009F   C0 controls, DEL, C1 controls
//   U+061C, U+200E, U+200F          bidirectional marks (ALM, LRM, RLM)
//   U+202A-U+202E, U+2066-U+2069    bidirectional embeddings, overrides, isolates
//   U+2028, U+2029                  line and paragraph separators
//   U+180E, U+200B-U+200D, U+2060-U+2064, U+FEFF   zero-width and invisible characters
bool is_hidden_or_control(char32_t code_point);

// "U+202E": how messages name a code point.
std::string code_point_label(char32_t code_point);

// The first character of `text` that is_hidden_or_control, as a label
// ("U+202E"), or nullopt if there is none. Invalid UTF-8 is not judged
// here (every text field is checked for it first).
std::optional<std::string> hidden_or_control_in(std::string_view text);

inline constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);
// Untrusted values quoted in a message are cut to this many characters.
inline constexpr std::size_t kMaxQuotedChars = 64;

// `text` made safe to print on one line: every is_hidden_or_control
// character as \uXXXX, every byte that is not well-formed UTF-8 as \xNN,
// everything else as it is; cut after `max_chars` characters with "...".
std::string escape_untrusted(std::string_view text, std::size_t max_chars = kNoLimit);

// `text` for a message: in double quotes, escaped as escape_untrusted, with
// '"' and '\' escaped too (so the quotes say where it ends), cut after
// `max_chars` characters.
std::string quote_untrusted(std::string_view text, std::size_t max_chars = kMaxQuotedChars);

// A party id in a message, in single quotes as docs/format.md's messages
// print them ('toyota'), escaped and cut as quote_untrusted: ids are checked
// where they are parsed, but a message never trusts that it was.
std::string quote_party_id(std::string_view id);

}  // namespace vinledger
