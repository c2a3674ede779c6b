// ROUTE_DEVIATION: while an export declaration is open, the vehicle goes to
// a country the declaration does not name: a shipping leg to it, or a
// hand-over, destruction or new export declaration there.
// DESTINATION_MISMATCH: while an export declaration is open, the vehicle is
// imported or registered in a country other than the declared destination.
// Countries the declaration names (origin, destination, `via`) never fire,
// so a declared transshipment through a hub is clean.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

bool lands_the_vehicle(StatementType type) { return type == StatementType::kImport || type == StatementType::kRegister; }

void check_landing(const VehicleContext& context, const Voyage& voyage, const VehicleEvent& event, Findings& out) {
  const std::string_view place = place_of(event);
  if (place.empty() || place == voyage.destination) return;
  out.push_back(make_finding(
      context, "DESTINATION_MISMATCH", Severity::kHigh, event.seq,
      "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) + " (by " +
          party_label(context, event.statement.actor, event.seq) + "), but " + voyage_text(context, voyage) +
          " named " + country_label(context, voyage.destination) + " as its final destination",
      {voyage.export_seq, event.seq}));
}

void check_movement(const VehicleContext& context, const Voyage& voyage, const VehicleEvent& event,
                    std::string_view location, Findings& out) {
  const std::string_view place = place_of(event);
  if (place.empty() || place == location || voyage.on_declared_route(place)) return;
  out.push_back(make_finding(
      context, "ROUTE_DEVIATION", Severity::kHigh, event.seq,
      "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) + " under " +
          voyage_text(context, voyage) + ", but " + off_route_text(context, voyage, place),
      {voyage.export_seq, event.seq}));
}

}  // namespace

void check_route(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const int open = context.voyages.open_before[i];
    if (open < 0) continue;
    const Voyage& voyage = context.voyages.voyages[static_cast<std::size_t>(open)];
    const VehicleEvent& event = context.events[i];
    if (lands_the_vehicle(type_of(event)))
      check_landing(context, voyage, event, out);
    else if (type_of(event) != StatementType::kManufacture)
      check_movement(context, voyage, event, context.custody.before[i].country, out);
  }
}

}  // namespace vinledger::rules
