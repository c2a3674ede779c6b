#include "voyage_model.h"

#include <algorithm>

#include "event_fields.h"

namespace vinledger {
namespace {

Voyage open_voyage(const VehicleEvent& event, std::size_t index) {
  Voyage voyage;
  voyage.export_index = index;
  voyage.export_seq = event.seq;
  voyage.origin = text_field(event, "country");
  voyage.destination = text_field(event, "destination");
  voyage.via = text_list_field(event, "via");
  return voyage;
}

void end_voyage(Voyage& voyage, VoyageEnd end, std::size_t index) {
  voyage.end = end;
  voyage.end_index = index;
}

}  // namespace

bool Voyage::on_declared_route(std::string_view country) const {
  return country == origin || country == destination || std::find(via.begin(), via.end(), country) != via.end();
}

VoyageTimeline build_voyage_timeline(std::span<const VehicleEvent> events) {
  VoyageTimeline timeline;
  int open = -1;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const VehicleEvent& event = events[i];
    timeline.open_before.push_back(open);
    Voyage* current = open >= 0 ? &timeline.voyages[static_cast<std::size_t>(open)] : nullptr;
    switch (type_of(event)) {
      case StatementType::kExport:
        if (current) end_voyage(*current, VoyageEnd::kReExported, i);
        timeline.voyages.push_back(open_voyage(event, i));
        open = static_cast<int>(timeline.voyages.size()) - 1;
        break;
      case StatementType::kShip:
      case StatementType::kMove:
        if (current) current->leg_indices.push_back(i);
        break;
      case StatementType::kImport:
        if (current) {
          const bool at_destination = place_of(event) == current->destination;
          end_voyage(*current, at_destination ? VoyageEnd::kArrived : VoyageEnd::kImportedElsewhere, i);
          open = -1;
        }
        break;
      case StatementType::kRegister:
        // Registration at the destination shows the vehicle got there;
        // registration anywhere else is judged by the route rules and
        // leaves the voyage open.
        if (current && place_of(event) == current->destination) {
          end_voyage(*current, VoyageEnd::kArrived, i);
          open = -1;
        }
        break;
      case StatementType::kDestroy:
        if (current) {
          end_voyage(*current, VoyageEnd::kDestroyed, i);
          open = -1;
        }
        break;
      default: break;
    }
    timeline.during.push_back(type_of(event) == StatementType::kExport ? open : timeline.open_before.back());
  }
  return timeline;
}

}  // namespace vinledger
