// CONSIGNEE_COUNTRY_MISMATCH: the export's consignee is in a country other
// than the declared destination: a registered consignee's country (as
// registered before the export) or an inline consignee's. A consignee id
// that is not a registered party cannot be checked, which is said at low
// severity.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

void check_registered_consignee(const VehicleContext& context, const VehicleEvent& event, std::string_view id,
                                std::string_view destination, Findings& out) {
  const PartyVersion* consignee = context.parties.as_of(id, event.seq);
  if (!consignee) {
    out.push_back(make_finding(context, "CONSIGNEE_COUNTRY_MISMATCH", Severity::kLow, event.seq,
                               "the export declaration at seq " + std::to_string(event.seq) + " names the consignee '" +
                                   std::string(id) + "', which is not a registered party, so its country cannot "
                                   "be checked against the destination " + country_label(context, destination),
                               {event.seq}));
    return;
  }
  if (consignee->record.country == destination) return;
  out.push_back(make_finding(
      context, "CONSIGNEE_COUNTRY_MISMATCH", Severity::kMedium, event.seq,
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
    out.push_back(make_finding(context, "CONSIGNEE_COUNTRY_MISMATCH", Severity::kMedium, event.seq,
                               "the export declaration at seq " + std::to_string(event.seq) + " is for " +
                                   country_label(context, destination) + ", but its consignee \"" + name +
                                   "\" is declared in " + country_label(context, country),
                               {event.seq}));
  }
}

}  // namespace vinledger::rules
