#include "vinledger/tlog_proof.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "vinledger/checkpoint.h"
#include "vinledger/encoding.h"
#include "vinledger/merkle.h"
#include "vinledger/signed_note.h"

namespace vinledger {
namespace {

constexpr std::string_view kExtraPrefix = "extra ";
constexpr std::string_view kIndexPrefix = "index ";
constexpr std::size_t kMaxExtraBase64Chars = (kMaxTlogProofExtraBytes + 2) / 3 * 4;
// Everything before the checkpoint is bounded line by line; this only stops
// a parser from starting on input that cannot be a proof.
constexpr std::size_t kMaxTlogProofBytes = kMaxNoteBytes + kMaxExtraBase64Chars + 64 * 1024;

std::string line_label(std::size_t number) { return "tlog-proof line " + std::to_string(number); }

// Hands out the lines of a text one at a time, counting them.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : rest_(text) {}

  // The next line without its newline, or nullopt if no complete line is
  // left (a final line without a newline is not a line).
  std::optional<std::string_view> next() {
    const std::size_t end = rest_.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view line = rest_.substr(0, end);
    rest_.remove_prefix(end + 1);
    ++line_number_;
    return line;
  }

  // The number of the line next() returned last; 0 before the first.
  std::size_t line_number() const { return line_number_; }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
  std::size_t line_number_ = 0;
};

Result<std::string_view> expect_line(LineCursor& lines, std::string_view what) {
  std::optional<std::string_view> line = lines.next();
  if (!line) {
    return invalid_input(line_label(lines.line_number() + 1) + ": expected " + std::string(what) +
                         ", found the end of the proof or a line with no newline");
  }
  return *line;
}

Status parse_header(LineCursor& lines) {
  Result<std::string_view> line = expect_line(lines, "the header line");
  if (!line) return std::unexpected(line.error());
  if (*line != kTlogProofHeader) {
    return invalid_input(line_label(1) + ": expected \"" + std::string(kTlogProofHeader) + "\"");
  }
  return {};
}

Result<std::vector<std::uint8_t>> parse_extra(std::string_view payload, std::size_t line_number) {
  if (payload.empty()) {
    return invalid_input(line_label(line_number) + ": \"extra\" line without data; omit the line when there is none");
  }
  if (payload.size() > kMaxExtraBase64Chars) {
    return invalid_input(line_label(line_number) + ": extra data is longer than the limit of " +
                         std::to_string(kMaxTlogProofExtraBytes) + " bytes");
  }
  std::optional<std::vector<std::uint8_t>> extra = base64_decode(payload);
  if (!extra) {
    return invalid_input(line_label(line_number) + ": extra data is not strict standard base64 (RFC 4648, padded)");
  }
  return std::move(*extra);
}

Result<std::uint64_t> parse_index(std::string_view line, std::size_t line_number) {
  if (!line.starts_with(kIndexPrefix)) {
    return invalid_input(line_label(line_number) + ": expected \"index <n>\"" +
                         (line_number == 2 ? " or \"extra <base64>\"" : ""));
  }
  const std::optional<std::uint64_t> index = parse_strict_decimal(line.substr(kIndexPrefix.size()));
  if (!index) {
    return invalid_input(line_label(line_number) +
                         ": index must be a decimal number with no sign or leading zeros, at most 2^64 - 1");
  }
  return *index;
}

// The optional extra line, then the index line.
Status parse_extra_and_index(LineCursor& lines, TlogProof& proof) {
  Result<std::string_view> line = expect_line(lines, "\"index <n>\" or \"extra <base64>\"");
  if (!line) return std::unexpected(line.error());
  if (line->starts_with(kExtraPrefix)) {
    Result<std::vector<std::uint8_t>> extra = parse_extra(line->substr(kExtraPrefix.size()), lines.line_number());
    if (!extra) return std::unexpected(extra.error());
    proof.extra = std::move(*extra);
    line = expect_line(lines, "\"index <n>\"");
    if (!line) return std::unexpected(line.error());
  }
  Result<std::uint64_t> index = parse_index(*line, lines.line_number());
  if (!index) return std::unexpected(index.error());
  proof.index = *index;
  return {};
}

Result<Hash> parse_hash_line(std::string_view line, std::size_t line_number) {
  const std::optional<std::vector<std::uint8_t>> bytes = base64_decode(line);
  Hash hash;
  if (!bytes || bytes->size() != hash.size()) {
    return invalid_input(line_label(line_number) +
                         ": expected a proof hash (32 bytes in strict standard base64) or the empty line before the "
                         "checkpoint");
  }
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  return hash;
}

// Proof hashes up to and including the empty line.
Status parse_inclusion_proof(LineCursor& lines, TlogProof& proof) {
  for (;;) {
    Result<std::string_view> line = expect_line(lines, "a proof hash or the empty line before the checkpoint");
    if (!line) return std::unexpected(line.error());
    if (line->empty()) return {};
    if (proof.inclusion_proof.size() == kMaxInclusionProofHashes) {
      return invalid_input(line_label(lines.line_number()) + ": more than " + std::to_string(kMaxInclusionProofHashes) +
                           " proof hashes");
    }
    Result<Hash> hash = parse_hash_line(*line, lines.line_number());
    if (!hash) return std::unexpected(hash.error());
    proof.inclusion_proof.push_back(*hash);
  }
}

// The checkpoint must be well-formed and agree with the index and the number
// of proof hashes; its signatures are checked later, by open_checkpoint.
Status check_checkpoint(std::string_view checkpoint, std::size_t first_line, const TlogProof& proof) {
  const std::string where = "tlog-proof checkpoint (from line " + std::to_string(first_line) + ")";
  Result<UnverifiedCheckpoint> parsed = parse_unverified_checkpoint(checkpoint);
  if (!parsed) return invalid_input(where + ": " + parsed.error().message);
  const std::uint64_t size = parsed->checkpoint.size;
  if (proof.index >= size) {
    return invalid_input(where + ": index " + std::to_string(proof.index) + " is not below the tree size " +
                         std::to_string(size));
  }
  const std::size_t expected = inclusion_proof_length(proof.index, size);
  if (proof.inclusion_proof.size() != expected) {
    return invalid_input(where + ": an inclusion proof for index " + std::to_string(proof.index) +
                         " in a tree of size " + std::to_string(size) + " has " + std::to_string(expected) +
                         " hashes, the proof has " + std::to_string(proof.inclusion_proof.size()));
  }
  return {};
}

}  // namespace

