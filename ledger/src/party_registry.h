// The parties known at one point of the log, and the key each has in force
// there. Append keeps it current; audit rebuilds it entry by entry, so a
// statement is always judged by the key its party had when it was recorded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store.h"
#include "vinledger/statement.h"

namespace vinledger {

struct RegisteredParty {
  PartyRecord record;
  std::int64_t seq = 0;  // the entry of the registration in force
};

// An immutable view of the registry that worker threads can read while the
// main thread moves on.
using PartySnapshot = std::shared_ptr<const std::map<std::string, RegisteredParty, std::less<>>>;

// Calls `each` with every party registration in seq order. A party entry
// that does not hold a valid party statement is a storage error (the audit
// names it); so is an error `each` returns.
Status for_each_party_record(Store& store, const std::function<Status(PartyRecord, std::int64_t seq)>& each);

class PartyRegistry {
 public:
  PartyRegistry();

  // Reads every party entry from the store (registrations and rotations).
  static Result<PartyRegistry> load(Store& store);

  const RegisteredParty* find(std::string_view id) const;
  // The operator is the party that registered itself at seq 0.
  const std::string& operator_id() const { return operator_id_; }

  // A registration or a key rotation takes effect after entry `seq`.
  void apply(PartyRecord record, std::int64_t seq);

  PartySnapshot snapshot() const { return parties_; }

 private:
  std::shared_ptr<std::map<std::string, RegisteredParty, std::less<>>> parties_;
  std::string operator_id_;
};

}  // namespace vinledger
