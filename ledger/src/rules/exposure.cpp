#include "rules/exposure.h"

#include <algorithm>

#include "event_fields.h"
#include "rules/describe.h"

namespace vinledger::rules {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::int64_t year_of(const UtcTime& time) { return std::stoll(format_timestamp(time.seconds).substr(0, 4)); }

// The engine, fuel and HS tests of a rule; kCertain when the rule has none.
Coverage judge_vehicle(const EmbargoRule& rule, const VehicleFacts& facts, std::string& why) {
  if (!rule.hs_prefixes.empty() && !facts.hs_code.empty()) {
    const bool listed = std::any_of(rule.hs_prefixes.begin(), rule.hs_prefixes.end(),
                                    [&](const std::string& prefix) { return facts.hs_code.starts_with(prefix); });
    if (!listed) return Coverage::kNone;
  }
  if (!rule.engine_cc_above && rule.fuels.empty()) return Coverage::kCertain;
  const bool big_engine = rule.engine_cc_above && facts.engine_cc && *facts.engine_cc > *rule.engine_cc_above;
  const bool listed_fuel = !facts.fuel.empty() && contains(rule.fuels, facts.fuel);
  if (big_engine) {
    why = "its engine of " + std::to_string(*facts.engine_cc) + " cc (manufacture at seq " +
          std::to_string(facts.manufacture_seq) + ") exceeds " + std::to_string(*rule.engine_cc_above) + " cc";
    return Coverage::kCertain;
  }
  if (listed_fuel) {
    why = "it is " + std::string(facts.fuel) + " (manufacture at seq " + std::to_string(facts.manufacture_seq) + ")";
    return Coverage::kCertain;
  }
  const bool engine_known = !rule.engine_cc_above || facts.engine_cc;
  const bool fuel_known = rule.fuels.empty() || !facts.fuel.empty();
  if (engine_known && fuel_known) return Coverage::kNone;
  why = (facts.manufacture_seq < 0 ? std::string("no manufacture is recorded to say its ")
                                   : "the manufacture at seq " + std::to_string(facts.manufacture_seq) + " does not say its ") +
        (!engine_known && !fuel_known ? "engine capacity or fuel" : !engine_known ? "engine capacity" : "fuel") +
        ", which the rule turns on: check the vehicle";
  return Coverage::kUncertain;
}

// The value test of a rule against the binding export's declaration.
Coverage judge_value(const VehicleContext& context, const EmbargoRule& rule, const Voyage* voyage, std::string& why,
                     std::vector<std::int64_t>& evidence) {
  if (!rule.value_above) return Coverage::kCertain;
  const Money& threshold = *rule.value_above;
  const std::string limit = format_money(threshold);
  const VehicleEvent* declaration = voyage ? &context.events[voyage->export_index] : nullptr;
  auto worth = reference_worth(context, voyage ? voyage->export_index : context.events.size(), threshold.currency);
  auto by_reference = [&](const std::string& lead) {
    if (!worth) return Coverage::kNone;
    evidence.insert(evidence.end(), worth->evidence.begin(), worth->evidence.end());
    if (worth->value.amount <= threshold.amount) return Coverage::kNone;
    why = lead + ", but " + worth->text + " exceeds the threshold of " + limit;
    return Coverage::kUncertain;
  };
  auto value = declaration ? declared_value(*declaration) : std::nullopt;
  if (!value) {
    const std::string where = declaration ? "at seq " + std::to_string(declaration->seq) : "(no export declared)";
    if (worth) {
      if (by_reference("no value was declared " + where) == Coverage::kNone) return Coverage::kNone;
      return Coverage::kUncertain;
    }
    why = "no value was declared " + where + ", so it cannot be told whether the vehicle exceeds the threshold of " +
          limit + ": check the commercial invoice";
    return Coverage::kUncertain;
  }
  auto converted = context.reference.convert(*value, threshold.currency, declaration->statement.time);
  if (!converted) {
    if (worth) return by_reference("the declared value " + format_money(*value) + " cannot be converted to " +
                                   threshold.currency + " (no exchange rate for its date)");
    why = "the declared value " + format_money(*value) + " (seq " + std::to_string(declaration->seq) +
          ") cannot be compared with the threshold of " + limit +
          ": the exchange-rate table has no rate for its date, so this cannot be judged here";
    return Coverage::kUnjudgeable;
  }
  const std::string shown = format_money(*value) + (value->currency == threshold.currency
                                                         ? std::string()
                                                         : " (about " + format_money(*converted) + " at the rate of " +
                                                               date_text(declaration->statement.time) + ")");
  if (converted->amount > threshold.amount) {
    why = "the declared value " + shown + " (seq " + std::to_string(declaration->seq) + ") exceeds " + limit;
    return Coverage::kCertain;
  }
  return by_reference("the declared value " + shown + " (seq " + std::to_string(declaration->seq) +
                      ") is at or under the threshold of " + limit);
}

std::string voyage_basis(const VehicleContext& context, const Voyage& voyage) {
  return "it was declared for export from " + country_label(context, voyage.origin) + " at seq " +
         std::to_string(voyage.export_seq);
}

}  // namespace

