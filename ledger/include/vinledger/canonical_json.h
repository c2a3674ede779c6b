// Strict JSON input and RFC 8785 (JCS) canonical output, for the contract's
// value subset: strings, integers, booleans, null, arrays and objects.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinledger/result.h"

namespace vinledger {

// Deepest nesting of arrays and objects accepted; statements need three.
inline constexpr int kMaxJsonDepth = 32;

// Parses one JSON text. Refuses, with ErrorKind::invalid_input and a
// one-line message "invalid JSON at byte N: <reason>" (N counts from 0):
// syntax errors, trailing content, numbers with a fraction or exponent
// (even 1.0 and 1e2), integers beyond +-(2^53 - 1) (they would not survive
// JCS's IEEE-754 number model), duplicate object keys (after unescaping),
// invalid UTF-8, lone or mis-ordered surrogates in \u escapes, NUL bytes
// outside escapes, a byte order mark, and nesting deeper than
// kMaxJsonDepth. "-0" is read as the integer 0.
Result<nlohmann::json> parse_strict_json(std::string_view text);

// RFC 8785 canonical bytes of `value`: object members sorted by their names'
// UTF-16 code units, no whitespace, JCS string escaping, integers in decimal.
// Refuses, with ErrorKind::invalid_input and the JSON Pointer of the culprit:
// floating-point values, integers beyond +-(2^53 - 1), strings or names that
// are not valid UTF-8, binary values, and nesting deeper than kMaxJsonDepth.
Result<std::string> canonical_json(const nlohmann::json& value);

// Appends the canonical bytes of `value` to `out`; the same checks apply.
// On refusal `out` is left as it was.
Status append_canonical_json(const nlohmann::json& value, std::string& out);

}  // namespace vinledger
