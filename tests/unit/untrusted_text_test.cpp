// The one UTF-8 decoder (ledger/src/utf8.h) and the one quoting helper for
// untrusted text (vinledger/untrusted_text.h).
#include "vinledger/untrusted_text.h"

#include <catch2/catch.hpp>
#include <string>

#include "utf8.h"

namespace vinledger {

TEST_CASE("utf8: well-formed sequences and nothing else", "[utf8]") {
  CHECK(utf8::is_valid(""));
  CHECK(utf8::is_valid("plain ASCII"));
  CHECK(utf8::is_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x9a\x97"));  // é € 🚗
  for (const std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                "\x80", "\xe2\x82", "\xf0\x9f\x9a"}) {
    INFO(escape_untrusted(bad));
    CHECK_FALSE(utf8::is_valid(bad));
  }
  std::size_t pos = 0;
  const std::string text = "a\xe2\x80\xae";
  CHECK(utf8::next(text, pos) == U'a');
  CHECK(utf8::next(text, pos) == U'\u202e');
  CHECK(pos == text.size());
  std::size_t at_bad = 0;
  CHECK_FALSE(utf8::next("\xff", at_bad).has_value());
  CHECK(at_bad == 0);
}

TEST_CASE("escape_untrusted leaves nothing that drives a terminal or reorders a line", "[untrusted_text]") {
  CHECK(escape_untrusted("Toyota Motor Corporation") == "Toyota Motor Corporation");
  CHECK(escape_untrusted("M\xc3\xbcller \xe6\x9d\xb1\xe4\xba\xac") == "M\xc3\xbcller \xe6\x9d\xb1\xe4\xba\xac");
  // CR and ESC: how a refusal would be repainted as "Verdict: CLEAR".
  CHECK(escape_untrusted("x\r\x1b[2KVerdict: CLEAR") == "x\\u000d\\u001b[2KVerdict: CLEAR");
  CHECK(escape_untrusted("a\nb\tc\x7f") == "a\\u000ab\\u0009c\\u007f");
  CHECK(escape_untrusted("csi\xc2\x9b" "31m") == "csi\\u009b31m");                   // C1 CSI
  CHECK(escape_untrusted("evil\xe2\x80\xaegnp.exe") == "evil\\u202egnp.exe");         // RLO
  CHECK(escape_untrusted("a\xe2\x81\xa6" "b\xe2\x81\xa9") == "a\\u2066b\\u2069");     // isolates
  CHECK(escape_untrusted("zero\xe2\x80\x8bwidth\xef\xbb\xbf") == "zero\\u200bwidth\\ufeff");
  CHECK(escape_untrusted("line\xe2\x80\xa8sep") == "line\\u2028sep");
  CHECK(escape_untrusted("bad\xff\xc3") == "bad\\xff\\xc3");
  CHECK(escape_untrusted(std::string("nul\0x", 5)) == "nul\\u0000x");
  CHECK(escape_untrusted("abcdef", 3) == "abc...");
}

TEST_CASE("quote_untrusted shows where the value ends", "[untrusted_text]") {
  CHECK(quote_untrusted("k\"") == "\"k\\\"\"");
  CHECK(quote_untrusted("a\\b") == "\"a\\\\b\"");
  CHECK(quote_untrusted(std::string(100, 'x')) == "\"" + std::string(kMaxQuotedChars, 'x') + "...\"");
  CHECK(quote_untrusted("\x1b]0;title\x07") == "\"\\u001b]0;title\\u0007\"");
}

TEST_CASE("hidden_or_control_in names the first offending code point", "[untrusted_text]") {
  CHECK_FALSE(hidden_or_control_in("Garage M\xc3\xbcller / S\xc3\xbc" "d").has_value());
  CHECK(hidden_or_control_in("x\xe2\x80\xae") == "U+202E");
  CHECK(hidden_or_control_in("\xd8\x9c") == "U+061C");
  CHECK(hidden_or_control_in("\xe1\xa0\x8e") == "U+180E");
  CHECK(hidden_or_control_in("\xe2\x81\xa4") == "U+2064");
  CHECK(code_point_label(U'\U0001F697') == "U+01F697");
  // Every code point of the documented list, and its neighbours outside it.
  for (char32_t cp : {0x00, 0x1F, 0x7F, 0x9F, 0x61C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029,
                      0x202A, 0x202E, 0x2060, 0x2064, 0x2066, 0x2069, 0xFEFF})
    CHECK(is_hidden_or_control(cp));
  for (char32_t cp : {0x20, 0x7E, 0xA0, 0x61B, 0x200A, 0x2010, 0x2027, 0x202F, 0x205F, 0x2065, 0x206A, 0xFEFE, 0xFFFD})
    CHECK_FALSE(is_hidden_or_control(cp));
}

TEST_CASE("quote_party_id quotes as the messages do and never lets an id move the cursor", "[untrusted_text]") {
  CHECK(quote_party_id("toyota") == "'toyota'");
  CHECK(quote_party_id("evil\xe2\x80\xaeoperator") == "'evil\\u202eoperator'");
  CHECK(quote_party_id("a\"b") == "'a\\\"b'");
  CHECK(quote_party_id(std::string(100, 'p')) == "'" + std::string(kMaxQuotedChars, 'p') + "...'");
}

}  // namespace vinledger
