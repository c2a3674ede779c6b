// ROUTE_DEVIATION: while an export declaration is open, the vehicle goes to
// a country the declaration does not name: a shipping leg to it, or a
// hand-over, destruction or new export declaration there.
// DESTINATION_MISMATCH: while an export declaration is open, the vehicle is
// imported or registered in a country other than the declared destination.
// Countries the declaration names (origin, destination, `via`) never fire,
// so a declared transshipment through a hub is clean. A sea leg to a liner
// transshipment hub (trade_places.csv) that the vehicle leaves again with
// no import there is ordinary transshipment: low, saying so. A vehicle
// shipped back and re-imported into its country of origin (a returned or
// cancelled export) is low too; registered back home with no leg and no
// re-import it stays high (the export was declared, the car never left).
#include <algorithm>

#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

bool lands_the_vehicle(StatementType type) { return type == StatementType::kImport || type == StatementType::kRegister; }

// A re-import into the origin after a leg that brought the vehicle back.
bool returned_home(const VehicleContext& context, const Voyage& voyage, const VehicleEvent& event) {
  if (type_of(event) != StatementType::kImport || place_of(event) != voyage.origin || voyage.leg_indices.empty())
    return false;
  return place_of(context.events[voyage.leg_indices.back()]) == voyage.origin;
}

// A sea leg that calls at a liner hub and is followed by another leg.
bool hub_transshipment(const VehicleContext& context, const Voyage& voyage, const VehicleEvent& event) {
  if (type_of(event) != StatementType::kShip) return false;
  const TradePlace* hub = context.reference.trade_place(leg_to(event));
  if (!hub || hub->kind != TradePlace::Kind::kTransshipmentHub) return false;
  const auto here = std::find_if(voyage.leg_indices.begin(), voyage.leg_indices.end(),
                                 [&](std::size_t i) { return context.events[i].seq == event.seq; });
  return here != voyage.leg_indices.end() && here + 1 != voyage.leg_indices.end() &&
         leg_from(context.events[*(here + 1)]) == leg_to(event);
}

void check_landing(const VehicleContext& context, const Voyage& voyage, const VehicleEvent& event, Findings& out) {
  const std::string_view place = place_of(event);
  if (place.empty() || place == voyage.destination) return;
  if (returned_home(context, voyage, event)) {
    const VehicleEvent& back = context.events[voyage.leg_indices.back()];
    out.push_back(make_finding(
        context, code::kDestinationMismatch, Severity::kLow, event.seq,
        "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) + " after the leg at seq " +
            std::to_string(back.seq) + " brought it back to " + country_label(context, voyage.origin) + ": " +
            voyage_text(context, voyage) + " was returned or cancelled, and the vehicle re-imported at home; "
            "nothing to hold, keep the return papers with the file",
        {voyage.export_seq, back.seq, event.seq}));
    return;
  }
  out.push_back(make_finding(
      context, code::kDestinationMismatch, Severity::kHigh, event.seq,
      "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) + " (by " +
          party_label(context, event.statement.actor, event.seq) + "), but " + voyage_text(context, voyage) +
          " named " + country_label(context, voyage.destination) + " as its final destination",
      {voyage.export_seq, event.seq}));
}

void check_movement(const VehicleContext& context, const Voyage& voyage, const VehicleEvent& event,
                    std::string_view location, Findings& out) {
  const std::string_view place = place_of(event);
  if (place.empty() || place == location || voyage.on_declared_route(place)) return;
  if (hub_transshipment(context, voyage, event)) {
    out.push_back(make_finding(context, code::kRouteDeviation, Severity::kLow, event.seq,
                               "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) +
                                   " under " + voyage_text(context, voyage) + "; " +
                                   port_label(context, leg_to(event)) + " is a liner transshipment hub not declared "
                                   "as transit, and the next leg takes the vehicle on with no import there: "
                                   "ordinary transshipment",
                               {voyage.export_seq, event.seq}));
    return;
  }
  out.push_back(make_finding(
      context, code::kRouteDeviation, Severity::kHigh, event.seq,
      "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) + " under " +
          voyage_text(context, voyage) + ", but " + off_route_text(context, voyage, place),
      {voyage.export_seq, event.seq}));
}

}  // namespace

void check_destination_mismatch(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const int open = context.voyages.open_before[i];
    const VehicleEvent& event = context.events[i];
    if (open < 0 || !lands_the_vehicle(type_of(event))) continue;
    check_landing(context, context.voyages.voyages[static_cast<std::size_t>(open)], event, out);
  }
}

void check_route_deviation(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const int open = context.voyages.open_before[i];
    const VehicleEvent& event = context.events[i];
    if (open < 0 || lands_the_vehicle(type_of(event)) || type_of(event) == StatementType::kManufacture) continue;
    check_movement(context, context.voyages.voyages[static_cast<std::size_t>(open)], event,
                   context.custody.before[i].country, out);
  }
}

}  // namespace vinledger::rules
