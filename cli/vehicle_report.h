// How `verify` and `verify-bundle` print one vehicle's findings, so that a
// bundle checked offline reads exactly like the ledger's own verification.
#pragma once

#include "vinledger/reference_data.h"
#include "vinledger/verification.h"

namespace vinledger::cli {

// For people: the vehicle, its findings worst first, the verdict
// (verdict_for's unless another is given).
void print_vehicle_report(const VehicleReport& report, const ReferenceData& reference,
                          const Verdict* verdict = nullptr);

}  // namespace vinledger::cli
