// UNDECLARED_EXPORT: with no export declaration open, the vehicle shows up
// in a country other than the one it was last in (an import, registration,
// hand-over, shipping leg or export declaration there). A re-export is not
// this: a fresh declaration from the country the vehicle is in opens a new
// voyage. Inside a customs union (the EU single market, the EAEU) goods
// cross borders with no export declaration: a move between two members is
// not this finding (an embargoed member is still judged by the embargo rules).
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {

void check_undeclared_export(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    if (context.voyages.open_before[i] >= 0) continue;
    const CustodyState& state = context.custody.before[i];
    const VehicleEvent& event = context.events[i];
    const std::string_view place = place_of(event);
    if (state.country.empty() || place.empty() || place == state.country) continue;
    if (type_of(event) == StatementType::kManufacture) continue;  // a second origin: DUPLICATE_ORIGIN
    if (!context.reference.shared_customs_union(state.country, place).empty()) continue;
    out.push_back(make_finding(
        context, code::kUndeclaredExport, Severity::kHigh, event.seq,
        "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) + " (by " +
            party_label(context, event.statement.actor, event.seq) + "), but it was last in " +
            country_label(context, state.country) + " (seq " + std::to_string(state.country_seq) +
            ") and no export from " + country_label(context, state.country) + " was declared",
        {state.country_seq, event.seq}));
  }
}

}  // namespace vinledger::rules
