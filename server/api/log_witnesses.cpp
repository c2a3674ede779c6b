#include "api/log_witnesses.h"

#include "http/http_witness_post.h"

namespace vinledger::api {
namespace {

http::ClientOptions witness_client_options() {
  http::ClientOptions options;
  // A witness that does not answer must not hold the next checkpoint back
  // for long: it is marked down and tried again.
  options.connect_timeout = std::chrono::seconds(2);
  options.timeout = std::chrono::seconds(10);
  options.max_response_bytes = 64 * 1024;
  return options;
}

}  // namespace

LogWitnesses::LogWitnesses(LedgerPool& pool, std::vector<WitnessEndpoint> witnesses, http::Metrics& metrics)
    : pool_(pool), witnessing_(std::move(witnesses), http::http_witness_post(witness_client_options())) {
  for (std::size_t i = 0; i < witnessing_.witnesses().size(); ++i) {
    const http::Labels labels{{"witness", witnessing_.witnesses()[i].name}};
    auto state = [this, i] { return witnessing_.states()[i]; };
    metrics.gauge("vinledger_witness_up", "1 if the witness cosigned the last checkpoint submitted to it, else 0",
                  [state] { return state().up ? 1.0 : 0.0; }, labels);
    metrics.gauge("vinledger_witness_cosigned_size", "The tree size the witness last cosigned, as far as the log knows",
                  [state] { return static_cast<double>(state().size.value_or(0)); }, labels);
    metrics.gauge("vinledger_witness_last_success_seconds",
                  "When the witness last cosigned, seconds since the epoch (0: never)",
                  [state] { return static_cast<double>(state().last_success); }, labels);
    metrics.counter_read("vinledger_witness_failures_total", "Submissions to the witness that got no cosignature",
                         [state] { return static_cast<double>(state().failures); }, labels);
    metrics.counter_read("vinledger_witness_cosignatures_total", "Cosignatures of the witness stored",
                         [state] { return static_cast<double>(state().cosignatures); }, labels);
  }
  thread_ = std::thread([this] { run(); });
}

LogWitnesses::~LogWitnesses() { stop(); }

void LogWitnesses::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LogWitnesses::run() {
  using Clock = std::chrono::steady_clock;
  std::optional<std::int64_t> submitted;  // the id of the last checkpoint submitted
  Clock::time_point last_attempt;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, kPoll, [this] { return stopping_; })) return;
    }
    auto lease = pool_.lease();
    if (!lease) continue;
    auto latest = (*lease)->latest_checkpoint();
    if (!latest || !*latest) continue;
    bool any_down = false;
    for (const auto& state : witnessing_.states()) any_down = any_down || !state.up;
    const bool fresh = submitted != (*latest)->id;
    if (!fresh && !(any_down && Clock::now() - last_attempt >= kRetryDown)) continue;
    submitted = (*latest)->id;
    last_attempt = Clock::now();
    // A storage error of the ledger is tried again with the next round;
    // the witnesses' own failures are in their states (and /metrics).
    (void)witnessing_.witness(**lease, **latest);
  }
}

}  // namespace vinledger::api
