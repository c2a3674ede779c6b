// Evidence bundles: one VIN's entries, the party entries its statements rely
// on, and an RFC 6962 inclusion proof of each against one signed checkpoint,
// in a JSON file anyone can check offline with nothing but the log's key:
//   {"format": "vinledger-bundle/v2", "vin", "log_key", "checkpoint",
//    "index_proof", "entries": [{"entry", "tlog_proof"}],
//    "parties": [{"entry", "tlog_proof"}]}
// `entry` is the entry object exactly as hashed (its JCS bytes are the leaf),
// `tlog_proof` the C2SP tlog-proof text for it, `index_proof` the VIN index's
// lookup (or absence) proof for the VIN against the checkpoint's index root
// (vin_index.h), which shows the bundle holds every entry of the VIN up to
// the checkpoint. v1 bundles (no checkpoint, no index_proof) still verify,
// without that guarantee. docs/format.md has the rules.
//
// Building a bundle needs the ledger (Ledger::prove); verifying one needs
// nothing but the bundle and the keys the verifier trusts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/checkpoint.h"
#include "vinledger/keys.h"
#include "vinledger/signed_note.h"
#include "vinledger/verification.h"

namespace vinledger {

inline constexpr std::string_view kBundleFormat = "vinledger-bundle/v2";
inline constexpr std::string_view kBundleFormatV1 = "vinledger-bundle/v1";
// A bundle of a vehicle with hundreds of events is well under a megabyte;
// this bounds what a verifier reads.
inline constexpr std::size_t kMaxBundleBytes = 64 * 1024 * 1024;

// One proved entry.
struct BundleItem {
  nlohmann::json entry;    // the entry object, exactly as hashed
  std::string tlog_proof;  // C2SP tlog-proof text: index, proof hashes, checkpoint
};

struct Bundle {
  int version = 2;  // 1: vinledger-bundle/v1, which has no checkpoint or index_proof member
  std::string vin;
  std::string log_key;  // informational: a verifier trusts only the key it is given
  std::vector<BundleItem> entries;  // the VIN's entries, in seq order
  std::vector<BundleItem> parties;  // party entries, in seq order
  std::string checkpoint;           // v2: the signed checkpoint every proof is against
  std::string index_proof;          // v2: base64 of the VIN's index proof (vin_index.h)
};

nlohmann::json bundle_json(const Bundle& bundle);
// The bundle file's text: bundle_json, indented, ending in a newline.
std::string format_bundle(const Bundle& bundle);

// What a verifier trusts: the log's key and, optionally, witnesses of which
// at least `min_witnesses` must have cosigned the bundle's checkpoint.
struct BundleTrust {
  VerifierKey log_key;
  std::vector<TrustedKey> witnesses;
  std::size_t min_witnesses = 0;
  // A signed checkpoint of the log the verifier already holds (from the
  // operator or a witness), or empty: a bundle proved against an older
  // checkpoint than this one is refused, since it cannot speak for the
  // entries recorded between them.
  std::string known_checkpoint;
};

// How far a bundle's evidence goes: the VIN's entries up to `through_seq`,
// proved against a checkpoint of a log of `checkpoint_size` entries. An
// inclusion proof shows presence, never absence: unless the VIN's last
// entry in the bundle is the log's last at the checkpoint, entries of the
// VIN recorded after `through_seq` cannot be excluded (docs/format.md),
// except by a v2 bundle's VIN index proof (`proven`).
struct EvidenceExtent {
  std::int64_t through_seq = -1;  // -1: the bundle holds no entry (an absence bundle)
  std::uint64_t checkpoint_size = 0;
  bool proven = false;            // the VIN index proves the bundle holds every entry

  bool complete() const {
    return proven || (through_seq >= 0 && checkpoint_size <= static_cast<std::uint64_t>(through_seq) + 1);
  }
};

struct VerifiedBundle {
  enum class Completeness {
    kUnknown,   // a v1 bundle: entries after its last one cannot be excluded
    kComplete,  // the index proves these are all the VIN's entries up to the checkpoint
    kAbsent,    // the index proves the VIN has no entry at the checkpoint
  };
  Completeness completeness = Completeness::kUnknown;
  std::string vin;
  VerifiedCheckpoint checkpoint;
  std::vector<VehicleEvent> events;  // the VIN's events, proved, in seq order
  PartyHistory parties;              // the proved registrations
  std::size_t party_entries = 0;
  EvidenceExtent extent;
};

// The verdict on a bundle's findings: verdict_for's, and when the extent is
// not complete, words that say up to which seq the evidence goes, so that
// "the vehicle went where its declarations said" is never claimed of
// entries the bundle cannot show.
Verdict bundle_verdict(std::span<const Finding> findings, const EvidenceExtent& extent);

// Why a bundle was refused. `item` names the part of the file, e.g.
// "entries[3].tlog_proof line 4", "parties[0].entry", "checkpoint".
struct BundleFailure {
  enum class Kind {
    malformed,  // not a vinledger-bundle/v1 document at all (bad input)
    integrity,  // a bundle, but something in it does not hold
  };
  Kind kind = Kind::integrity;
  std::string item;
  std::string reason;

  std::string message() const { return item.empty() ? reason : item + ": " + reason; }
};

// Reads a bundle's shape, nothing verified: strict JSON, exactly the members
// of its format (five for v1, seven for v2) with their types, items with
// exactly "entry" (an object) and "tlog_proof" (a string). Anything else is
// Kind::malformed.
std::expected<Bundle, BundleFailure> parse_bundle(std::string_view text);

// Checks everything a bundle claims, trusting only `trust`: the format; that
// every proof is against the same checkpoint, signed by the log key under its
// origin, or by a later key of the log that the checkpoint's key
// endorsements lead to from it (and cosigned by enough witnesses); that
// `log_key` names the key that signed; every entry's leaf hash and
// inclusion proof; the VIN's chain (vin_prev) from its first entry; each
// party's chain of registrations from its first; every party entry signed by
// the operator's key in force and every VIN statement by its actor's key in
// force, both as registered in the bundle itself, under the key-in-force
// rules audit applies (revocation, rotation); for v2, the index proof
// against the checkpoint's index root, and that the bundle's last entry is
// the VIN's head it proves (or that an absence bundle's VIN has none); and
// that the checkpoint is not older than trust.known_checkpoint. Pure: no I/O.
std::expected<VerifiedBundle, BundleFailure> verify_bundle(std::string_view text, const BundleTrust& trust);

}  // namespace vinledger
