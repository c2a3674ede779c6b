// UNDERVALUED: an export whose declared value is far below what the
// vehicle is worth (reference_worth: the reference-value table for a
// vehicle up to three years old, else the value declared on its own
// earlier export). High when the low value is what keeps an embargo rule's
// value threshold from applying to the destination; medium when it is
// below half the reference value.
// DESIGNATED_VESSEL: a sea leg on a vessel designated on a sanctions list,
// by IMO number (critical) or, with no IMO number given, by name (high).
// EMBARGOED_MISSION: a consignee, receiver or registered owner that is a
// diplomatic mission or trade office of an embargoed country, wherever it
// sits ("Trade Representation of the Russian Federation in Kazakhstan").
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/exposure.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

// Below this share of the reference value a declared value is not a
// discount or a used-car price but a nominal figure.
constexpr double kUndervaluedShare = 0.5;

// Countries named as embargo destinations by the loaded rules.
bool is_embargoed(const VehicleContext& context, std::string_view country) {
  for (const auto& rule : context.reference.embargoes())
    if (rule.covers_destination(country)) return true;
  return false;
}

}  // namespace

void check_undervaluation(const VehicleContext& context, Findings& out) {
  for (std::size_t i = 0; i < context.events.size(); ++i) {
    const VehicleEvent& event = context.events[i];
    if (type_of(event) != StatementType::kExport) continue;
    auto value = declared_value(event);
    if (!value) continue;
    auto worth = reference_worth(context, i, value->currency);
    if (!worth || static_cast<double>(value->amount) >= kUndervaluedShare * static_cast<double>(worth->value.amount))
      continue;
    // A threshold the low value slips under, for a destination it covers.
    std::vector<std::string> escaped;
    std::vector<std::int64_t> evidence = worth->evidence;
    evidence.push_back(event.seq);
    std::vector<std::string_view> countries = {text_field(event, "destination")};
    for (auto via : text_list_field(event, "via")) countries.push_back(via);
    for (const auto& rule : context.reference.embargoes()) {
      if (!rule.value_above) continue;
      bool covered = false;
      for (auto country : countries) covered = covered || rule.covers_destination(country);
      if (!covered) continue;
      auto declared = context.reference.convert(*value, rule.value_above->currency, event.statement.time);
      auto reference = context.reference.convert(worth->value, rule.value_above->currency, event.statement.time);
      if (declared && reference && declared->amount <= rule.value_above->amount &&
          reference->amount > rule.value_above->amount)
        escaped.push_back(rule.id + " (over " + format_money(*rule.value_above) + ")");
    }
    std::string message = event_label(event) + " declares " + format_money(*value) + ", less than half of " + worth->text +
                          " (" + format_money(worth->value) + ")";
    if (!escaped.empty()) message += ": the low value keeps the vehicle under the threshold of " + joined(escaped);
    out.push_back(make_finding(context, code::kUndervalued, escaped.empty() ? Severity::kMedium : Severity::kHigh,
                               event.seq, message + "; ask for the commercial invoice", std::move(evidence)));
  }
}

void check_designated_vessels(const VehicleContext& context, Findings& out) {
  for (const auto& event : context.events) {
    if (type_of(event) != StatementType::kShip) continue;
    const std::string_view imo = text_field(event, "imo"), name = text_field(event, "vessel");
    const DesignatedVessel* vessel = imo.empty() ? nullptr : context.reference.designated_vessel(imo);
    const bool by_name = !vessel && imo.empty() && !name.empty();
    if (by_name) vessel = context.reference.designated_vessel_named(name);
    if (!vessel) continue;
    out.push_back(make_finding(
        context, code::kDesignatedVessel, by_name ? Severity::kHigh : Severity::kCritical, event.seq,
        event_label(event) + " (" + event_summary(context, event) + ") is on the vessel " +
            (by_name ? "named \"" + std::string(name) + "\", the name of " : "IMO " + std::string(imo) + ", ") +
            vessel->name + " (IMO " + vessel->imo + "), designated on the " + vessel->list + " on " + vessel->listed_on +
            " (source: " + vessel->provenance.source + "; " + (vessel->provenance.verified ? "verified" : "NOT verified") +
            ")" + (by_name ? ": no IMO number was given to tell them apart" : ""),
        {event.seq}));
  }
}

void check_embargoed_missions(const VehicleContext& context, Findings& out) {
  for (const auto& event : context.events) {
    std::vector<std::pair<std::string, std::string>> names;  // what, name
    switch (type_of(event)) {
      case StatementType::kExport: {
        const auto& object = event.statement.object;
        auto consignee = object.find("consignee");
        if (consignee == object.end()) break;
        if (consignee->is_object() && consignee->contains("name") && consignee->at("name").is_string())
          names.emplace_back("the consignee", consignee->at("name").get<std::string>());
        else if (consignee->is_string())
          if (const PartyVersion* party = context.parties.as_of(consignee->get<std::string>(), event.seq))
            names.emplace_back("the consignee " + party_label(context, party->record.id, event.seq), party->record.name);
        break;
      }
      case StatementType::kTransfer:
        if (const PartyVersion* party = context.parties.as_of(text_field(event, "to"), event.seq))
          names.emplace_back("the receiver " + party_label(context, party->record.id, event.seq), party->record.name);
        break;
      case StatementType::kRegister: names.emplace_back("the registered owner", std::string(text_field(event, "owner"))); break;
      default: break;
    }
    for (const auto& [what, name] : names) {
      const std::string country = context.reference.mission_country(name);
      if (country.empty() || !is_embargoed(context, country)) continue;
      out.push_back(make_finding(context, code::kEmbargoedMission, Severity::kHigh, event.seq,
                                 event_label(event) + " names " + what + " \"" + name +
                                     "\", a diplomatic mission or trade office of " + country_label(context, country) +
                                     ", a country under embargo: a vehicle supplied to it is supplied to that "
                                     "country, wherever the mission sits",
                                 {event.seq}));
    }
  }
}

}  // namespace vinledger::rules
