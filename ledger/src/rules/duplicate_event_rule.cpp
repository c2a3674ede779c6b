// DUPLICATE_EVENT: the same business event recorded twice (docs/format.md
// "Event identity"). The ledger refuses a second statement of an event now;
// a ledger from before it did may hold copies (a bulk file appended twice),
// and every rule counts each copy as an event of its own.
#include <map>

#include "rules/codes.h"
#include "rules/describe.h"
#include "rules/rules.h"
#include "vinledger/event_identity.h"

namespace vinledger::rules {

void check_duplicate_events(const VehicleContext& context, Findings& out) {
  std::map<Hash, const VehicleEvent*> first_of;
  for (const auto& event : context.events) {
    auto identity = event_identity(event.statement.object);
    if (!identity) continue;
    auto [first, inserted] = first_of.emplace(identity->digest, &event);
    if (inserted) continue;
    const VehicleEvent& original = *first->second;
    out.push_back(make_finding(
        context, code::kDuplicateEvent, Severity::kMedium, event.seq,
        "seq " + std::to_string(event.seq) + " repeats seq " + std::to_string(original.seq) + " (" +
            event_label(event) + " by " + party_label(context, event.statement.actor, event.seq) + ", " +
            identity->sameness + "): the same event was recorded twice, and every rule counts the copy as an event "
            "of its own; the party that recorded it can withdraw the copy with a void",
        {original.seq, event.seq}));
  }
}

}  // namespace vinledger::rules
