// Where the reference data (ledger/data, installed as share/vinledger) is.
#pragma once

#include <filesystem>
#include <vector>

#include "vinledger/result.h"

namespace vinledger {

// The places searched, in order: $VINLEDGER_DATA_DIR, <executable
// dir>/../share/vinledger, the install prefix's data dir, the source tree's
// ledger/data (so a build runs without installing).
std::vector<std::filesystem::path> data_dir_candidates();

// The first candidate that holds the data (its rules.json). When
// $VINLEDGER_DATA_DIR is set it is the only candidate: a wrong setting is
// an error, not a silent fall back to other data.
Result<std::filesystem::path> find_data_dir();

}  // namespace vinledger
