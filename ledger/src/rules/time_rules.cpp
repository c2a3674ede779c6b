// TIME_REVERSAL: an event dated before an event already recorded for the
// vehicle (backdating, or a chain assembled out of order).
// AFTER_TERMINAL: anything recorded after the vehicle was destroyed (a
// scrapped vehicle's identity reused).
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

// Parties' clocks disagree by minutes, and a hand-over recorded by the
// receiver can carry the giver's paperwork time: an hour of slack keeps
// those from reading as backdating.
constexpr std::int64_t kClockSlackSeconds = 3600;

}  // namespace

void check_time_reversal(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 1; i < context.events.size(); ++i) {
    const CustodyState& state = context.custody.before[i];
    const VehicleEvent& event = context.events[i];
    if (state.latest_time_seq < 0 || event.statement.time.seconds + kClockSlackSeconds >= state.latest_time.seconds)
      continue;
    const std::int64_t hours = (state.latest_time.seconds - event.statement.time.seconds) / 3600;
    out.push_back(make_finding(
        context, "TIME_REVERSAL", Severity::kMedium, event.seq,
        event_label(event) + " by " + party_label(context, event.statement.actor, event.seq) + " is dated " +
            format_timestamp(event.statement.time.seconds) + ", " + std::to_string(hours) +
            " hour(s) before the event already recorded at seq " + std::to_string(state.latest_time_seq) + " (" +
            format_timestamp(state.latest_time.seconds) + "): the chain's events are out of order in time",
        {state.latest_time_seq, event.seq}));
  }
}

void check_after_terminal(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const CustodyState& state = context.custody.before[i];
    if (state.terminal_seq < 0) continue;
    const VehicleEvent& event = context.events[i];
    out.push_back(make_finding(context, "AFTER_TERMINAL", Severity::kHigh, event.seq,
                               event_label(event) + " (" + event_summary(context, event) + ", recorded by " +
                                   party_label(context, event.statement.actor, event.seq) +
                                   ") comes after the vehicle was recorded destroyed at seq " +
                                   std::to_string(state.terminal_seq) +
                                   ": a destroyed vehicle's identity is being used again",
                               {state.terminal_seq, event.seq}));
  }
}

}  // namespace vinledger::rules
