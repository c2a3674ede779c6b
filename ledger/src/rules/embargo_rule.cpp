// EMBARGOED_DESTINATION: the vehicle is declared for, routed through,
// consigned to, shipped to, imported into, registered or handed over in a
// country under an embargo rule (rules.json) that binds the country it is
// exported from and covers it. Critical when the rule certainly applies;
// high when a value threshold cannot be evaluated (no value declared, or a
// value in another currency: nothing is converted).
#include <algorithm>
#include <cctype>

#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

// One way an event points the vehicle at a country.
struct Place {
  std::string_view country;
  // For an export: what the country is to it ("the declared destination");
  // for other events: what the event does ("takes the vehicle to").
  std::string role;
  std::int64_t party_seq = -1;  // a consignee's registration, when that is the evidence
};

std::vector<Place> declared_places(const VehicleContext& context, const VehicleEvent& event) {
  std::vector<Place> places = {{text_field(event, "destination"), "the declared destination"}};
  for (auto via : text_list_field(event, "via")) places.push_back({via, "a declared transit country"});
  const auto& object = event.statement.object;
  auto consignee = object.find("consignee");
  if (consignee == object.end()) return places;
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
  return places;
}

std::vector<Place> places_of(const VehicleContext& context, const VehicleEvent& event) {
  switch (type_of(event)) {
    case StatementType::kExport: return declared_places(context, event);
    case StatementType::kShip: return {{place_of(event), "takes the vehicle to"}};
    case StatementType::kImport: return {{place_of(event), "brings the vehicle into"}};
    case StatementType::kRegister: return {{place_of(event), "registers the vehicle in"}};
    case StatementType::kTransfer: return {{place_of(event), "hands the vehicle over in"}};
    default: return {};
  }
}

enum class Coverage { kNone, kUncertain, kCertain };

struct RuleVerdict {
  Coverage coverage = Coverage::kNone;
  std::string why;  // the value test, when the rule has one
};

std::optional<Money> declared_value(const VehicleEvent* declaration) {
  if (!declaration) return std::nullopt;
  const auto& object = declaration->statement.object;
  auto value = object.find("value");
  if (value == object.end() || !value->is_object() || !value->contains("amount") || !value->contains("currency") ||
      !value->at("amount").is_number_integer() || !value->at("currency").is_string())
    return std::nullopt;
  return Money{value->at("amount").get<std::int64_t>(), value->at("currency").get<std::string>()};
}

RuleVerdict judge_value(const EmbargoRule& rule, const VehicleEvent* declaration) {
  if (!rule.value_above) return {Coverage::kCertain, ""};
  const std::string threshold = format_money(*rule.value_above);
  auto value = declared_value(declaration);
  if (!value) {
    const std::string where = declaration ? "at seq " + std::to_string(declaration->seq) : "(no export declared)";
    return {Coverage::kUncertain, "no value was declared " + where +
                                      ", so it cannot be told whether the vehicle exceeds the threshold of " +
                                      threshold + ": check the commercial invoice"};
  }
  if (value->currency != rule.value_above->currency)
    return {Coverage::kUncertain, "the declared value " + format_money(*value) +
                                      " is in another currency than the threshold of " + threshold +
                                      " and vinledger does not convert currencies: check the value"};
  if (value->amount <= rule.value_above->amount) return {Coverage::kNone, ""};
  return {Coverage::kCertain, "the declared value " + format_money(*value) + " (seq " + std::to_string(declaration->seq) +
                                  ") exceeds " + threshold};
}

std::string rule_text(const EmbargoRule& rule, const RuleVerdict& verdict) {
  std::string text = rule.id + " (" + rule.legal_basis + "; " +
                     (rule.verified ? "cited wording verified" : "cited wording NOT verified, see the rules file") + ")";
  if (!verdict.why.empty()) text += ": " + verdict.why;
  return text;
}

struct CountryHit {
  std::string_view country;
  std::vector<std::string> roles;
  std::vector<std::int64_t> evidence;
};

std::vector<CountryHit> group_by_country(const std::vector<Place>& places, std::string_view exporter) {
  std::vector<CountryHit> hits;
  for (const auto& place : places) {
    if (place.country.empty() || place.country == exporter) continue;
    auto hit = std::find_if(hits.begin(), hits.end(), [&](const CountryHit& h) { return h.country == place.country; });
    if (hit == hits.end()) hit = hits.insert(hits.end(), CountryHit{place.country, {}, {}});
    if (std::find(hit->roles.begin(), hit->roles.end(), place.role) == hit->roles.end()) hit->roles.push_back(place.role);
    if (place.party_seq >= 0) hit->evidence.push_back(place.party_seq);
  }
  return hits;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return text;
}

void judge_hit(const VehicleContext& context, const VehicleEvent& event, const Voyage* voyage,
               std::string_view exporter, CountryHit hit, Findings& out) {
  const VehicleEvent* declaration = voyage ? &context.events[voyage->export_index] : nullptr;
  std::vector<std::string> certain, uncertain;
  for (const auto& rule : context.reference.embargoes()) {
    if (!rule.covers_destination(hit.country) || !rule.binds_exports_from(exporter)) continue;
    if (rule.in_force_from && event.statement.time < *rule.in_force_from) continue;
    RuleVerdict verdict = judge_value(rule, declaration);
    if (verdict.coverage == Coverage::kCertain) certain.push_back(rule_text(rule, verdict));
    if (verdict.coverage == Coverage::kUncertain) uncertain.push_back(rule_text(rule, verdict));
  }
  if (certain.empty() && uncertain.empty()) return;
  const std::string country = country_label(context, hit.country);
  const bool is_export = type_of(event) == StatementType::kExport;
  std::string message = is_export ? event_label(event) + " names " + country + " as " + joined(hit.roles)
                                  : event_label(event) + " (" + event_summary(context, event) + ") " +
                                        joined(hit.roles) + " " + country;
  if (voyage && !is_export) message += ", on " + voyage_text(context, *voyage);
  message += ". Supplying this vehicle from " +
             (exporter.empty() ? std::string("its country") : country_label(context, exporter)) + " to " + country;
  if (!certain.empty()) message += " is prohibited by " + joined(certain);
  if (!uncertain.empty()) message += std::string(certain.empty() ? "" : ", and") + " may be prohibited by " + joined(uncertain);
  message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
  hit.evidence.push_back(event.seq);
  if (voyage) hit.evidence.push_back(voyage->export_seq);
  out.push_back(make_finding(context, "EMBARGOED_DESTINATION",
                             certain.empty() ? Severity::kHigh : Severity::kCritical, event.seq,
                             std::move(message), std::move(hit.evidence)));
}

}  // namespace

void check_embargoes(const VehicleContext& context, Findings& out) {
  if (context.reference.embargoes().empty()) return;
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const VehicleEvent& event = context.events[i];
    const int during = context.voyages.during[i];
    const Voyage* voyage = during >= 0 ? &context.voyages.voyages[static_cast<std::size_t>(during)] : nullptr;
    // The country the vehicle is exported from: the voyage's origin, or,
    // with no declaration, wherever it last was.
    const std::string_view exporter = voyage ? voyage->origin : context.custody.before[i].country;
    for (auto& hit : group_by_country(places_of(context, event), exporter))
      judge_hit(context, event, voyage, exporter, std::move(hit), out);
  }
}

}  // namespace vinledger::rules
