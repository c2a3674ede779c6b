#include "custody_model.h"

#include "event_fields.h"

namespace vinledger {
namespace {

void take_custody(CustodyState& state, std::string_view party, std::int64_t seq, std::string_view giver = {}) {
  state.custodian = party;
  state.custodian_seq = seq;
  state.giver = giver;
  state.claimant = {};
  state.claim_seq = -1;
}

void apply_transfer(CustodyState& state, const VehicleEvent& event) {
  const std::string_view actor = event.statement.actor, from = text_field(event, "from"), to = text_field(event, "to");
  if (actor != to || actor == from) {
    take_custody(state, to, event.seq, from);
    return;
  }
  // Recorded by the receiver alone: the receiver's own record of a
  // hand-over the giver already recorded changes nothing; anything else
  // is a claim that waits for the giver.
  if (state.custodian == to && state.giver == from) return;
  state.claimant = to;
  state.claim_seq = event.seq;
}

}  // namespace

CustodyState apply_custody(CustodyState state, const VehicleEvent& event) {
  const std::int64_t seq = event.seq;
  switch (type_of(event)) {
    case StatementType::kManufacture:
      if (state.origin_seq < 0) state.origin_seq = seq;
      take_custody(state, event.statement.actor, seq);
      break;
    case StatementType::kTransfer: apply_transfer(state, event); break;
    case StatementType::kImport: take_custody(state, event.statement.actor, seq); break;
    case StatementType::kDestroy:
      if (state.terminal_seq < 0) state.terminal_seq = seq;
      break;
    default: break;
  }
  if (auto place = place_of(event); !place.empty() && place != state.country) {
    state.country = place;
    state.country_seq = seq;
  }
  if (state.latest_time_seq < 0 || event.statement.time > state.latest_time) {
    state.latest_time = event.statement.time;
    state.latest_time_seq = seq;
  }
  return state;
}

CustodyTimeline build_custody_timeline(std::span<const VehicleEvent> events) {
  CustodyTimeline timeline;
  timeline.before.reserve(events.size());
  for (const auto& event : events) {
    timeline.before.push_back(timeline.after);
    timeline.after = apply_custody(timeline.after, event);
  }
  return timeline;
}

}  // namespace vinledger
