// tlog-proof parsing. Properties: a parsed proof formats back to the input
// byte for byte and parses back to an equal proof; its inclusion proof has
// the length RFC 6962 gives for its index and its checkpoint's size; its
// checkpoint is a well-formed signed checkpoint.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vinledger/checkpoint.h"
#include "vinledger/merkle.h"
#include "vinledger/tlog_proof.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  const std::string_view text = vinledger::fuzz::as_text(data, size);

  auto proof = vinledger::parse_tlog_proof(text);
  if (!proof) return 0;
  auto formatted = vinledger::format_tlog_proof(*proof);
  require(formatted.has_value() && *formatted == text);
  auto reparsed = vinledger::parse_tlog_proof(*formatted);
  require(reparsed.has_value() && *reparsed == *proof);

  auto checkpoint = vinledger::parse_unverified_checkpoint(proof->checkpoint);
  require(checkpoint.has_value());
  require(proof->index < checkpoint->checkpoint.size);
  require(proof->inclusion_proof.size() ==
          vinledger::inclusion_proof_length(proof->index, checkpoint->checkpoint.size));
  return 0;
}
