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

// Parses one JSON text. Refuses, with the byte offset in the message:
// syntax errors, trailing content, numbers with a fraction or exponent,
// integers beyond +-(2^53 - 1) (they would not survive JCS's IEEE-754
// number model), duplicate object keys, invalid UTF-8, lone surrogates
// in \u escapes, and nesting deeper than kMaxJsonDepth.
Result<nlohmann::json> parse_strict_json(std::string_view text);

// RFC 8785 canonical bytes of `value`: object members sorted by their names'
// UTF-16 code units, no whitespace, JCS string escaping, integers in decimal.
// Refuses floating-point values and integers beyond +-(2^53 - 1).
Result<std::string> canonical_json(const nlohmann::json& value);

// Appends the canonical bytes of `value` to `out`; the same checks apply.
Status append_canonical_json(const nlohmann::json& value, std::string& out);

}  // namespace vinledger
