// `--tiles-dir DIR`: the log's C2SP tlog-tiles resources written to a
// directory, so that any static web server or object store can serve the
// log with no vinledger process behind it. The layout is the URL space:
//   DIR/checkpoint, DIR/tile/<L>/<N>[.p/<W>], DIR/tile/entries/<N>[.p/<W>]
// Publishing is incremental (only what the new checkpoint adds), durable
// (every file fsynced and renamed into place, directories fsynced) and
// ordered: tiles and bundles first, the checkpoint last, so a reader who
// sees a checkpoint finds every resource it needs. A file once written is
// never changed: one that exists with other bytes stops the publication
// (the directory belongs to another log, or the log was rewritten).
// Partial tiles of earlier checkpoints stay, as the spec allows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "vinledger/ledger.h"
#include "vinledger/result.h"

namespace vinledger {

struct TilesDirReport {
  std::uint64_t old_size = 0;  // the size of the checkpoint DIR held before
  std::uint64_t new_size = 0;
  std::uint64_t files_written = 0;
};

// Publishes `signed_checkpoint` (a checkpoint this ledger issued, possibly
// with cosignatures) and everything a client needs for its tree. Refuses a
// checkpoint that is not this log's or whose root the tree does not have,
// and a directory holding another log or a newer checkpoint.
[[nodiscard]] Result<TilesDirReport> publish_tiles(Ledger& ledger, const std::filesystem::path& dir,
                                                   std::string_view signed_checkpoint);

}  // namespace vinledger
