// Voyages that do not add up.
// ARRIVAL_WITHOUT_LEG: an import at the declared destination although the
// voyage's recorded legs (sea, land, air) all end elsewhere. A voyage with
// no leg recorded at all is not this finding: carriers need not be on the
// ledger.
// UNKNOWN_LOCODE: a port or place code that is not in the UN/LOCODE list.
// LEG_TO_NO_PORT: a sea leg to or from a place the UN/LOCODE list does not
// mark as a port (an inland town, an airport): a ship cannot call there, so
// the leg hides where the vehicle really went (an anchorage, a
// ship-to-ship transfer). A code marked as an airport only is not judged:
// the shipped edition lists several Chinese seaport codes (CNSHA, CNDLC,
// CNTSN) as airports only (ledger/data/README.md).
// PORT_COUNTRY_MISMATCH: an export or import whose port lies in another
// country than the one the statement names.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

// The UN/LOCODE fields of an event, with what each is.
std::vector<std::pair<const char*, std::string_view>> place_fields(const VehicleEvent& event) {
  switch (type_of(event)) {
    case StatementType::kExport: return {{"port of loading", text_field(event, "port")}};
    case StatementType::kImport: return {{"port of entry", text_field(event, "port")}};
    case StatementType::kShip: return {{"port of departure", leg_from(event)}, {"port of arrival", leg_to(event)}};
    case StatementType::kMove: return {{"place of departure", leg_from(event)}, {"place of arrival", leg_to(event)}};
    default: return {};
  }
}

}  // namespace

void check_arrival_without_leg(const VehicleContext& context, Findings& out) {
  for (const auto& voyage : context.voyages.voyages) {
    if (voyage.end != VoyageEnd::kArrived || voyage.leg_indices.empty()) continue;
    const VehicleEvent& arrival = context.events[voyage.end_index];
    if (type_of(arrival) != StatementType::kImport) continue;
    bool reached = false;
    std::vector<std::int64_t> evidence = {voyage.export_seq, arrival.seq};
    for (std::size_t leg : voyage.leg_indices) {
      reached = reached || place_of(context.events[leg]) == voyage.destination;
      evidence.push_back(context.events[leg].seq);
    }
    if (reached) continue;
    const VehicleEvent& last = context.events[voyage.leg_indices.back()];
    const std::string legs = seqs_text(std::vector<std::int64_t>(evidence.begin() + 2, evidence.end()));
    out.push_back(make_finding(
        context, code::kArrivalWithoutLeg, Severity::kHigh, arrival.seq,
        "the vehicle was " + event_summary(context, arrival) + " at seq " + std::to_string(arrival.seq) + ", but no leg of " +
            voyage_text(context, voyage) + " reaches " + country_label(context, voyage.destination) + ": the legs at " +
            legs + " end at " +
            port_label(context, leg_to(last)) + ". The import may be paperwork for a vehicle that went elsewhere",
        std::move(evidence)));
  }
}

void check_unknown_locodes(const VehicleContext& context, Findings& out) {
  if (!context.reference.has_locodes()) return;
  for (const auto& event : context.events)
    for (const auto& [what, code] : place_fields(event)) {
      if (code.empty() || context.reference.locode(code).known) continue;
      out.push_back(make_finding(context, code::kUnknownLocode, Severity::kHigh, event.seq,
                                 event_label(event) + " names " + std::string(code) + " as its " + what +
                                     ", which is not a UN/LOCODE (not in the code list shipped as "
                                     "locodes.csv): the place cannot be identified",
                                 {event.seq}));
    }
}

void check_legs_to_no_port(const VehicleContext& context, Findings& out) {
  if (!context.reference.has_locodes()) return;
  for (const auto& event : context.events) {
    if (type_of(event) != StatementType::kShip) continue;
    for (const auto& [what, code] : place_fields(event)) {
      const LocodeInfo info = context.reference.locode(code);
      if (!info.known || info.port || info.function == "---4----") continue;
      out.push_back(make_finding(context, code::kLegToNoPort, Severity::kHigh, event.seq,
                                 event_label(event) + " (" + event_summary(context, event) + ") names " +
                                     port_label(context, code) + " as its " + what +
                                     ", a place the UN/LOCODE list does not mark as a port (functions " +
                                     info.function + "): a ship cannot call there, so where the vehicle was "
                                     "landed is not recorded",
                                 {event.seq}));
    }
  }
}

void check_port_country(const VehicleContext& context, Findings& out) {
  for (const auto& event : context.events) {
    const StatementType type = type_of(event);
    if (type != StatementType::kExport && type != StatementType::kImport) continue;
    const std::string_view port = text_field(event, "port"), country = text_field(event, "country");
    if (port.empty() || country.empty() || country_of_port(port) == country) continue;
    out.push_back(make_finding(context, code::kPortCountryMismatch, Severity::kHigh, event.seq,
                               event_label(event) + " names " + country_label(context, country) + " but its port " +
                                   port_label(context, port) + " lies in another country: judge the vehicle by "
                                   "where the port is",
                               {event.seq}));
  }
}

}  // namespace vinledger::rules
