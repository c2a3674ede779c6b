// Integrity audit of the whole log: every entry re-read, re-hashed and
// re-verified, trusting nothing the database says beside the hashed bytes.
#pragma once

#include "store.h"
#include "thread_pool.h"
#include "vinledger/ledger.h"

namespace vinledger {

// Streams every entry through the pool; memory grows with the number of
// chains (one head each), not with the number of entries.
// `origin` is the log's name, which every checkpoint must carry.
// With `since`, the audit resumes at that checkpoint (Ledger::audit).
Result<AuditReport> audit_ledger(Store& store, ThreadPool& pool, const std::string& origin,
                                 const std::vector<ExternalCheckpoint>& external,
                                 const std::optional<ExternalCheckpoint>& since = std::nullopt);

}  // namespace vinledger
