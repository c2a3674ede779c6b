// C2SP tlog-witness (c2sp.org/tlog-witness), transport-free: the bodies a
// log sends and a witness answers, and the witness's handlers as functions
// from a request body to (status, content type, body), over the witness
// state machine of witness.h. `witness serve` mounts them on HTTP; the log
// side (`serve --witness`) builds requests and reads answers with them.
//
//   POST <prefix>/add-checkpoint      body: "old <size>\n" <proof lines> "\n" <checkpoint>
//     200  cosignature lines ("— <name> <base64>\n")
//     400  malformed body, or old size > checkpoint size
//     403  no signature by a trusted key, or a trusted key's signature fails
//     404  unknown origin
//     409  old size is not the size last cosigned; body "<size>\n", text/x.tlog.size
//     422  bad consistency proof, size 0 with another root, a proof where
//          none belongs
//     409  the same size with another root (a fork): text/plain, no size
//   GET <prefix>/<hex SHA-256 of origin>/checkpoint
//     200  the latest checkpoint cosigned, with the cosignature returned; 404 if none
//
// The witness serves several logs from one directory (made by `witness
// init`, which names the witness and holds its key): the log of its config
// in the directory itself, each other one in logs/<hex SHA-256 of origin>/,
// made on first use. Each log's state is one Witness (witness.h): the check
// of old size and the update of the state happen under its lock, and the
// state is durable before a cosignature leaves. A checkpoint validly signed
// by a log but refused as inconsistent is kept in that log's evidence/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"
#include "vinledger/witness.h"

namespace vinledger {

inline constexpr std::string_view kTlogSizeContentType = "text/x.tlog.size";
inline constexpr std::string_view kWitnessTextContentType = "text/plain; charset=utf-8";
// The spec: a client MUST NOT send more than 63 consistency proof lines.
inline constexpr std::size_t kMaxAddCheckpointProofLines = 63;
inline constexpr std::size_t kMaxAddCheckpointBodyBytes = 64 * 1024 + 1024;
// Evidence files kept per log: a misbehaving log cannot fill the disk.
inline constexpr std::size_t kMaxEvidenceFiles = 1000;

struct AddCheckpointRequest {
  std::uint64_t old_size = 0;
  std::vector<Hash> proof;
  std::string checkpoint;  // the signed note, verbatim
};

// Strict: "old" line without leading zeros, at most 63 base64 hash lines,
// an empty line, then a signed checkpoint (not verified here).
Result<AddCheckpointRequest> parse_add_checkpoint(std::string_view body);
std::string format_add_checkpoint(const AddCheckpointRequest& request);

struct ProtocolReply {
  int status = 500;
  std::string content_type;
  std::string body;
};

// What a log makes of a witness's answer to add-checkpoint.
struct AddCheckpointAnswer {
  enum class Kind {
    cosigned,   // 200: cosignature lines
    conflict,   // 409 with the witness's size: retry from it
    refused,    // any other answer
  };
  Kind kind = Kind::refused;
  std::vector<NoteSignature> cosignatures;  // cosigned: the lines, unverified
  std::uint64_t witness_size = 0;           // conflict
  std::string reason;                       // refused: status and what the body said
};
AddCheckpointAnswer read_add_checkpoint_answer(int status, std::string_view content_type, std::string_view body);

// The path of the monitoring endpoint for `origin`, without prefix:
// "<hex SHA-256 of origin>/checkpoint".
std::string witness_checkpoint_path(std::string_view origin);

class WitnessServer {
 public:
  // `dir` holds a witness (`witness init`); `logs` are the logs it serves,
  // one key per origin, at least one. The log of the directory's config must
  // be served with the key in its config.
  static Result<std::unique_ptr<WitnessServer>> open(const std::filesystem::path& dir, std::span<const VerifierKey> logs,
                                                     WitnessSettings settings = {});

  ~WitnessServer();
  WitnessServer(const WitnessServer&) = delete;
  WitnessServer& operator=(const WitnessServer&) = delete;

  const std::string& name() const { return name_; }
  const CosignerKey& cosigner_key() const { return *cosigner_key_; }

  // POST add-checkpoint. Safe to call from several threads.
  ProtocolReply add_checkpoint(std::string_view body);
  // GET <origin hash>/checkpoint.
  ProtocolReply latest_checkpoint(std::string_view origin_hash);

 private:
  struct Log;
  WitnessServer() = default;
  std::string name_;
  std::optional<CosignerKey> cosigner_key_;
  std::map<std::string, std::unique_ptr<Log>, std::less<>> logs_;  // by origin
};

}  // namespace vinledger
