// Checkpoint bodies and signed checkpoints. The input is tried both as a
// body and as a signed checkpoint. Properties: a parsed body formats back to
// the input byte for byte (the format is strict, so there is one spelling);
// an unverified parse agrees with the note and body parsers; a checkpoint
// that opens under sum.golang.org's key has that origin and that body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "trusted_keys.h"
#include "vinledger/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  const std::string_view text = vinledger::fuzz::as_text(data, size);

  if (auto body = vinledger::parse_checkpoint_body(text)) {
    auto formatted = vinledger::format_checkpoint_body(*body);
    require(formatted.has_value() && *formatted == text);
    require(vinledger::check_checkpoint_origin(body->origin).has_value());
  }

  auto unverified = vinledger::parse_unverified_checkpoint(text);
  if (unverified) {
    auto note = vinledger::parse_signed_note(text);
    require(note.has_value() && note->text == unverified->note.text);
    auto body = vinledger::parse_checkpoint_body(note->text);
    require(body.has_value() && *body == unverified->checkpoint);
  }

  static const auto log_key = vinledger::VerifierKey::parse(vinledger::fuzz::kSumGolangOrgKey);
  auto opened = vinledger::open_checkpoint(text, vinledger::fuzz::kSumGolangOrgOrigin, *log_key);
  if (opened) {
    require(unverified.has_value());
    require(opened->checkpoint == unverified->checkpoint);
    require(opened->checkpoint.origin == vinledger::fuzz::kSumGolangOrgOrigin);
    require(opened->body == unverified->note.text);
  }
  return 0;
}
