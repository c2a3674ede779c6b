// EMBARGOED_DESTINATION: the vehicle is declared for, routed through,
// consigned to, shipped or moved to, imported into, registered or handed
// over in a country under an embargo rule (rules.json) that binds this
// supply: the country it leaves, its exporter's nationality, or its origin.
// DIVERTED_VIA_THIRD_COUNTRY: the same, when only an earlier export binds
// it: the vehicle left a bound country for a third country and now reaches
// the embargoed one (the measure forbids indirect supply).
// Critical when the rule certainly covers the vehicle; high when a value,
// engine or fuel test cannot be done; low when a value cannot be compared
// at all (no exchange rate and no reference value).
#include <algorithm>
#include <cctype>

#include "event_fields.h"
#include "rules/describe.h"
#include "rules/exposure.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

// One way an event points the vehicle at a country.
struct Place {
  std::string_view country;
  // For an export: what the country is to it ("the declared destination");
  // for other events: what the event does ("takes the vehicle to").
  std::string role;
  std::int64_t party_seq = -1;  // a party's registration, when that is the evidence
};

void add_consignee(const VehicleContext& context, const VehicleEvent& event, std::vector<Place>& places) {
  const auto& object = event.statement.object;
  auto consignee = object.find("consignee");
  if (consignee == object.end()) return;
  if (consignee->is_string()) {
    const std::string& id = consignee->get_ref<const std::string&>();
    if (const PartyVersion* party = context.parties.as_of(id, event.seq))
      places.push_back({party->record.country,
                        "the country of the consignee " + party_label(context, id, event.seq) + " (registered at seq " +
                            std::to_string(party->seq) + ")",
                        party->seq});
  } else if (consignee->is_object() && consignee->contains("country") && consignee->at("country").is_string()) {
    places.push_back({consignee->at("country").get_ref<const std::string&>(), "the consignee's declared country"});
  }
}

std::vector<Place> places_of(const VehicleContext& context, const VehicleEvent& event) {
  std::vector<Place> places;
  switch (type_of(event)) {
    case StatementType::kExport:
      places.push_back({text_field(event, "destination"), "the declared destination"});
      for (auto via : text_list_field(event, "via")) places.push_back({via, "a declared transit country"});
      add_consignee(context, event, places);
      break;
    case StatementType::kShip:
    case StatementType::kMove: places.push_back({place_of(event), "takes the vehicle to"}); break;
    case StatementType::kImport:
      places.push_back({place_of(event), "brings the vehicle into"});
      if (country_of_port(text_field(event, "port")) != place_of(event))
        places.push_back({country_of_port(text_field(event, "port")), "names as its port of entry a port in"});
      break;
    case StatementType::kRegister: places.push_back({place_of(event), "registers the vehicle in"}); break;
    case StatementType::kTransfer: {
      places.push_back({place_of(event), "hands the vehicle over in"});
      const std::string_view to = text_field(event, "to");
      if (const PartyVersion* receiver = context.parties.as_of(to, event.seq))
        places.push_back({receiver->record.country,
                          "hands the vehicle to " + party_label(context, to, event.seq) + ", registered (seq " +
                              std::to_string(receiver->seq) + ") in",
                          receiver->seq});
      break;
    }
    default: break;
  }
  return places;
}

struct CountryHit {
  std::string_view country;
  std::vector<std::string> roles;
  std::vector<std::int64_t> evidence;
};

std::vector<CountryHit> group_by_country(const std::vector<Place>& places) {
  std::vector<CountryHit> hits;
  for (const auto& place : places) {
    if (place.country.empty()) continue;
    auto hit = std::find_if(hits.begin(), hits.end(), [&](const CountryHit& h) { return h.country == place.country; });
    if (hit == hits.end()) hit = hits.insert(hits.end(), CountryHit{place.country, {}, {}});
    if (std::find(hit->roles.begin(), hit->roles.end(), place.role) == hit->roles.end()) hit->roles.push_back(place.role);
    if (place.party_seq >= 0) hit->evidence.push_back(place.party_seq);
  }
  return hits;
}

