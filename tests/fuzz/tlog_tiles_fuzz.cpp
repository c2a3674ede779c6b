// What a tiled log's client and a witness read from the network: tile
// paths, entry bundles, hash tiles, add-checkpoint bodies and answers.
// Properties: a path that parses is written back byte for byte (one
// spelling per resource); a bundle that decodes encodes back to the input;
// an add-checkpoint body that parses formats back to the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "vinledger/tlog_tiles.h"
#include "vinledger/witness_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  const std::string_view text = vinledger::fuzz::as_text(data, size);

  if (auto address = vinledger::parse_tile_path(text)) {
    require(vinledger::tile_path(*address) == text);
    require(address->width >= 1 && address->width <= vinledger::kFullTileWidth);
    require(!address->entries || address->level == 0);
  }

  // The input as a bundle of each count it could hold.
  for (std::uint64_t count : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{256}}) {
    if (auto entries = vinledger::decode_entry_bundle(text, count)) {
      require(entries->size() == count);
      bool empty = false;
      for (const auto& entry : *entries) empty = empty || entry.empty();
      if (!empty) {
        auto again = vinledger::encode_entry_bundle(*entries);
        require(again.has_value() && *again == text);
      }
    }
  }
  if (size % 32 == 0) require(vinledger::decode_hash_tile(text, size / 32).has_value());

  if (auto request = vinledger::parse_add_checkpoint(text)) {
    require(vinledger::format_add_checkpoint(*request) == text);
    require(request->proof.size() <= vinledger::kMaxAddCheckpointProofLines);
  }
  for (int status : {200, 409, 422})
    (void)vinledger::read_add_checkpoint_answer(status, status == 409 ? "text/x.tlog.size" : "text/plain", text);
  return 0;
}
