#include "vinledger/log_witnessing.h"

#include "vinledger/checkpoint.h"
#include "vinledger/timestamp.h"
#include "vinledger/witness_protocol.h"

namespace vinledger {
namespace {

// A 409 names the witness's size; following it twice covers a witness that
// moved on between two requests (another log instance, a restart).
constexpr int kMaxRounds = 3;

}  // namespace

Result<WitnessEndpoint> parse_witness_endpoint(std::string_view text) {
  // The URL holds ':' and '/', never '='; a vkey holds '+' and base64 ('='
  // only as padding at its end), so split at the first two '='.
  const std::size_t first = text.find('=');
  const std::size_t second = first == std::string_view::npos ? first : text.find('=', first + 1);
  if (second == std::string_view::npos)
    return invalid_input("a witness is NAME=URL=VKEY, not \"" + std::string(text) + "\"");
  const std::string name(text.substr(0, first));
  std::string url(text.substr(first + 1, second - first - 1));
  if (name.empty()) return invalid_input("the witness \"" + std::string(text) + "\" has no name");
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return invalid_input("the witness " + name + "'s URL must start with http:// or https://");
  while (url.ends_with('/')) url.pop_back();
  auto key = CosignerKey::parse(text.substr(second + 1));
  if (!key) return invalid_input("the witness " + name + "'s key: " + key.error().message);
  return WitnessEndpoint{name, std::move(url), std::move(*key)};
}

LogWitnessing::LogWitnessing(std::vector<WitnessEndpoint> witnesses, WitnessPost post)
    : witnesses_(std::move(witnesses)), post_(std::move(post)) {
  for (const auto& witness : witnesses_) states_.push_back(WitnessState{witness.name, false, std::nullopt, 0, 0, "", 0});
}

std::vector<WitnessState> LogWitnessing::states() const {
  std::lock_guard lock(mutex_);
  return states_;
}

Result<std::size_t> LogWitnessing::witness(Ledger& ledger, const IssuedCheckpoint& checkpoint) {
  std::size_t cosigned = 0;
  for (std::size_t i = 0; i < witnesses_.size(); ++i) {
    auto ok = submit(ledger, checkpoint, i);
    if (!ok) return std::unexpected(ok.error());
    if (*ok) ++cosigned;
  }
  return cosigned;
}

Result<bool> LogWitnessing::submit(Ledger& ledger, const IssuedCheckpoint& checkpoint, std::size_t index) {
  const WitnessEndpoint& witness = witnesses_[index];
  auto fail = [&](std::string why) -> Result<bool> {
    std::lock_guard lock(mutex_);
    WitnessState& state = states_[index];
    state.up = false;
    ++state.failures;
    state.last_error = std::move(why);
    return false;
  };
  std::uint64_t old_size = [&] {
    std::lock_guard lock(mutex_);
    return states_[index].size.value_or(0);
  }();
  const std::uint64_t size = checkpoint.checkpoint.size;
  for (int round = 0; round < kMaxRounds; ++round) {
    if (old_size > size)
      return fail("the witness has cosigned size " + std::to_string(old_size) + ", more than this log's " +
                  std::to_string(size) + ": it saw another history of this log");
    AddCheckpointRequest request{old_size, {}, checkpoint.note};
    if (old_size > 0 && old_size < size) {
      auto proof = ledger.consistency_proof(old_size, size);
      if (!proof) {
        if (proof.error().kind == ErrorKind::storage || proof.error().kind == ErrorKind::internal)
          return std::unexpected(proof.error());
        return fail("no consistency proof from size " + std::to_string(old_size) + ": " + proof.error().message);
      }
      request.proof = std::move(proof->proof);
    }
    auto answer = post_(witness, format_add_checkpoint(request));
    if (!answer) return fail(answer.error().message);
    auto read = read_add_checkpoint_answer(answer->status, answer->content_type, answer->body);
    switch (read.kind) {
      case AddCheckpointAnswer::Kind::conflict:
        old_size = read.witness_size;
        {
          std::lock_guard lock(mutex_);
          states_[index].size = old_size;
        }
        continue;
      case AddCheckpointAnswer::Kind::refused:
        return fail("refused: " + read.reason);
      case AddCheckpointAnswer::Kind::cosigned: {
        auto note = parse_signed_note(checkpoint.note);
        if (!note) return std::unexpected(note.error());
        for (auto& signature : read.cosignatures) note->signatures.push_back(std::move(signature));
        auto cosigned = format_signed_note(*note);
        if (!cosigned) return fail("its answer does not make a note: " + cosigned.error().message);
        // An answer without a good line by this witness's key is no cosignature.
        auto log_key = ledger.log_key();
        if (!log_key) return std::unexpected(log_key.error());
        const std::vector<TrustedKey> trusted{witness.key};
        auto opened = open_checkpoint(*cosigned, log_key->name(), *log_key, trusted);
        if (!opened || opened->cosignatures.empty())
          return fail("its answer holds no valid cosignature by " + witness.key.text());
        const std::vector<CosignerKey> key{witness.key};
        auto stored = ledger.add_cosignatures(*cosigned, key);
        if (!stored) {
          if (stored.error().kind == ErrorKind::storage || stored.error().kind == ErrorKind::internal)
            return std::unexpected(stored.error());
          return fail("its answer was not stored: " + stored.error().message);
        }
        std::lock_guard lock(mutex_);
        WitnessState& state = states_[index];
        state.up = true;
        state.size = size;
        state.cosignatures += *stored;
        state.last_error.clear();
        state.last_success = now_seconds();
        return true;
      }
    }
  }
  return fail("the witness kept naming another size (409)");
}

}  // namespace vinledger
