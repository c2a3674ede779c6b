// NO_ARRIVAL: an export declaration with no import at (or registration in)
// the destination within --arrival-window days, as of --as-of. A vehicle
// that did arrive, but after the window, is reported at low severity; one
// imported elsewhere (DESTINATION_MISMATCH), re-exported under a fresh
// declaration or destroyed is not reported here.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

std::vector<std::int64_t> voyage_seqs(const VehicleContext& context, const Voyage& voyage) {
  std::vector<std::int64_t> seqs = {voyage.export_seq};
  for (std::size_t leg : voyage.leg_indices) seqs.push_back(context.events[leg].seq);
  return seqs;
}

std::string last_seen_text(const VehicleContext& context, const Voyage& voyage) {
  if (voyage.leg_indices.empty()) return "; no leg (sea, land or air) is recorded";
  std::vector<std::int64_t> legs;
  for (std::size_t index : voyage.leg_indices) legs.push_back(context.events[index].seq);
  const VehicleEvent& last = context.events[voyage.leg_indices.back()];
  return "; legs recorded at " + seqs_text(legs) + ", the last " + port_label(context, leg_from(last)) + " -> " +
         port_label(context, leg_to(last));
}

void check_late_arrival(const VehicleContext& context, const Voyage& voyage, Findings& out) {
  const VehicleEvent& declaration = context.events[voyage.export_index];
  const VehicleEvent& arrival = context.events[voyage.end_index];
  const std::int64_t days = (arrival.statement.time.seconds - declaration.statement.time.seconds) / kSecondsPerDay;
  if (days <= context.options.arrival_window_days) return;
  auto evidence = voyage_seqs(context, voyage);
  evidence.push_back(arrival.seq);
  out.push_back(make_finding(context, code::kNoArrival, Severity::kLow, arrival.seq,
                             voyage_text(context, voyage) + " on " + date_text(declaration.statement.time) +
                                 " arrived only " + std::to_string(days) + " days later (" +
                                 event_summary(context, arrival) + " at seq " + std::to_string(arrival.seq) + " on " +
                                 date_text(arrival.statement.time) + "), beyond the " +
                                 std::to_string(context.options.arrival_window_days) + "-day arrival window",
                             std::move(evidence)));
}

void check_missing_arrival(const VehicleContext& context, const Voyage& voyage, Findings& out) {
  const VehicleEvent& declaration = context.events[voyage.export_index];
  const std::int64_t days = (context.options.as_of.seconds - declaration.statement.time.seconds) / kSecondsPerDay;
  if (days <= context.options.arrival_window_days) return;
  out.push_back(make_finding(context, code::kNoArrival, Severity::kMedium, voyage.export_seq,
                             voyage_text(context, voyage) + " on " + date_text(declaration.statement.time) +
                                 " has no import into " + country_label(context, voyage.destination) + " recorded: " +
                                 std::to_string(days) + " days had passed by " + date_text(context.options.as_of) +
                                 ", more than the " + std::to_string(context.options.arrival_window_days) +
                                 "-day arrival window" + last_seen_text(context, voyage),
                             voyage_seqs(context, voyage)));
}

}  // namespace

void check_arrival(const VehicleContext& context, Findings& out) {
  for (const auto& voyage : context.voyages.voyages) {
    if (voyage.end == VoyageEnd::kArrived) check_late_arrival(context, voyage, out);
    if (voyage.end == VoyageEnd::kOpen) check_missing_arrival(context, voyage, out);
  }
}

}  // namespace vinledger::rules
