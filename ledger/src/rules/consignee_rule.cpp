// CONSIGNEE_COUNTRY_MISMATCH: the export's consignee is in a country other
// than the declared destination: a registered consignee's country (as
// registered before the export) or an inline consignee's.
// UNREGISTERED_CONSIGNEE: the consignee is given as a party id that no
// registration (before the export) holds: nobody can be identified as the
// receiver. An honest exporter whose consignee is not on the ledger writes
// it inline, {"name", "country"}.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

void check_registered_consignee(const VehicleContext& context, const VehicleEvent& event, std::string_view id,
                                std::string_view destination, Findings& out) {
  const PartyVersion* consignee = context.parties.as_of(id, event.seq);
  if (!consignee) return;  // UNREGISTERED_CONSIGNEE
  if (consignee->record.country == destination) return;
  out.push_back(make_finding(
      context, code::kConsigneeCountryMismatch, Severity::kMedium, event.seq,
      "the export declaration at seq " + std::to_string(event.seq) + " is for " + country_label(context, destination) +
          ", but its consignee " + party_label(context, id, event.seq) + " is registered in " +
          country_label(context, consignee->record.country) + " (seq " + std::to_string(consignee->seq) + ")",
      {consignee->seq, event.seq}));
}

}  // namespace

void check_consignee_country(const VehicleContext& context, Findings& out) {
  for (const auto& event : context.events) {
    if (type_of(event) != StatementType::kExport) continue;
    const std::string_view destination = text_field(event, "destination");
    const auto& object = event.statement.object;
    auto consignee = object.find("consignee");
    if (consignee == object.end()) continue;
    if (consignee->is_string()) {
      check_registered_consignee(context, event, consignee->get_ref<const std::string&>(), destination, out);
      continue;
    }
    if (!consignee->is_object() || !consignee->contains("country") || !consignee->at("country").is_string()) continue;
    const std::string& country = consignee->at("country").get_ref<const std::string&>();
    if (country == destination) continue;
    const std::string name = consignee->contains("name") && consignee->at("name").is_string()
                                 ? consignee->at("name").get<std::string>()
                                 : std::string("(unnamed)");
    out.push_back(make_finding(context, code::kConsigneeCountryMismatch, Severity::kMedium, event.seq,
                               "the export declaration at seq " + std::to_string(event.seq) + " is for " +
                                   country_label(context, destination) + ", but its consignee \"" + name +
                                   "\" is declared in " + country_label(context, country),
                               {event.seq}));
  }
}

void check_unregistered_consignee(const VehicleContext& context, Findings& out) {
  for (const auto& event : context.events) {
    if (type_of(event) != StatementType::kExport) continue;
    const auto& object = event.statement.object;
    auto consignee = object.find("consignee");
    if (consignee == object.end() || !consignee->is_string()) continue;
    const std::string& id = consignee->get_ref<const std::string&>();
    if (context.parties.as_of(id, event.seq)) continue;
    out.push_back(make_finding(
        context, code::kUnregisteredConsignee, Severity::kHigh, event.seq,
        "the export declaration at seq " + std::to_string(event.seq) + " (to " +
            country_label(context, text_field(event, "destination")) + ") names the consignee '" + id +
            "', which no registration before it holds: the receiver cannot be identified or screened. An "
            "unregistered consignee is written inline with its name and country; ask for the real consignee",
        {event.seq}));
  }
}

}  // namespace vinledger::rules
