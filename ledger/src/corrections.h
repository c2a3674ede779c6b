// Corrections: a `void` statement withdraws one earlier entry of its VIN
// (docs/format.md "Corrections"). One rule decides whether a void may
// withdraw an entry, used both where a void is appended (refused if not) and
// where a chain is read back (a void that breaks it withdraws nothing).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <span>
#include <vector>

#include "vinledger/statement.h"
#include "vinledger/verification.h"

namespace vinledger {

// What a void needs to know about the entry it names.
struct VoidTarget {
  std::int64_t seq = 0;
  StatementType type = StatementType::kParty;
  std::string actor;
  std::optional<std::int64_t> withdrawn_by;  // an earlier void that already withdrew it
};

// Why `void_actor` may not withdraw `target`, or nullopt if it may: the
// target is not a void itself, not withdrawn already, and was signed by
// `void_actor` unless that is the operator.
std::optional<std::string> void_refusal(std::string_view void_actor, const VoidTarget& target,
                                        std::string_view operator_id);

// The hash a void statement names (its `target`), nullopt for any other.
std::optional<Hash> void_target_of(const nlohmann::json& statement);

// One entry of a chain as read back: its seq, its entry hash, its statement.
struct ChainItem {
  std::int64_t seq = 0;
  Hash hash{};
  const nlohmann::json* statement = nullptr;
};

// The entries of one chain (in seq order) that its voids withdraw, by the
// rule of void_refusal: a void naming no earlier entry of the chain, or one
// it may not withdraw, withdraws nothing.
std::vector<Withdrawal> chain_withdrawals(std::span<const ChainItem> chain, std::string_view operator_id);

}  // namespace vinledger
