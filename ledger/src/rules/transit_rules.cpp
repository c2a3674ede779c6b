// Quick re-export and going dark, judged against the trade places of the
// reference data (trade_places.csv: transit countries and points toward an
// embargoed country) and the embargo rules that follow the vehicle.
// QUICK_REEXPORT: imported or registered in a country and declared for
// export again within kQuickDays, toward a transit country or point of an
// embargoed country (its destination, a transit country, or a leg of it to
// a transit point). High when a rule covering that embargoed country
// binds this vehicle (it left a bound country, or its origin or exporter
// is bound); medium otherwise.
// GONE_DARK: imported into a transit country while a national measure
// covering the embargoed country follows the vehicle (Japan's, the EU's,
// the US's: a UN measure binds every vehicle everywhere and says nothing
// about this one), then nothing at all (not even a registration) for
// kDarkDays as of --as-of. Transit points (ports such as Vladivostok) are
// left out: they are ordinary destinations in their own right.
// PAPER_DESTRUCTION: recorded destroyed within kQuickDays of such an
// import: a write-off on paper is how a re-export is hidden.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/exposure.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kQuickDays = 30;
// A year: a dealer's stock can sit unregistered for months.
constexpr std::int64_t kDarkDays = 365;

// The embargoed country a country or place leads to, and the table row.
const TradePlace* transit_toward(const VehicleContext& context, std::string_view country, std::string_view locode) {
  for (std::string_view code : {locode, country}) {
    if (code.empty()) continue;
    const TradePlace* place = context.reference.trade_place(code);
    if (place && place->kind != TradePlace::Kind::kTransshipmentHub && !place->toward.empty()) return place;
  }
  return nullptr;
}

std::string place_text(const VehicleContext& context, const TradePlace& place) {
  const std::string where = place.kind == TradePlace::Kind::kTransitCountry ? country_label(context, place.code)
                                                                            : port_label(context, place.code);
  return where + ", a known transit route to " + country_label(context, place.toward) + " (" + place.note + "; " +
         (place.provenance.verified ? "source verified: " : "source NOT verified: ") + place.provenance.source + ")";
}

// The rules that would bind a supply of the vehicle to `embargoed`, judged
// at position `index` as if it went on there from `from` with no new
// declaration (every export up to `index` counts as an earlier one).
std::vector<Exposure> binding_rules(const VehicleContext& context, std::string_view embargoed, std::size_t index,
                                    std::string_view from) {
  auto found = exposures(context, embargoed, index, nullptr, from);
  std::erase_if(found, [](const Exposure& e) { return e.coverage < Coverage::kUncertain; });
  return found;
}

// A transit country (not a point) toward an embargoed country.
const TradePlace* transit_country(const VehicleContext& context, std::string_view country) {
  const TradePlace* place = context.reference.trade_place(country);
  return place && place->kind == TradePlace::Kind::kTransitCountry && !place->toward.empty() ? place : nullptr;
}

// The national measures among `found`: those that bind named countries.
std::vector<Exposure> national(std::vector<Exposure> found) {
  std::erase_if(found, [](const Exposure& e) { return e.rule->exporting_countries.empty(); });
  return found;
}

std::string binding_text(const std::vector<Exposure>& found, std::vector<std::int64_t>& evidence) {
  std::vector<std::string> parts;
  for (const auto& exposure : found) {
    std::string part = exposure.rule->id;
    if (!exposure.basis_text.empty()) part += " (" + exposure.basis_text + ")";
    if (!exposure.why.empty()) part += ": " + exposure.why;
    parts.push_back(std::move(part));
    evidence.insert(evidence.end(), exposure.evidence.begin(), exposure.evidence.end());
  }
  return joined(parts);
}

// Where the vehicle arrived at position `index` (an import or registration).
struct Arrival {
  std::size_t index = 0;
  std::string_view country, locode;
};

std::optional<Arrival> arrival_at(const VehicleContext& context, std::size_t index) {
  const VehicleEvent& event = context.events[index];
  const StatementType type = type_of(event);
  if (type != StatementType::kImport && type != StatementType::kRegister) return std::nullopt;
  return Arrival{index, place_of(event), type == StatementType::kImport ? text_field(event, "port") : std::string_view()};
}

}  // namespace

