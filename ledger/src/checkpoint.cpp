#include "vinledger/checkpoint.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "vinledger/encoding.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {


std::string line_label(std::size_t number, std::string_view what) {
  return "checkpoint line " + std::to_string(number) + " (" + std::string(what) + ")";
}

// Splits a body that ends in '\n' into its lines, refusing to look past the
// limit on extension lines.
Result<std::vector<std::string_view>> split_body_lines(std::string_view body) {
  std::vector<std::string_view> lines;
  constexpr std::size_t kMaxLines = 3 + kMaxCheckpointExtensionLines;
  while (!body.empty()) {
    if (lines.size() == kMaxLines) {
      return invalid_input("checkpoint has more than " + std::to_string(kMaxCheckpointExtensionLines) +
                           " extension lines");
    }
    const std::size_t end = body.find('\n');
    lines.push_back(body.substr(0, end));
    body.remove_prefix(end + 1);
  }
  return lines;
}

Result<std::uint64_t> parse_size_line(std::string_view line) {
  const std::optional<std::uint64_t> size = parse_strict_decimal(line);
  if (!size) {
    return invalid_input(line_label(2, "tree size") +
                         ": expected a decimal number with no sign or leading zeros, at most 2^64 - 1");
  }
  return *size;
}

Result<Hash> parse_root_line(std::string_view line) {
  const std::optional<std::vector<std::uint8_t>> bytes = base64_decode(line);
  if (!bytes) return invalid_input(line_label(3, "root hash") + ": not strict standard base64 (RFC 4648, padded)");
  Hash root;
  if (bytes->size() != root.size()) {
    return invalid_input(line_label(3, "root hash") + ": decodes to " + std::to_string(bytes->size()) +
                         " bytes; a SHA-256 root hash is 32");
  }
  std::copy(bytes->begin(), bytes->end(), root.begin());
  return root;
}

Result<std::vector<std::string>> parse_extension_lines(std::span<const std::string_view> lines) {
  std::vector<std::string> extensions;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) return invalid_input(line_label(4 + i, "extension") + ": extension lines must not be empty");
    extensions.emplace_back(lines[i]);
  }
  return extensions;
}

Status check_body_bytes(std::string_view body) {
  if (body.size() > kMaxCheckpointBodyBytes) {
    return invalid_input("checkpoint body is " + std::to_string(body.size()) + " bytes; the limit is " +
                         std::to_string(kMaxCheckpointBodyBytes));
  }
  if (Status text = check_note_text(body); !text) {
    return invalid_input("checkpoint body: " + text.error().message);
  }
  return {};
}

bool signed_by(const NoteVerification& note, const VerifierKey& key) {
  return std::any_of(note.verified.begin(), note.verified.end(), [&](const VerifiedSignature& s) {
    return s.signature_type == kEd25519SignatureType && s.key_id == key.key_id() && s.name == key.name();
  });
}

std::vector<VerifiedSignature> without_log_signature(std::vector<VerifiedSignature> verified,
                                                     const VerifierKey& log_key) {
  std::erase_if(verified, [&](const VerifiedSignature& s) {
    return s.signature_type == kEd25519SignatureType && s.key_id == log_key.key_id() && s.name == log_key.name();
  });
  return verified;
}

}  // namespace

Status check_checkpoint_origin(std::string_view origin) {
  if (origin.empty()) return invalid_input("checkpoint origin is empty");
  if (origin.find('\n') != std::string_view::npos) return invalid_input("checkpoint origin contains a newline");
  if (Status text = check_note_text(std::string(origin) + "\n"); !text) {
    return invalid_input("checkpoint origin: " + text.error().message);
  }
  return {};
}

Result<Checkpoint> parse_checkpoint_body(std::string_view body) {
  if (Status bytes = check_body_bytes(body); !bytes) return std::unexpected(bytes.error());
  Result<std::vector<std::string_view>> lines = split_body_lines(body);
  if (!lines) return std::unexpected(lines.error());
  if (lines->size() < 3) {
    return invalid_input("checkpoint body has " + std::to_string(lines->size()) +
                         " lines; it needs origin, tree size and root hash");
  }
  Checkpoint checkpoint;
  if ((*lines)[0].empty()) return invalid_input(line_label(1, "origin") + ": origin is empty");
  checkpoint.origin = std::string((*lines)[0]);

  Result<std::uint64_t> size = parse_size_line((*lines)[1]);
  if (!size) return std::unexpected(size.error());
  checkpoint.size = *size;

  Result<Hash> root = parse_root_line((*lines)[2]);
  if (!root) return std::unexpected(root.error());
  checkpoint.root = *root;

  Result<std::vector<std::string>> extensions = parse_extension_lines(std::span(*lines).subspan(3));
  if (!extensions) return std::unexpected(extensions.error());
  checkpoint.extensions = std::move(*extensions);
  return checkpoint;
}

