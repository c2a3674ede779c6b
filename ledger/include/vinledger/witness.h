// A witness: an auditor's or regulator's cosigner in the C2SP tlog-witness /
// tlog-cosignature model. It remembers the latest checkpoint of one log it
// cosigned, and cosigns a new checkpoint only if the log's signature holds
// and a consistency proof shows the new tree extends the remembered one. Two
// witnesses that cosigned different trees of one size have caught a fork;
// one that is offered an older or rewritten tree refuses it.
//
// A witness lives in a directory:
//   witness.json  its config: name, the log's verifier key, the private key
//                 file, its cosigner key (written once by init)
//   state.json    the latest checkpoint it cosigned, as the log signed it
//   lock          flock'ed by cosign, so two cosigns never interleave
//
// Errors: invalid_input for what is malformed or not this log's checkpoint;
// conflict when the witness refuses (an older checkpoint, another root at a
// size it knows, a missing or bad proof): the CLI exits 1 for those; storage
// when the state cannot be read or written. In every error the state is as
// it was, and nothing was signed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/checkpoint.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/signed_note.h"

namespace vinledger {

struct WitnessConfig {
  std::string name;                 // the cosigner's key name (a schema-less URL, say)
  VerifierKey log_key;              // the log's key; its name is the log's origin
  std::filesystem::path key_file;   // the witness's private key (absolute)
  CosignerKey cosigner_key;         // type 0x04 vkey of that key under `name`

  const std::string& origin() const { return log_key.name(); }
};

struct WitnessSettings {
  // Seconds since the epoch, the cosignature's timestamp.
  std::function<std::int64_t()> clock;
  // Runs after the new state is durable and before anything is signed.
  // Tests make it fail to show a cosignature is never ahead of the state.
  std::function<Status()> after_state_saved;
};

// Gives the consistency proof from the witness's size to the new one
// (old_size > 0). not_found if there is none: the witness refuses then.
using ProofSource = std::function<Result<std::vector<Hash>>(std::uint64_t old_size, std::uint64_t new_size)>;

// Sees the latest cosigned checkpoint (nullopt before the first) and the
// new one, under the state's lock, after the log's signature verified and
// before anything is compared or written; an error stops the cosign there.
// The tlog-witness protocol checks the client's old size here, so that the
// check and the update of the state are one atomic step.
using StateCheck = std::function<Status(const std::optional<Checkpoint>& latest, const Checkpoint& next)>;

class Witness {
 public:
  // Creates `dir` (if needed) with the config and an empty state, refusing a
  // directory that already holds a witness. The private key at `key_file` is
  // used if it exists (mode 0600 required), else generated there.
  static Result<WitnessConfig> init(const std::filesystem::path& dir, const std::string& name,
                                    const std::filesystem::path& key_file, const VerifierKey& log_key);
  static Result<Witness> open(const std::filesystem::path& dir, WitnessSettings settings = {});

  Witness(Witness&&) noexcept;
  Witness& operator=(Witness&&) noexcept;
  ~Witness();

  const WitnessConfig& config() const;

  // The latest checkpoint this witness cosigned; nullopt before the first.
  Result<std::optional<Checkpoint>> latest();

  // Verifies `signed_checkpoint` (the log's signature, its origin), holds it
  // to the latest cosigned checkpoint (same size: same root; larger: a proof
  // from `proof` that verifies; smaller: refused), records it durably, and
  // only then returns the note with this witness's cosignature added (any
  // earlier cosignature of this key replaced; other signatures kept).
  Result<std::string> cosign(std::string_view signed_checkpoint, const ProofSource& proof,
                             const StateCheck& check = {});

 private:
  struct Impl;
  explicit Witness(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The proof text `consistency` prints and `witness cosign --proof` reads:
// one standard base64 hash per line.
std::string format_proof_lines(std::span<const Hash> proof);
Result<std::vector<Hash>> parse_proof_lines(std::string_view text);

// What merge_cosignatures did: the note with the cosignatures it took, the
// witnesses they are from, and each copy it left out, and why.
struct MergedCosignatures {
  struct Skipped {
    std::string source;
    std::string reason;
  };
  std::string note;
  std::vector<std::string> witnesses;  // names of the cosignatures merged, in order
  std::vector<Skipped> skipped;
};

// Merges into `signed_checkpoint` (the log's own note, which must verify
// with `log_key`) the cosignatures of `cosigned`: copies of it with
// cosignature lines, as `witness cosign` prints them. Only cosignatures by
// `witnesses` (the configured witness keys) are taken, each verified, once
// per key, first copy first. A copy that is not the same checkpoint, does
// not verify (a bad signature by the log or by a configured witness), or
// holds no cosignature of a configured witness is skipped and named with
// the reason: one junk copy never keeps the honest ones out. `sources` names
// each copy. An error only if `signed_checkpoint` itself does not verify.
Result<MergedCosignatures> merge_cosignatures(std::string_view signed_checkpoint, std::span<const std::string> cosigned,
                                              std::span<const std::string> sources, const VerifierKey& log_key,
                                              std::span<const TrustedKey> witnesses);

}  // namespace vinledger
