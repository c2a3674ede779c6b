// The log's side of C2SP tlog-witness: submits each checkpoint the log
// issues to its witnesses with the consistency proof each needs, follows a
// 409 to the size the witness reports, verifies and stores the cosignatures
// it gets (Ledger::add_cosignatures), and says which witnesses are down.
// The transport is given (`serve` posts over HTTP), so the logic is tested
// against witnesses called directly.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/keys.h"
#include "vinledger/ledger.h"
#include "vinledger/result.h"
#include "vinledger/signed_note.h"

namespace vinledger {

// "NAME=URL=VKEY" as `serve --witness` takes it: the witness's name (for
// people and metrics), its submission prefix, its cosigner key.
struct WitnessEndpoint {
  std::string name;
  std::string url;
  CosignerKey key;
};
Result<WitnessEndpoint> parse_witness_endpoint(std::string_view text);

// What came back over the wire from POST <url>/add-checkpoint.
struct WitnessHttpAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
};
// Posts `body` to the witness; an error for no answer at all (down, timeout).
using WitnessPost = std::function<Result<WitnessHttpAnswer>(const WitnessEndpoint& witness, const std::string& body)>;

struct WitnessState {
  std::string name;
  bool up = false;                       // the last attempt got an answer and a cosignature
  std::optional<std::uint64_t> size;     // the size it last cosigned, as far as the log knows
  std::uint64_t failures = 0;            // attempts that got no cosignature
  std::uint64_t cosignatures = 0;        // cosignatures stored
  std::string last_error;                // why the last attempt failed, if it did
  std::int64_t last_success = 0;         // when it last cosigned, seconds since the epoch (0: never)
};

class LogWitnessing {
 public:
  LogWitnessing(std::vector<WitnessEndpoint> witnesses, WitnessPost post);

  // Submits the checkpoint to every witness, one after another (each
  // request is bounded by the transport's timeout), storing each cosignature
  // as it comes. Returns how many witnesses cosigned it. A witness that is
  // down is marked so and tried again with the next checkpoint; only a
  // storage error of the ledger is an error.
  [[nodiscard]] Result<std::size_t> witness(Ledger& ledger, const IssuedCheckpoint& checkpoint);

  std::vector<WitnessState> states() const;
  const std::vector<WitnessEndpoint>& witnesses() const { return witnesses_; }

 private:
  // One witness: at most a few rounds, each 409 moving to the size it names.
  Result<bool> submit(Ledger& ledger, const IssuedCheckpoint& checkpoint, std::size_t index);

  std::vector<WitnessEndpoint> witnesses_;
  WitnessPost post_;
  mutable std::mutex mutex_;  // guards states_ (read by metrics from other threads)
  std::vector<WitnessState> states_;
};

}  // namespace vinledger
