// Signed-note parsing and verification. Properties: a parsed note formats to
// bytes that parse back to the same note, and to the input itself when no
// signature line was repeated; verification calls a note malformed exactly
// when parsing refuses it, and on success reports the parsed text; every
// signature is either verified or listed as unverified, never both.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "trusted_keys.h"
#include "vinledger/signed_note.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  const std::string_view text = vinledger::fuzz::as_text(data, size);

  auto note = vinledger::parse_signed_note(text);
  auto verification = vinledger::verify_note(text, vinledger::fuzz::trusted_note_keys());
  require(note.has_value() == (verification.outcome != vinledger::NoteOutcome::malformed));
  if (!note) return 0;

  require(vinledger::check_note_text(note->text).has_value());
  auto formatted = vinledger::format_signed_note(*note);
  require(formatted.has_value());
  auto reparsed = vinledger::parse_signed_note(*formatted);
  require(reparsed.has_value());
  require(reparsed->text == note->text && reparsed->signatures == note->signatures);

  std::string joined = note->text + "\n";
  for (const auto& signature : note->signatures) joined += signature.line();
  if (joined.size() == text.size()) require(*formatted == text);

  if (verification.ok()) {
    require(verification.text == note->text);
    require(!verification.verified.empty());
    require(verification.verified.size() + verification.unverified.size() <= note->signatures.size());
  }
  return 0;
}