Severity severity_of(Coverage coverage) {
  switch (coverage) {
    case Coverage::kCertain: return Severity::kCritical;
    case Coverage::kUncertain: return Severity::kHigh;
    case Coverage::kUnjudgeable: return Severity::kLow;
    case Coverage::kNone: break;
  }
  return Severity::kInfo;
}

const Voyage* voyage_during(const VehicleContext& context, std::size_t index) {
  const int during = context.voyages.during[index];
  return during >= 0 ? &context.voyages.voyages[static_cast<std::size_t>(during)] : nullptr;
}

std::optional<Money> declared_value(const VehicleEvent& declaration) {
  const auto& object = declaration.statement.object;
  auto value = object.find("value");
  if (value == object.end() || !value->is_object() || !value->contains("amount") || !value->contains("currency") ||
      !value->at("amount").is_number_integer() || !value->at("currency").is_string())
    return std::nullopt;
  return Money{value->at("amount").get<std::int64_t>(), value->at("currency").get<std::string>()};
}

std::optional<ReferenceWorth> reference_worth(const VehicleContext& context, std::size_t index,
                                              std::string_view currency) {
  const UtcTime at = index < context.events.size() ? context.events[index].statement.time : context.options.as_of;
  const VehicleFacts& facts = context.facts;
  if (facts.manufacture_seq >= 0 && year_of(at) - facts.year <= kReferenceAgeYears)
    if (const ReferenceValue* row = context.reference.reference_value(facts.make, facts.model, facts.year))
      if (auto value = context.reference.convert(row->value, currency, at))
        return ReferenceWorth{*value,
                              "the reference value of a " + std::to_string(facts.year) + " " + row->make + " " +
                                  row->model + " (manufacture at seq " + std::to_string(facts.manufacture_seq) +
                                  "), " + format_money(row->value) + " (reference table: " +
                                  row->provenance.source + ")",
                              {facts.manufacture_seq}};
  std::optional<ReferenceWorth> best;
  for (std::size_t i = 0; i < index && i < context.events.size(); ++i) {
    const VehicleEvent& event = context.events[i];
    if (type_of(event) != StatementType::kExport) continue;
    auto value = declared_value(event);
    if (!value) continue;
    auto converted = context.reference.convert(*value, currency, event.statement.time);
    if (!converted || (best && best->value.amount >= converted->amount)) continue;
    best = ReferenceWorth{*converted,
                          "the value declared for the same vehicle on its earlier export at seq " +
                              std::to_string(event.seq) + ", " + format_money(*value),
                          {event.seq}};
  }
  return best;
}

std::string rule_text(const EmbargoRule& rule, const std::string& why) {
  std::string text = rule.id + " (" + rule.legal_basis + "; " +
                     (rule.verified ? "cited wording verified" : "cited wording NOT verified, see the rules file") + ")";
  if (!why.empty()) text += ": " + why;
  return text;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return text;
}