Result<std::string> format_checkpoint_body(const Checkpoint& checkpoint) {
  if (Status origin = check_checkpoint_origin(checkpoint.origin); !origin) return std::unexpected(origin.error());
  for (const std::string& extension : checkpoint.extensions) {
    if (extension.empty() || extension.find('\n') != std::string::npos) {
      return invalid_input("checkpoint extension lines must be non-empty and hold no newline");
    }
  }
  std::string body =
      checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" + base64_encode(checkpoint.root) + "\n";
  for (const std::string& extension : checkpoint.extensions) body += extension + "\n";
  // Parsing what was written is the one sure way to write only what parses.
  Result<Checkpoint> parsed = parse_checkpoint_body(body);
  if (!parsed) return invalid_input("cannot format the checkpoint: " + parsed.error().message);
  return body;
}

Result<std::string> sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key, std::string_view key_name) {
  Result<std::string> body = format_checkpoint_body(checkpoint);
  if (!body) return std::unexpected(body.error());
  return sign_note(*body, key, key_name);
}

Result<NoteSignature> cosign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key, std::string_view name,
                                        std::uint64_t timestamp) {
  Result<std::string> body = format_checkpoint_body(checkpoint);
  if (!body) return std::unexpected(body.error());
  return cosign_note_text(*body, key, name, timestamp);
}

Result<UnverifiedCheckpoint> parse_unverified_checkpoint(std::string_view signed_checkpoint) {
  Result<SignedNote> note = parse_signed_note(signed_checkpoint);
  if (!note) return invalid_input("malformed signed checkpoint: " + note.error().message);
  Result<Checkpoint> checkpoint = parse_checkpoint_body(note->text);
  if (!checkpoint) return std::unexpected(checkpoint.error());
  return UnverifiedCheckpoint{std::move(*checkpoint), std::move(*note)};
}

Result<VerifiedCheckpoint> open_checkpoint(std::string_view signed_checkpoint, std::string_view origin,
                                           const VerifierKey& trusted_log_key, std::span<const TrustedKey> witnesses) {
  // The key endorsements are read before any signature is checked: each is
  // verified on its own, from the trusted key on, and the key they lead to
  // must then sign the whole note.
  Result<UnverifiedCheckpoint> unverified = parse_unverified_checkpoint(signed_checkpoint);
  if (!unverified) return invalid_input("checkpoint: " + unverified.error().message);
  Result<std::vector<KeyEndorsement>> chain = read_key_endorsements(unverified->checkpoint.extensions, origin);
  if (!chain) return std::unexpected(chain.error());
  Result<VerifierKey> signer = follow_key_endorsements(*chain, trusted_log_key);
  if (!signer) return invalid_input("checkpoint: " + signer.error().message);
  const VerifierKey& log_key = *signer;
  std::vector<TrustedKey> trusted{log_key};
  trusted.insert(trusted.end(), witnesses.begin(), witnesses.end());
  // The text means nothing until a trusted key has vouched for it, so the
  // signatures are checked before the body is read.
  Result<NoteVerification> note = open_note(signed_checkpoint, trusted);
  if (!note) return invalid_input("checkpoint: " + note.error().message);
  if (!signed_by(*note, log_key)) {
    return invalid_input("checkpoint is not signed by the log key " + escape_untrusted(log_key.text()));
  }
  Result<Checkpoint> checkpoint = parse_checkpoint_body(note->text);
  if (!checkpoint) return std::unexpected(checkpoint.error());
  if (checkpoint->origin != origin) {
    return invalid_input("checkpoint origin " + quote_untrusted(checkpoint->origin) + " is not the expected " +
                         quote_untrusted(origin));
  }
  return VerifiedCheckpoint{std::move(*checkpoint), std::move(note->text), log_key.text(),
                            without_log_signature(std::move(note->verified), log_key), std::move(note->unverified)};
}

}  // namespace vinledger
