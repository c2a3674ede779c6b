// Verifier-key parsing, for both key types (0x01 note signer, 0x04
// cosigner). Properties: an accepted key's canonical text is the input
// itself (nothing is trimmed or normalised), rebuilding the key from its
// name and public key gives the same text, and its key id is the one
// computed from name and key.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz_check.h"
#include "vinledger/keys.h"
#include "vinledger/signed_note.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  const std::string_view text = vinledger::fuzz::as_text(data, size);

  if (auto key = vinledger::VerifierKey::parse(text)) {
    require(key->text() == text);
    require(vinledger::is_valid_key_name(key->name()));
    require(key->key_id() == vinledger::key_id_for(key->name(), key->public_key()));
    require(vinledger::VerifierKey::from_public_key(key->name(), key->public_key()) == *key);
  }
  if (auto key = vinledger::CosignerKey::parse(text)) {
    require(key->text() == text);
    require(key->key_id() == vinledger::cosigner_key_id_for(key->name(), key->public_key()));
    require(vinledger::CosignerKey::from_public_key(key->name(), key->public_key()) == *key);
  }
  // parse_trusted_key picks the parser by type byte: it must agree with them.
  if (auto trusted = vinledger::parse_trusted_key(text)) {
    const bool as_signer = std::holds_alternative<vinledger::VerifierKey>(*trusted);
    require(as_signer ? vinledger::VerifierKey::parse(text).has_value()
                      : vinledger::CosignerKey::parse(text).has_value());
  }
  return 0;
}
