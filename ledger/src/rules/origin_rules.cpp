// NO_ORIGIN: the chain does not start with a manufacture, so nothing in the
// ledger says where the vehicle came from.
// DUPLICATE_ORIGIN: a second manufacture of one VIN: two vehicles carry it
// (a cloned VIN), or a manufacturer's record is being rewritten.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {

void check_no_origin(const VehicleContext& context, Findings& out) {
  if (context.events.empty()) return;
  const VehicleEvent& first = context.events.front();
  if (type_of(first) != StatementType::kManufacture)
    out.push_back(make_finding(
        context, code::kNoOrigin, Severity::kMedium, first.seq,
        "the chain starts with " + event_label(first) + " (" + event_summary(context, first) + ", recorded by " +
            party_label(context, first.statement.actor, first.seq) +
            "); no manufacture is recorded before it, so the ledger does not show where the vehicle came from",
        {first.seq}));
}

void check_duplicate_origin(const VehicleContext& context, Findings& out) {
  const VehicleEvent* origin = nullptr;
  for (const auto& event : context.events) {
    if (type_of(event) != StatementType::kManufacture) continue;
    if (!origin) {
      origin = &event;
      continue;
    }
    out.push_back(make_finding(
        context, code::kDuplicateOrigin, Severity::kHigh, event.seq,
        "a second manufacture of VIN " + std::string(context.vin) + " at seq " + std::to_string(event.seq) + " by " +
            party_label(context, event.statement.actor, event.seq) + " (" + event_summary(context, event) +
            "); the vehicle was already manufactured at seq " + std::to_string(origin->seq) + " by " +
            party_label(context, origin->statement.actor, origin->seq) +
            ": two vehicles may carry this VIN (a cloned VIN)",
        {origin->seq, event.seq}));
  }
}

}  // namespace vinledger::rules
