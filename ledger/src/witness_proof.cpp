// The proof text shared by `consistency` and `witness cosign --proof`, and
// the merging of cosigned copies of one checkpoint.
#include <algorithm>
#include <set>
#include <utility>

#include "vinledger/encoding.h"
#include "vinledger/witness.h"

namespace vinledger {
namespace {

// A consistency proof has at most about 2 * log2(size) hashes; 128 covers
// any size a uint64 can hold, so more is not a proof.
constexpr std::size_t kMaxProofHashes = 128;

}  // namespace

std::string format_proof_lines(std::span<const Hash> proof) {
  std::string text;
  for (const Hash& hash : proof) text += base64_encode(hash) + "\n";
  return text;
}

Result<std::vector<Hash>> parse_proof_lines(std::string_view text) {
  std::vector<Hash> proof;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return invalid_input("proof line " + std::to_string(number) + " has no newline");
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    auto bytes = base64_decode(line);
    if (!bytes || bytes->size() != 32)
      return invalid_input("proof line " + std::to_string(number) + " is not a base64 SHA-256 hash");
    if (proof.size() == kMaxProofHashes) return invalid_input("the proof has more hashes than any proof can");
    Hash hash;
    std::copy(bytes->begin(), bytes->end(), hash.begin());
    proof.push_back(hash);
  }
  return proof;
}

Result<MergedCosignatures> merge_cosignatures(std::string_view signed_checkpoint, std::span<const std::string> cosigned,
                                              std::span<const std::string> sources, const VerifierKey& log_key,
                                              std::span<const TrustedKey> witnesses) {
  auto base = open_checkpoint(signed_checkpoint, log_key.name(), log_key);
  if (!base) return std::unexpected(base.error());
  auto merged = parse_signed_note(signed_checkpoint);
  if (!merged) return std::unexpected(merged.error());
  MergedCosignatures result;
  std::set<std::pair<std::string, std::uint32_t>> seen;
  for (const auto& signature : merged->signatures) seen.emplace(signature.name, signature.key_id);
  for (std::size_t i = 0; i < cosigned.size(); ++i) {
    const std::string source = i < sources.size() ? sources[i] : "cosigned checkpoint " + std::to_string(i + 1);
    auto skip = [&](std::string reason) { result.skipped.push_back({source, std::move(reason)}); };
    // Every line of a configured witness is verified here: one that fails
    // rejects the copy, as verify_note rejects a note.
    auto copy = open_checkpoint(cosigned[i], log_key.name(), log_key, witnesses);
    if (!copy) {
      skip(copy.error().message);
      continue;
    }
    if (copy->body != base->body) {
      skip("it cosigns another checkpoint (size " + std::to_string(copy->checkpoint.size) + ") than the one issued (size " +
           std::to_string(base->checkpoint.size) + ")");
      continue;
    }
    auto note = parse_signed_note(cosigned[i]);
    if (!note) {
      skip(note.error().message);
      continue;
    }
    std::size_t taken = 0;
    for (const VerifiedSignature& verified : copy->cosignatures) {
      if (!seen.emplace(verified.name, verified.key_id).second) continue;
      auto line = std::find_if(note->signatures.begin(), note->signatures.end(), [&](const NoteSignature& s) {
        return s.name == verified.name && s.key_id == verified.key_id;
      });
      merged->signatures.push_back(*line);
      result.witnesses.push_back(verified.name);
      ++taken;
    }
    if (copy->cosignatures.empty()) skip("it holds no cosignature by a configured witness key");
    else if (taken == 0) skip("its witnesses' cosignatures were already taken from an earlier copy");
  }
  auto note = format_signed_note(*merged);
  if (!note) return std::unexpected(note.error());
  result.note = std::move(*note);
  return result;
}

}  // namespace vinledger
