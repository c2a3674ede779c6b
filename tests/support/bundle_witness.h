// Test helper: what a witness does to a bundle's checkpoint, done directly
// with checkpoint.h (the `witness` command is built elsewhere).
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "vinledger/checkpoint.h"
#include "vinledger/tlog_proof.h"

namespace vinledger::testing {

struct Witness {
  SigningKey key = SigningKey::generate();
  std::string name;
  CosignerKey vkey() const { return CosignerKey::from_public_key(name, key.public_key()); }
};

// `bundle_text` with a cosignature by each witness added to the checkpoint
// of every proof.
inline std::string cosign_bundle(const std::string& bundle_text, const std::vector<const Witness*>& witnesses,
                                 std::uint64_t timestamp = 1700000000) {
  auto bundle = nlohmann::json::parse(bundle_text);
  auto first = parse_tlog_proof(bundle["entries"][0]["tlog_proof"].get<std::string>());
  REQUIRE(first);
  auto checkpoint = parse_unverified_checkpoint(first->checkpoint);
  REQUIRE(checkpoint);
  for (const Witness* witness : witnesses) {
    auto cosignature = cosign_checkpoint(checkpoint->checkpoint, witness->key, witness->name, timestamp);
    REQUIRE(cosignature);
    checkpoint->note.signatures.push_back(*cosignature);
  }
  auto note = format_signed_note(checkpoint->note);
  REQUIRE(note);
  if (bundle.contains("checkpoint")) bundle["checkpoint"] = *note;  // v2
  for (const char* list : {"entries", "parties"})
    for (auto& item : bundle[list]) {
      auto proof = parse_tlog_proof(item["tlog_proof"].get<std::string>());
      REQUIRE(proof);
      proof->checkpoint = *note;
      auto text = format_tlog_proof(*proof);
      REQUIRE(text);
      item["tlog_proof"] = *text;
    }
  return bundle.dump(2) + "\n";
}

}  // namespace vinledger::testing
