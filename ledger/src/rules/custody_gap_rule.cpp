// CUSTODY_GAP: an event by or from a party that does not hold the vehicle:
// a transfer from someone other than the custodian (or recorded by neither
// side), an export declared by someone other than the custodian, a
// destruction by neither the custodian nor a registry. The finding names
// who the custodian should have been. A party whose hand-over is pending
// the giver's confirmation (UNCONFIRMED_TRANSFER) acting on it is judged
// by that rule, not here: the giver is never blamed for the claim.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

bool has_role(const VehicleContext& context, std::string_view id, std::int64_t seq, Role role) {
  const PartyVersion* party = context.parties.as_of(id, seq);
  return party && party->record.roles.has(role);
}

std::string custodian_text(const VehicleContext& context, const CustodyState& state, std::int64_t seq) {
  return "the custodian at that point was " + party_label(context, state.custodian, seq) + " (since seq " +
         std::to_string(state.custodian_seq) + ")";
}

// What is wrong with event `event` given who held the vehicle, or "".
std::string gap_in(const VehicleContext& context, const VehicleEvent& event, const CustodyState& state) {
  const std::int64_t seq = event.seq;
  const std::string_view actor = event.statement.actor;
  switch (type_of(event)) {
    case StatementType::kTransfer: {
      const std::string_view from = text_field(event, "from"), to = text_field(event, "to");
      std::string problem;
      // The receiver's own record of the hand-over that made it custodian.
      const bool receivers_copy = actor == to && to == state.custodian && from == state.giver;
      if (from != state.custodian && from != state.claimant && !receivers_copy)
        problem = event_label(event) + " hands the vehicle from " + party_label(context, from, seq) + " to " +
                  party_label(context, to, seq) + ", but " + custodian_text(context, state, seq);
      if (actor != from && actor != to)
        problem += std::string(problem.empty() ? event_label(event) : ";") + " is recorded by " +
                   party_label(context, actor, seq) + ", who is neither the giver nor the receiver";
      return problem;
    }
    case StatementType::kExport:
      if (actor == state.custodian || actor == state.claimant) return "";
      return event_label(event) + " is made by " + party_label(context, actor, seq) + ", but " +
             custodian_text(context, state, seq) + ": only the holder of a vehicle can declare it for export";
    case StatementType::kDestroy:
      if (actor == state.custodian || actor == state.claimant || has_role(context, actor, seq, Role::kRegistry))
        return "";
      return event_label(event) + " is recorded by " + party_label(context, actor, seq) +
             ", who is not a registry, but " + custodian_text(context, state, seq);
    default: return "";
  }
}

}  // namespace

void check_custody_gaps(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const CustodyState& state = context.custody.before[i];
    if (state.custodian.empty()) continue;  // no origin: NO_ORIGIN says so
    const VehicleEvent& event = context.events[i];
    std::string problem = gap_in(context, event, state);
    if (problem.empty()) continue;
    out.push_back(make_finding(context, code::kCustodyGap, Severity::kHigh, event.seq, std::move(problem),
                               {state.custodian_seq, event.seq}));
  }
}

}  // namespace vinledger::rules
