// `serve --witness NAME=URL=VKEY ...`: a thread that submits each new
// checkpoint the log records to its witnesses over HTTP (LogWitnessing,
// vinledger/log_witnessing.h), stores the cosignatures they return (GET
// /checkpoint and bundles then carry them), retries a witness that was down
// every few seconds, and shows each witness's state in /metrics. The log
// never waits for its witnesses: appends go on while one is down.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "api/ledger_pool.h"
#include "http/metrics.h"
#include "vinledger/log_witnessing.h"

namespace vinledger::api {

class LogWitnesses {
 public:
  static constexpr std::chrono::milliseconds kPoll{200};
  static constexpr std::chrono::seconds kRetryDown{3};

  LogWitnesses(LedgerPool& pool, std::vector<WitnessEndpoint> witnesses, http::Metrics& metrics);
  ~LogWitnesses();
  LogWitnesses(const LogWitnesses&) = delete;
  LogWitnesses& operator=(const LogWitnesses&) = delete;

  // Waits for the submission in flight (bounded by the client's timeouts).
  void stop();

 private:
  void run();

  LedgerPool& pool_;
  LogWitnessing witnessing_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vinledger::api
