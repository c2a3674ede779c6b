#include "rules/describe.h"

#include <algorithm>

#include "event_fields.h"

namespace vinledger::rules {

std::string party_label(const VehicleContext& context, std::string_view id, std::int64_t seq) {
  const PartyVersion* party = context.parties.as_of(id, seq);
  if (!party) return "'" + std::string(id) + "' (not a registered party)";
  return party->record.name + " (" + std::string(id) + ")";
}

std::string country_label(const VehicleContext& context, std::string_view code) {
  return context.reference.country_label(code);
}

std::string port_label(const VehicleContext& context, std::string_view locode) {
  return context.reference.port_label(locode) + ", " + country_label(context, country_of_port(locode));
}

std::string event_label(const VehicleEvent& event) {
  const char* what = "event";
  switch (type_of(event)) {
    case StatementType::kParty: what = "party registration"; break;
    case StatementType::kManufacture: what = "manufacture"; break;
    case StatementType::kTransfer: what = "transfer"; break;
    case StatementType::kExport: what = "export declaration"; break;
    case StatementType::kShip: what = "shipping leg"; break;
    case StatementType::kImport: what = "import"; break;
    case StatementType::kRegister: what = "registration"; break;
    case StatementType::kDestroy: what = "destruction"; break;
    case StatementType::kVoid: what = "void"; break;
    case StatementType::kMove: what = "land or air leg"; break;
  }
  return std::string("the ") + what + " at seq " + std::to_string(event.seq);
}

std::string event_summary(const VehicleContext& context, const VehicleEvent& event) {
  const std::int64_t seq = event.seq;
  auto country = [&] { return country_label(context, text_field(event, "country")); };
  switch (type_of(event)) {
    case StatementType::kManufacture: return "made in " + country();
    case StatementType::kTransfer:
      return "handed from " + party_label(context, text_field(event, "from"), seq) + " to " +
             party_label(context, text_field(event, "to"), seq) + " in " + country();
    case StatementType::kExport:
      return "declared for export from " + country() + " to " +
             country_label(context, text_field(event, "destination"));
    case StatementType::kShip:
      return "shipped " + port_label(context, text_field(event, "from_port")) + " -> " +
             port_label(context, text_field(event, "to_port"));
    case StatementType::kImport:
      return "imported into " + country() + " at " + context.reference.port_label(text_field(event, "port"));
    case StatementType::kRegister: return "registered in " + country();
    case StatementType::kDestroy: return "destroyed in " + country();
    case StatementType::kParty:
    case StatementType::kVoid: break;
    case StatementType::kMove:
      return "moved by " + std::string(text_field(event, "mode")) + " " + port_label(context, leg_from(event)) + " -> " +
             port_label(context, leg_to(event));
  }
  return "recorded";
}

std::string voyage_text(const VehicleContext& context, const Voyage& voyage) {
  const VehicleEvent& declaration = context.events[voyage.export_index];
  std::string text = "the export declared at seq " + std::to_string(voyage.export_seq);
  if (auto doc = text_field(declaration, "doc"); !doc.empty()) text += " (" + std::string(doc) + ")";
  text += " from " + country_label(context, voyage.origin) + " for " + country_label(context, voyage.destination);
  for (std::size_t i = 0; i < voyage.via.size(); ++i)
    text += (i == 0 ? " via " : ", ") + country_label(context, voyage.via[i]);
  return text;
}

std::string off_route_text(const VehicleContext& context, const Voyage& voyage, std::string_view country) {
  std::string text = country_label(context, country) + " is neither the declared destination " +
                     country_label(context, voyage.destination) + " nor a declared transit country (";
  if (voyage.via.empty()) return text + "none was declared)";
  for (std::size_t i = 0; i < voyage.via.size(); ++i) text += (i == 0 ? "" : ", ") + country_label(context, voyage.via[i]);
  return text + ")";
}

std::string seqs_text(std::vector<std::int64_t> seqs) {
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  if (seqs.empty()) return "no entry";
  std::string text = seqs.size() == 1 ? "seq " : "seqs ";
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    if (i > 0) text += i + 1 == seqs.size() ? " and " : ", ";
    text += std::to_string(seqs[i]);
  }
  return text;
}

std::string date_text(const UtcTime& time) { return format_timestamp(time.seconds).substr(0, 10); }

}  // namespace vinledger::rules