void check_quick_reexport(const VehicleContext& context, Findings& out) {
  std::optional<Arrival> last;
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const VehicleEvent& event = context.events[i];
    if (auto arrival = arrival_at(context, i)) {
      last = arrival;
      continue;
    }
    if (type_of(event) != StatementType::kExport || !last) continue;
    const VehicleEvent& arrived = context.events[last->index];
    const std::int64_t days = (event.statement.time.seconds - arrived.statement.time.seconds) / kSecondsPerDay;
    if (days > kQuickDays || text_field(event, "country") != last->country) continue;
    const TradePlace* transit = transit_toward(context, text_field(event, "destination"), {});
    for (auto via : text_list_field(event, "via"))
      if (!transit) transit = transit_toward(context, via, {});
    // The new voyage's legs may name a transit point (Dalian, Nakhodka).
    if (const Voyage* voyage = voyage_during(context, i); voyage && !transit)
      for (std::size_t leg : voyage->leg_indices)
        if (!transit) transit = transit_toward(context, {}, leg_to(context.events[leg]));
    if (!transit) continue;
    std::vector<std::int64_t> evidence = {arrived.seq, event.seq};
    auto found = binding_rules(context, transit->toward, i, last->country);
    std::string message = "the vehicle was " + event_summary(context, arrived) + " at seq " + std::to_string(arrived.seq) +
                          " and declared for export again " + std::to_string(days) + " day(s) later (seq " +
                          std::to_string(event.seq) + ") toward " + place_text(context, *transit);
    if (!found.empty())
      message += "; supplying it to " + country_label(context, transit->toward) + " is barred by " +
                 binding_text(found, evidence);
    out.push_back(make_finding(context, code::kQuickReexport, found.empty() ? Severity::kMedium : Severity::kHigh, event.seq,
                               message + ": ask who the final buyer is", std::move(evidence)));
  }
}

void check_gone_dark(const VehicleContext& context, Findings& out) {
  if (context.events.empty()) return;
  const std::size_t last = context.events.size() - 1;
  const VehicleEvent& event = context.events[last];
  if (type_of(event) != StatementType::kImport) return;
  const std::int64_t days = (context.options.as_of.seconds - event.statement.time.seconds) / kSecondsPerDay;
  if (days <= kDarkDays) return;
  const TradePlace* transit = transit_country(context, place_of(event));
  if (!transit) return;
  std::vector<std::int64_t> evidence = {event.seq};
  auto found = national(binding_rules(context, transit->toward, last, place_of(event)));
  if (found.empty()) return;
  const std::string barred_by = binding_text(found, evidence);
  out.push_back(make_finding(
      context, code::kGoneDark, Severity::kHigh, event.seq,
      "the vehicle was " + event_summary(context, event) + " at seq " + std::to_string(event.seq) + ", " +
          place_text(context, *transit) + ", and nothing has been recorded since: " + std::to_string(days) +
          " days by " + date_text(context.options.as_of) + ", not even a registration. Supplying it to " +
          country_label(context, transit->toward) + " is barred by " + barred_by +
          ": ask the importer where the vehicle is",
      std::move(evidence)));
}

void check_paper_destruction(const VehicleContext& context, Findings& out) {
  std::optional<Arrival> last;
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const VehicleEvent& event = context.events[i];
    if (auto arrival = arrival_at(context, i); arrival && type_of(event) == StatementType::kImport) last = arrival;
    if (type_of(event) != StatementType::kDestroy || !last) continue;
    const VehicleEvent& imported = context.events[last->index];
    const std::int64_t days = (event.statement.time.seconds - imported.statement.time.seconds) / kSecondsPerDay;
    if (days > kQuickDays) continue;
    const TradePlace* transit = transit_country(context, last->country);
    if (!transit) continue;
    std::vector<std::int64_t> evidence = {imported.seq, event.seq};
    auto found = national(binding_rules(context, transit->toward, last->index, last->country));
    if (found.empty()) continue;
    const std::string barred_by = binding_text(found, evidence);
    out.push_back(make_finding(
        context, code::kPaperDestruction, Severity::kHigh, event.seq,
        event_label(event) + " (by " + party_label(context, event.statement.actor, event.seq) + ") comes " +
            std::to_string(days) + " day(s) after the vehicle was " + event_summary(context, imported) + " at seq " +
            std::to_string(imported.seq) + ", " + place_text(context, *transit) + ". Supplying it to " +
            country_label(context, transit->toward) + " is barred by " + barred_by +
            ": ask for the scrapping certificate and the wreck",
        std::move(evidence)));
  }
}

}  // namespace vinledger::rules
