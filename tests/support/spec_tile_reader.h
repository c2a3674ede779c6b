// A client of a tiled log written from the C2SP specs alone (tlog-tiles,
// tlog-checkpoint, signed-note, RFC 6962), sharing no code with the
// library: its own path encoding, bundle decoding, base64, note parsing and
// Merkle hashing, with OpenSSL only for SHA-256 and Ed25519. The tests use it
// to show that a tool written elsewhere, knowing only the spec and the log's
// verifier key, can fetch and verify the whole log vinledger serves.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vinledger::testing {

// Fetches a resource by its path under the log's prefix ("checkpoint",
// "tile/0/000"); nullopt if there is none (a 404).
using SpecFetch = std::function<std::optional<std::string>(const std::string& path)>;

struct SpecLog {
  std::string origin;
  std::uint64_t size = 0;
  std::string root;                  // 32 bytes
  std::vector<std::string> entries;  // every entry's bytes, in order
};

// Fetches the checkpoint, verifies the log's signature with `vkey`, fetches
// every entry bundle and every hash tile the tree has, and checks that each
// entry hashes to its level-0 tile hash, each higher tile's hashes are the
// subtree roots below them, and the root of all entries is the checkpoint's.
// Throws std::runtime_error saying what failed.
SpecLog read_whole_log(const SpecFetch& fetch, const std::string& vkey);

}  // namespace vinledger::testing
