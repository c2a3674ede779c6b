// Strict JSON parser and RFC 8785 output. Properties: whatever the strict
// parser accepts can be canonicalised; the canonical bytes parse back to an
// equal value; canonicalising them again changes nothing.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "vinledger/canonical_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  auto value = vinledger::parse_strict_json(vinledger::fuzz::as_text(data, size));
  if (!value) return 0;
  auto canonical = vinledger::canonical_json(*value);
  require(canonical.has_value());
  auto reparsed = vinledger::parse_strict_json(*canonical);
  require(reparsed.has_value());
  require(*reparsed == *value);
  auto again = vinledger::canonical_json(*reparsed);
  require(again.has_value() && *again == *canonical);
  return 0;
}
