// Receipts: what the write API answers for each recorded statement (and
// `submit` prints), checkable offline with nothing but the log's key:
//   {"line", "seq", "hash", "entry", "receipt"}
// `entry` is the entry object exactly as hashed, `receipt` a C2SP
// tlog-proof of it against a checkpoint signed by the log (docs/api.md).
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinledger/checkpoint.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"

namespace vinledger {

struct VerifiedReceipt {
  std::int64_t seq = 0;
  Hash hash{};            // the entry hash the proof starts from
  Checkpoint checkpoint;  // the signed checkpoint the entry is proved in
};

// Trusting only `log_key`: the tlog-proof is well formed; its checkpoint is
// signed by `log_key` under the log's origin (the key's name); the entry is
// a well-formed entry whose JCS bytes hash to the proof's leaf at index =
// its seq; the proof leads from there to the checkpoint's root.
// invalid_input says what does not hold.
[[nodiscard]] Result<VerifiedReceipt> verify_receipt(const nlohmann::json& entry, std::string_view tlog_proof,
                                                     const VerifierKey& log_key);

// The same for one line of `submit`'s output (a JSON object as above); its
// "hash" and "seq" must also be the entry's.
[[nodiscard]] Result<VerifiedReceipt> verify_receipt_line(std::string_view line, const VerifierKey& log_key);

}  // namespace vinledger
