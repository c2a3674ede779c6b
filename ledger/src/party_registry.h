// The party log: every `party` entry (registration, key rotation,
// revocation) is read here and nowhere else, strictly (a party entry that
// cannot be read is damage) or leniently (skipped: the audit names it).
// PartyRegistry is the parties known at one point of the log, with the key
// each has in force there: append keeps it current, audit rebuilds it entry
// by entry, so a statement is always judged by the key its party had when
// it was recorded (key_in_force.h holds the rules).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store.h"
#include "vinledger/checkpoint.h"
#include "vinledger/statement.h"

namespace vinledger {

enum class PartyLogReading {
  kStrict,   // an unreadable party entry is a storage error naming it
  kLenient,  // an unreadable party entry is skipped (audit reports it)
};

// Calls `each` with every party registration in seq order, read as recorded
// (StatementSource::kRecorded). An error `each` returns stops the scan.
Status for_each_party_record(Store& store, PartyLogReading reading,
                             const std::function<Status(PartyRecord, std::int64_t seq)>& each);

// An immutable view of the registry that worker threads can read while the
// main thread moves on.
using PartySnapshot = std::shared_ptr<const std::map<std::string, PartyVersion, std::less<>>>;

class PartyRegistry {
 public:
  PartyRegistry();

  // Reads every party entry from the store (registrations and rotations).
  static Result<PartyRegistry> load(Store& store, PartyLogReading reading = PartyLogReading::kStrict);

  const PartyVersion* find(std::string_view id) const;
  // The operator is the party that registered itself at seq 0.
  const std::string& operator_id() const { return operator_id_; }

  // A registration or a key rotation takes effect after entry `seq`.
  void apply(PartyRecord record, std::int64_t seq);

  PartySnapshot snapshot() const { return parties_; }

 private:
  std::shared_ptr<std::map<std::string, PartyVersion, std::less<>>> parties_;
  std::string operator_id_;
};

// Every registration of the operator (the party registered at seq 0), in
// seq order, read leniently: the keys the log has ever signed with.
Result<std::vector<PartyVersion>> operator_registrations(Store& store);

// Opens `note` as a checkpoint of the log `origin` signed by any of
// `registrations`' keys (a checkpoint keeps the key it was signed with
// across rotations), newest first; invalid_input naming the last failure.
Result<VerifiedCheckpoint> open_with_operator_keys(std::string_view note, const std::string& origin,
                                                   const std::vector<PartyVersion>& registrations);

}  // namespace vinledger
