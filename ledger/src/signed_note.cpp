#include "vinledger/signed_note.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "utf8.h"
#include "vinledger/encoding.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

// Em dash (U+2014) and a space: how every signature line starts.
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr std::size_t kKeyIdBytes = 4;
constexpr std::size_t kTimestampBytes = 8;
constexpr std::size_t kEd25519SignatureBytes = 64;

// ---- Small text helpers ----------------------------------------------------

std::size_t line_number_at(std::string_view text, std::size_t offset) {
  return 1 +
         static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string line_label(std::size_t line_number) { return "line " + std::to_string(line_number); }

std::string byte_label(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02x", byte);
  return buffer;
}

// The signed-note byte rules: valid UTF-8, no control character but '\n'.
Status check_note_bytes(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[pos]);
    if (byte < 0x20 && byte != '\n') {
      return invalid_input(line_label(line_number_at(bytes, pos)) + ": control character " + byte_label(byte) +
                           " (a signed note may contain no control character but newline)");
    }
    const std::size_t length = utf8::sequence_length(bytes, pos);
    if (length == 0) return invalid_input(line_label(line_number_at(bytes, pos)) + ": invalid UTF-8");
    pos += length;
  }
  return {};
}

Status check_note_size(std::size_t size) {
  if (size <= kMaxNoteBytes) return {};
  return invalid_input("the note is " + std::to_string(size) + " bytes; the limit is " + std::to_string(kMaxNoteBytes));
}

// ---- Big-endian integers ---------------------------------------------------

