// Evidence bundles, as `verify-bundle` reads them. The seeds are real bundles
// (fixtures/fuzz/verify_bundle/) proved by a ledger whose operator key is the
// fixed seed below, so mutations reach past the checkpoint signature into
// the proofs, chains and statement signatures. Properties: a bundle that
// verifies also parses, keeps its VIN, and its events are in seq order; a
// parsed bundle formats to a document that parses to the same bundle; a
// refusal always names why.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vinledger/bundle.h"
#include "vinledger/keys.h"

namespace {

// The operator key of the ledger the seeds came from (origin
// fuzz.vinledger.example); test material, not a secret.
constexpr std::array<std::uint8_t, 32> kOperatorSeed = {
    0xc6, 0x36, 0x4d, 0x06, 0x75, 0x1a, 0xe9, 0x8b, 0x19, 0x26, 0x2d, 0xff, 0x6d, 0x9d, 0x5b, 0x3b,
    0xf2, 0xdd, 0x25, 0x4a, 0xd3, 0x55, 0xf3, 0x58, 0x19, 0x33, 0x1e, 0x34, 0xd3, 0xc9, 0xea, 0xe9};

const vinledger::BundleTrust& trust() {
  static const vinledger::BundleTrust trust{
      vinledger::SigningKey::from_seed(kOperatorSeed).verifier("fuzz.vinledger.example"), {}, 0, {}};
  return trust;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  const std::string_view text = vinledger::fuzz::as_text(data, size);

  auto parsed = vinledger::parse_bundle(text);
  if (parsed) {
    auto reparsed = vinledger::parse_bundle(vinledger::format_bundle(*parsed));
    require(reparsed.has_value() && vinledger::format_bundle(*reparsed) == vinledger::format_bundle(*parsed));
  }

  auto verified = vinledger::verify_bundle(text, trust());
  if (verified) {
    require(parsed.has_value());
    require(verified->vin == parsed->vin);
    for (std::size_t i = 1; i < verified->events.size(); ++i)
      require(verified->events[i - 1].seq < verified->events[i].seq);
  } else {
    require(!verified.error().reason.empty());
  }
  return 0;
}
