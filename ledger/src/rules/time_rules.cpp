// TIME_REVERSAL: an event dated before an event already recorded for the
// vehicle (backdating, or a chain assembled out of order). Legs are judged
// by their time (a carrier's late record is ordinary), and so is a giver's
// late confirmation of a hand-over its receiver recorded first.
// BACKDATED: an export or hand-over written in after later events were
// already recorded, dated before an embargo rule came into force that
// would cover it, while the chain had already gone past that date: the
// paperwork was dated to escape the ban.
// AFTER_TERMINAL: anything recorded after the vehicle was destroyed (a
// scrapped vehicle's identity reused).
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/exposure.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

// Parties' clocks disagree by minutes, and a hand-over recorded by the
// receiver can carry the giver's paperwork time: an hour of slack keeps
// those from reading as backdating.
constexpr std::int64_t kClockSlackSeconds = 3600;

// A statement recorded within this long of its event time is not written
// in after the fact, whatever else was recorded before it.
constexpr std::int64_t kBackdatingLagSeconds = 14 * 86400;

// A transfer by its giver that confirms a receiver's earlier claim.
bool confirms_a_claim(std::span<const VehicleEvent> recorded, std::size_t index) {
  const VehicleEvent& event = recorded[index];
  if (type_of(event) != StatementType::kTransfer || event.statement.actor != text_field(event, "from")) return false;
  for (std::size_t i = 0; i < index; ++i) {
    const VehicleEvent& claim = recorded[i];
    if (type_of(claim) == StatementType::kTransfer && claim.statement.actor == text_field(claim, "to") &&
        text_field(claim, "from") == text_field(event, "from") && text_field(claim, "to") == text_field(event, "to"))
      return true;
  }
  return false;
}

// The latest-dated event recorded before position `index`, if it is dated
// more than the slack after the event at `index`.
const VehicleEvent* later_event_recorded_before(std::span<const VehicleEvent> recorded, std::size_t index) {
  const VehicleEvent* latest = nullptr;
  for (std::size_t i = 0; i < index; ++i)
    if (!latest || recorded[i].statement.time > latest->statement.time) latest = &recorded[i];
  if (!latest || recorded[index].statement.time.seconds + kClockSlackSeconds >= latest->statement.time.seconds)
    return nullptr;
  return latest;
}

// The countries an export or hand-over sends the vehicle to.
std::vector<std::string_view> destinations_of(const VehicleContext& context, const VehicleEvent& event) {
  std::vector<std::string_view> countries;
  if (type_of(event) == StatementType::kExport) {
    countries.push_back(text_field(event, "destination"));
    for (auto via : text_list_field(event, "via")) countries.push_back(via);
  } else {
    countries.push_back(text_field(event, "country"));
    if (const PartyVersion* receiver = context.parties.as_of(text_field(event, "to"), event.seq))
      countries.push_back(receiver->record.country);
  }
  return countries;
}

}  // namespace

void check_time_reversal(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 1; i < context.events.size(); ++i) {
    const CustodyState& state = context.custody.before[i];
    const VehicleEvent& event = context.events[i];
    if (state.latest_time_seq < 0 || event.statement.time.seconds + kClockSlackSeconds >= state.latest_time.seconds)
      continue;
    if (is_leg(type_of(event))) continue;  // a late leg: placed by its time (rules/run.cpp)
    std::size_t position = 0;
    while (position < context.recorded.size() && context.recorded[position].seq != event.seq) ++position;
    if (position < context.recorded.size() && confirms_a_claim(context.recorded, position)) continue;
    const std::int64_t hours = (state.latest_time.seconds - event.statement.time.seconds) / 3600;
    out.push_back(make_finding(
        context, code::kTimeReversal, Severity::kMedium, event.seq,
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
    out.push_back(make_finding(context, code::kAfterTerminal, Severity::kHigh, event.seq,
                               event_label(event) + " (" + event_summary(context, event) + ", recorded by " +
                                   party_label(context, event.statement.actor, event.seq) +
                                   ") comes after the vehicle was recorded destroyed at seq " +
                                   std::to_string(state.terminal_seq) +
                                   ": a destroyed vehicle's identity is being used again",
                               {state.terminal_seq, event.seq}));
  }
}

}  // namespace vinledger::rules

namespace vinledger::rules {

void check_backdating(const VehicleContext& context, Findings& out) {
  const auto recorded = context.recorded;
  for (std::size_t i = 1; i < recorded.size(); ++i) {
    const VehicleEvent& event = recorded[i];
    const StatementType type = type_of(event);
    if (type != StatementType::kExport && type != StatementType::kTransfer) continue;
    if (confirms_a_claim(recorded, i)) continue;
    const VehicleEvent* later = later_event_recorded_before(recorded, i);
    if (!later) continue;
    auto logged = parse_timestamp(event.recorded);
    if (logged && logged->seconds - event.statement.time.seconds < kBackdatingLagSeconds) continue;
    const std::string_view origin = type == StatementType::kExport ? text_field(event, "country") : std::string_view();
    std::vector<std::string> escaped;
    for (const auto& rule : context.reference.embargoes()) {
      if (!rule.in_force_from || !(event.statement.time < *rule.in_force_from) || later->statement.time < *rule.in_force_from)
        continue;
      if (!origin.empty() && !rule.binds_exports_from(origin)) continue;
      bool covered = false;
      for (auto country : destinations_of(context, event)) covered = covered || rule.covers_destination(country);
      if (covered) escaped.push_back(rule.id + " (in force from " + date_text(*rule.in_force_from) + ")");
    }
    if (escaped.empty()) continue;
    out.push_back(make_finding(
        context, code::kBackdated, Severity::kHigh, event.seq,
        event_label(event) + " by " + party_label(context, event.statement.actor, event.seq) + " (" +
            event_summary(context, event) + ") is dated " + date_text(event.statement.time) +
            ", but it was recorded after the event at seq " + std::to_string(later->seq) + " dated " +
            date_text(later->statement.time) + ": written in after the fact, it is dated just before " + joined(escaped) +
            " came into force, which would otherwise cover it. Check the customs record of its real date",
        {later->seq, event.seq}));
  }
}

}  // namespace vinledger::rules