template <class Int>
void append_big_endian(std::vector<std::uint8_t>& out, Int value) {
  for (int shift = 8 * (static_cast<int>(sizeof(Int)) - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

template <class Int>
Int read_big_endian(std::span<const std::uint8_t> bytes) {
  Int value = 0;
  for (std::size_t i = 0; i < sizeof(Int); ++i) value = static_cast<Int>(value << 8 | bytes[i]);
  return value;
}

// ---- Signature lines -------------------------------------------------------

Result<NoteSignature> parse_signature_line(std::string_view line, std::size_t line_number) {
  const std::string where = line_label(line_number);
  if (line.size() > kMaxSignatureLineBytes) {
    return invalid_input(where + ": signature line is " + std::to_string(line.size()) + " bytes; the limit is " +
                         std::to_string(kMaxSignatureLineBytes));
  }
  if (!line.starts_with(kSignaturePrefix)) {
    return invalid_input(where + ": expected a signature line \"— <key name> <base64 signature>\"");
  }
  line.remove_prefix(kSignaturePrefix.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return invalid_input(where + ": no space between key name and signature");
  const std::string_view name = line.substr(0, space);
  if (!is_c2sp_key_name(name)) {
    return invalid_input(where + ": key name " + quote_untrusted(name) +
                         " is empty or contains a space, '+' or a control character");
  }
  std::optional<std::vector<std::uint8_t>> bytes = base64_decode(line.substr(space + 1));
  if (!bytes) return invalid_input(where + ": signature is not strict standard base64 (RFC 4648, padded)");
  if (bytes->size() <= kKeyIdBytes) {
    return invalid_input(where + ": signature holds " + std::to_string(bytes->size()) +
                         " bytes; it needs a 4-byte key id and a signature");
  }
  NoteSignature signature;
  signature.name = std::string(name);
  signature.key_id = read_big_endian<std::uint32_t>(*bytes);
  signature.signature.assign(bytes->begin() + kKeyIdBytes, bytes->end());
  return signature;
}

// Reads the block after the blank line; identical lines are kept once.
Status parse_signature_block(std::string_view block, std::size_t first_line_number, std::vector<NoteSignature>& out) {
  if (block.empty()) return invalid_input(line_label(first_line_number) + ": no signature lines after the blank line");
  if (block.back() != '\n') {
    return invalid_input(
        line_label(first_line_number + static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n'))) +
        ": the last signature line does not end in a newline");
  }
  std::unordered_set<std::string_view> seen;
  std::size_t line_number = first_line_number;
  std::size_t count = 0;
  while (!block.empty()) {
    const std::size_t end = block.find('\n');
    const std::string_view line = block.substr(0, end);
    block.remove_prefix(end + 1);
    if (++count > kMaxNoteSignatures) {
      return invalid_input(line_label(line_number) + ": more than " + std::to_string(kMaxNoteSignatures) +
                           " signature lines");
    }
    Result<NoteSignature> signature = parse_signature_line(line, line_number);
    if (!signature) return std::unexpected(signature.error());
    if (seen.insert(line).second) out.push_back(std::move(*signature));
    ++line_number;
  }
  return {};
}

// ---- Verification ----------------------------------------------------------

std::string_view trusted_name(const TrustedKey& key) {
  return std::visit([](const auto& k) -> std::string_view { return k.name(); }, key);
}

std::uint32_t trusted_key_id(const TrustedKey& key) {
  return std::visit([](const auto& k) { return k.key_id(); }, key);
}

std::string key_label(std::string_view name, std::uint32_t key_id) {
  return std::string(name) + "+" + hex32_encode(key_id);
}

std::vector<const TrustedKey*> keys_matching(std::span<const TrustedKey> trusted, const NoteSignature& signature) {
  std::vector<const TrustedKey*> matches;
  for (const TrustedKey& key : trusted) {
    if (trusted_key_id(key) == signature.key_id && trusted_name(key) == signature.name) matches.push_back(&key);
  }
  return matches;
}

std::optional<VerifiedSignature> verify_with(const VerifierKey& key, std::string_view text,
                                             const NoteSignature& signature) {
  if (!key.verify(text, signature.signature)) return std::nullopt;
  return VerifiedSignature{signature.name, signature.key_id, kEd25519SignatureType, 0};
}

std::optional<VerifiedSignature> verify_with(const CosignerKey& key, std::string_view text,
                                             const NoteSignature& signature) {
  const std::span<const std::uint8_t> bytes = signature.signature;
  if (bytes.size() != kTimestampBytes + kEd25519SignatureBytes) return std::nullopt;
  const auto timestamp = read_big_endian<std::uint64_t>(bytes);
  if (!key.verify(text, timestamp, bytes.subspan(kTimestampBytes))) return std::nullopt;
  return VerifiedSignature{signature.name, signature.key_id, kCosignatureV1SignatureType, timestamp};
}

bool already_verified(const std::vector<VerifiedSignature>& verified, const NoteSignature& signature) {
  return std::any_of(verified.begin(), verified.end(), [&](const VerifiedSignature& v) {
    return v.key_id == signature.key_id && v.name == signature.name;
  });
}

NoteVerification failed(NoteVerification result, NoteOutcome outcome, std::string message) {
  result.outcome = outcome;
  result.message = std::move(message);
  return result;
}

}  // namespace

// ---- Notes -----------------------------------------------------------------

std::string NoteSignature::line() const {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(kKeyIdBytes + signature.size());
  append_big_endian(bytes, key_id);
  bytes.insert(bytes.end(), signature.begin(), signature.end());
  return std::string(kSignaturePrefix) + name + " " + base64_encode(bytes) + "\n";
}

Status check_note_text(std::string_view text) {
  if (Status size = check_note_size(text.size()); !size) return size;
  if (text.empty() || text.back() != '\n') return invalid_input("note text must end in a newline");
  return check_note_bytes(text);
}

Result<SignedNote> parse_signed_note(std::string_view note) {
  if (Status size = check_note_size(note.size()); !size) return std::unexpected(size.error());
  if (Status bytes = check_note_bytes(note); !bytes) return std::unexpected(bytes.error());
  // The text may hold blank lines; the signatures start after the last one.
  const std::size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return invalid_input("no blank line separates the note text from its signatures");
  }
  SignedNote parsed;
  parsed.text = std::string(note.substr(0, split + 1));
  const std::size_t first_signature_line = line_number_at(note, split) + 2;
  if (Status block = parse_signature_block(note.substr(split + 2), first_signature_line, parsed.signatures); !block) {
    return std::unexpected(block.error());
  }
  return parsed;
}

Result<std::string> format_signed_note(const SignedNote& note) {
  if (Status text = check_note_text(note.text); !text) return std::unexpected(text.error());
  std::string out = note.text + "\n";
  for (const NoteSignature& signature : note.signatures) out += signature.line();
  // Parsing what was written is the one sure way to write only what parses.
  Result<SignedNote> parsed = parse_signed_note(out);
  if (!parsed) return invalid_input("cannot format the signed note: " + parsed.error().message);
  if (parsed->text != note.text || parsed->signatures != note.signatures) {
    return invalid_input(
        "cannot format the signed note: a signature is repeated, or the text contains a signature block");
  }
  return out;
}

Result<NoteSignature> sign_note_text(std::string_view text, const SigningKey& key, std::string_view name) {
  if (Status valid = check_note_text(text); !valid) return std::unexpected(valid.error());
  if (!is_c2sp_key_name(name)) return invalid_input("invalid key name " + quote_untrusted(name));
  const SignatureBytes signature = key.sign(text);
  return NoteSignature{std::string(name), key_id_for(name, key.public_key()), {signature.begin(), signature.end()}};
}

Result<std::string> sign_note(std::string_view text, const SigningKey& key, std::string_view name) {
  Result<NoteSignature> signature = sign_note_text(text, key, name);
  if (!signature) return std::unexpected(signature.error());
  return format_signed_note(SignedNote{std::string(text), {std::move(*signature)}});
}

// ---- Cosignatures ----------------------------------------------------------

Result<NoteSignature> cosign_note_text(std::string_view checkpoint_body, const SigningKey& key, std::string_view name,
                                       std::uint64_t timestamp) {
  if (Status valid = check_note_text(checkpoint_body); !valid) return std::unexpected(valid.error());
  if (!is_c2sp_key_name(name)) return invalid_input("invalid key name " + quote_untrusted(name));
  if (timestamp > kMaxCosignatureTimestamp) {
    return invalid_input("cosignature timestamp " + std::to_string(timestamp) + " exceeds 2^63 - 1");
  }
  const SignatureBytes signature = key.sign(cosignature_message(checkpoint_body, timestamp));
  NoteSignature cosignature{std::string(name), cosigner_key_id_for(name, key.public_key()), {}};
  append_big_endian(cosignature.signature, timestamp);
  cosignature.signature.insert(cosignature.signature.end(), signature.begin(), signature.end());
  return cosignature;
}

// ---- Verification ----------------------------------------------------------

std::string_view to_string(NoteOutcome outcome) {
  switch (outcome) {
    case NoteOutcome::ok: return "ok";
    case NoteOutcome::malformed: return "malformed";
    case NoteOutcome::no_verifiable_signatures: return "no_verifiable_signatures";
    case NoteOutcome::invalid_signature: return "invalid_signature";
    case NoteOutcome::ambiguous_key: return "ambiguous_key";
  }
  return "unknown";
}

NoteVerification verify_note(std::string_view note, std::span<const TrustedKey> trusted) {
  NoteVerification result;
  Result<SignedNote> parsed = parse_signed_note(note);
  if (!parsed) {
    return failed(std::move(result), NoteOutcome::malformed, "malformed signed note: " + parsed.error().message);
  }
  result.text = std::move(parsed->text);

  for (NoteSignature& signature : parsed->signatures) {
    const std::vector<const TrustedKey*> matches = keys_matching(trusted, signature);
    if (matches.empty()) {
      result.unverified.push_back(std::move(signature));
      continue;
    }
    const std::string key = key_label(signature.name, signature.key_id);
    if (matches.size() > 1) {
      return failed(std::move(result), NoteOutcome::ambiguous_key,
                    "ambiguous key " + key + ": " + std::to_string(matches.size()) +
                        " trusted keys have this name and id");
    }
    const std::optional<VerifiedSignature> verified =
        std::visit([&](const auto& k) { return verify_with(k, result.text, signature); }, *matches.front());
    if (!verified) {
      return failed(std::move(result), NoteOutcome::invalid_signature, "invalid signature by trusted key " + key);
    }
    if (!already_verified(result.verified, signature)) result.verified.push_back(*verified);
  }
  if (result.verified.empty()) {
    return failed(std::move(result), NoteOutcome::no_verifiable_signatures,
                  "no signature is from a trusted key (" + std::to_string(result.unverified.size()) +
                      " from unknown keys)");
  }
  result.outcome = NoteOutcome::ok;
  return result;
}

Result<NoteVerification> open_note(std::string_view note, std::span<const TrustedKey> trusted) {
  NoteVerification verification = verify_note(note, trusted);
  if (!verification.ok()) return invalid_input(std::move(verification.message));
  return verification;
}

}  // namespace vinledger
