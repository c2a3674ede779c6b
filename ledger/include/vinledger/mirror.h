// A mirror: a local, read-only copy of a tiled log (Ledger::create_mirror,
// Ledger::mirror_from), fetched through its C2SP tlog-tiles resources and
// verified before anything is kept. It holds the log's entries exactly
// (same seq, recorded time, bytes and hashes), its tree, and the checkpoints
// it mirrored, so every read command (history, verify, screen, audit, prove)
// works on it as on the log's own database.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "vinledger/finding.h"

namespace vinledger {

// The meta setting that makes a ledger a mirror: the log it copies.
inline constexpr const char* kMirrorOfKey = "mirror_of";

struct MirrorOptions {
  // Entries per transaction once the log's checkpoint is verified: each
  // chunk is committed after a proof that it is a prefix of the signed tree,
  // so an interrupted mirror keeps its progress.
  std::uint64_t chunk_entries = 65536;
  // Called after each committed chunk and at the end (entries so far, target).
  std::function<void(std::uint64_t done, std::uint64_t target)> progress;
};

struct MirrorUpdate {
  enum class Outcome {
    updated,     // new entries verified and kept
    up_to_date,  // the log's checkpoint is the one the mirror holds
    refused,     // the log is not consistent with what the mirror holds: nothing kept
  };
  Outcome outcome = Outcome::up_to_date;
  std::uint64_t old_size = 0;  // entries the mirror held before
  std::uint64_t new_size = 0;  // entries it holds now
  // Vehicle chains (VINs) the new entries belong to, for monitors.
  std::set<std::string> touched_vins;

  // When refused: why, and the evidence: the checkpoint the mirror held (if
  // any) and the one the log serves now, both signed by the log.
  std::string reason;
  std::string kept_checkpoint;
  std::string offered_checkpoint;
  std::vector<Finding> findings;  // what was wrong with the entries served, if that was it
};

}  // namespace vinledger