Result<TlogProof> parse_tlog_proof(std::string_view text) {
  if (text.size() > kMaxTlogProofBytes) {
    return invalid_input("tlog-proof is " + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(kMaxTlogProofBytes));
  }
  LineCursor lines(text);
  TlogProof proof;
  if (Status header = parse_header(lines); !header) return std::unexpected(header.error());
  if (Status index = parse_extra_and_index(lines, proof); !index) return std::unexpected(index.error());
  if (Status hashes = parse_inclusion_proof(lines, proof); !hashes) return std::unexpected(hashes.error());
  if (Status checkpoint = check_checkpoint(lines.rest(), lines.line_number() + 1, proof); !checkpoint) {
    return std::unexpected(checkpoint.error());
  }
  proof.checkpoint = std::string(lines.rest());
  return proof;
}

Result<std::string> format_tlog_proof(const TlogProof& proof) {
  std::string text = std::string(kTlogProofHeader) + "\n";
  if (!proof.extra.empty()) text += std::string(kExtraPrefix) + base64_encode(proof.extra) + "\n";
  text += std::string(kIndexPrefix) + std::to_string(proof.index) + "\n";
  for (const Hash& hash : proof.inclusion_proof) text += base64_encode(hash) + "\n";
  text += "\n" + proof.checkpoint;
  // Parsing what was written is the one sure way to write only what parses.
  Result<TlogProof> parsed = parse_tlog_proof(text);
  if (!parsed) return invalid_input("cannot format the tlog-proof: " + parsed.error().message);
  if (*parsed != proof) return invalid_input("cannot format the tlog-proof: it would not read back the same");
  return text;
}

}  // namespace vinledger