std::string lead_text(const VehicleContext& context, const VehicleEvent& event, const Voyage* voyage,
                      const CountryHit& hit) {
  const std::string country = country_label(context, hit.country);
  const bool is_export = type_of(event) == StatementType::kExport;
  std::string message = is_export ? event_label(event) + " names " + country + " as " + joined(hit.roles)
                                  : event_label(event) + " (" + event_summary(context, event) + ") " +
                                        joined(hit.roles) + " " + country;
  if (voyage && !is_export) message += ", on " + voyage_text(context, *voyage);
  return message;
}

// Reports one finding per event and country: EMBARGOED_DESTINATION when a
// direct basis applies, DIVERTED_VIA_THIRD_COUNTRY when only an earlier
// export binds it.
void judge(const VehicleContext& context, std::size_t index, bool diversions, Findings& out) {
  const VehicleEvent& event = context.events[index];
  const Voyage* voyage = voyage_during(context, index);
  // The country the vehicle is supplied from: the voyage's origin, or,
  // with no declaration, wherever it last was.
  const std::string_view from = voyage ? voyage->origin : context.custody.before[index].country;
  for (auto& hit : group_by_country(places_of(context, event))) {
    auto found = exposures(context, hit.country, index, voyage, from);
    const bool direct = std::any_of(found.begin(), found.end(), [](const Exposure& e) { return e.basis != Basis::kFollows; });
    if (found.empty() || direct == diversions) continue;
    Coverage worst = Coverage::kNone;
    std::vector<std::string> by_coverage[4];
    std::vector<std::string> bases;
    for (const auto& exposure : found) {
      if (diversions == (exposure.basis != Basis::kFollows)) continue;
      worst = std::max(worst, exposure.coverage);
      by_coverage[static_cast<int>(exposure.coverage)].push_back(rule_text(*exposure.rule, exposure.why));
      if (!exposure.basis_text.empty() &&
          std::find(bases.begin(), bases.end(), exposure.basis_text) == bases.end())
        bases.push_back(exposure.basis_text);
      hit.evidence.insert(hit.evidence.end(), exposure.evidence.begin(), exposure.evidence.end());
    }
    std::string message = lead_text(context, event, voyage, hit) + ". ";
    if (!bases.empty()) message += "The measure applies because " + joined(bases) + ". ";
    message += "Supplying this vehicle to " + country_label(context, hit.country);
    const auto& certain = by_coverage[static_cast<int>(Coverage::kCertain)];
    const auto& uncertain = by_coverage[static_cast<int>(Coverage::kUncertain)];
    const auto& unjudgeable = by_coverage[static_cast<int>(Coverage::kUnjudgeable)];
    std::vector<std::string> clauses;
    if (!certain.empty()) clauses.push_back("is prohibited by " + joined(certain));
    if (!uncertain.empty()) clauses.push_back("may be prohibited by " + joined(uncertain));
    if (!unjudgeable.empty()) clauses.push_back("cannot be judged against " + joined(unjudgeable));
    message += " " + joined(clauses);
    message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
    hit.evidence.push_back(event.seq);
    if (voyage) hit.evidence.push_back(voyage->export_seq);
    out.push_back(make_finding(context, diversions ? code::kDivertedViaThirdCountry : code::kEmbargoedDestination,
                               severity_of(worst), event.seq, std::move(message), std::move(hit.evidence)));
  }
}

void check(const VehicleContext& context, bool diversions, Findings& out) {
  if (context.reference.embargoes().empty()) return;
  for (std::size_t i = 0; i < context.events.size(); ++i) judge(context, i, diversions, out);
}

}  // namespace

void check_embargoes(const VehicleContext& context, Findings& out) { check(context, false, out); }

void check_diversions(const VehicleContext& context, Findings& out) { check(context, true, out); }

}  // namespace vinledger::rules