std::vector<Exposure> exposures(const VehicleContext& context, std::string_view country, std::size_t index,
                                const Voyage* voyage, std::string_view from_country) {
  std::vector<Exposure> found;
  if (country.empty() || country == from_country) return found;
  const VehicleEvent& event = context.events[index];
  for (const auto& rule : context.reference.embargoes()) {
    if (!rule.covers_destination(country)) continue;
    if (rule.in_force_from && event.statement.time < *rule.in_force_from) continue;
    Exposure exposure;
    exposure.rule = &rule;
    // Why it binds, the most direct reason first.
    if (rule.binds_exports_from(from_country)) {
      exposure.basis = Basis::kExportedFrom;
      exposure.binding_voyage = voyage;
      exposure.basis_text = from_country.empty() ? "" : "it leaves " + country_label(context, from_country);
    } else if (const PartyVersion* exporter =
                   voyage ? context.parties.as_of(context.events[voyage->export_index].statement.actor, voyage->export_seq)
                          : nullptr;
               rule.binds_nationals && exporter && !rule.exporting_countries.empty() &&
               rule.binds_exports_from(exporter->record.country)) {
      exposure.basis = Basis::kNational;
      exposure.binding_voyage = voyage;
      exposure.basis_text = "its exporter " +
                            party_label(context, context.events[voyage->export_index].statement.actor, voyage->export_seq) +
                            " is registered in " + country_label(context, exporter->record.country) + " (seq " +
                            std::to_string(exporter->seq) + "), and the measure binds its nationals wherever they act";
      exposure.evidence.push_back(exporter->seq);
    } else if (!context.facts.origin_country.empty() && contains(rule.origin_countries, context.facts.origin_country)) {
      exposure.basis = Basis::kOrigin;
      exposure.binding_voyage = voyage;
      exposure.basis_text = "it was made in " + country_label(context, context.facts.origin_country) + " (seq " +
                            std::to_string(context.facts.manufacture_seq) + ") and the measure follows goods of that origin";
      exposure.evidence.push_back(context.facts.manufacture_seq);
    } else if (rule.follows_vehicle) {
      // An earlier export from a bound country, made while the rule was in force.
      const Voyage* earlier = nullptr;
      for (const auto& candidate : context.voyages.voyages) {
        if (candidate.export_index >= index || &candidate == voyage) continue;
        if (!rule.binds_exports_from(candidate.origin) || rule.exporting_countries.empty()) continue;
        const UtcTime exported = context.events[candidate.export_index].statement.time;
        if (rule.in_force_from && exported < *rule.in_force_from) continue;
        earlier = &candidate;
      }
      if (!earlier) continue;
      exposure.basis = Basis::kFollows;
      exposure.binding_voyage = earlier;
      exposure.basis_text = voyage_basis(context, *earlier) + " to " + country_label(context, earlier->destination) +
                            ", a third country, and the measure forbids supplying it onward indirectly";
      exposure.evidence.push_back(earlier->export_seq);
    } else {
      continue;
    }
    std::string vehicle_why, value_why;
    const Coverage vehicle = judge_vehicle(rule, context.facts, vehicle_why);
    if (vehicle == Coverage::kNone) continue;
    const Coverage value = judge_value(context, rule, exposure.binding_voyage, value_why, exposure.evidence);
    if (value == Coverage::kNone) continue;
    exposure.coverage = std::min(vehicle, value);
    for (const auto& part : {vehicle_why, value_why})
      if (!part.empty()) exposure.why += (exposure.why.empty() ? "" : "; ") + part;
    if (exposure.binding_voyage) exposure.evidence.push_back(exposure.binding_voyage->export_seq);
    if (!vehicle_why.empty() && context.facts.manufacture_seq >= 0) exposure.evidence.push_back(context.facts.manufacture_seq);
    found.push_back(std::move(exposure));
  }
  return found;
}

}  // namespace vinledger::rules
