// ROLE_MISMATCH: the actor's registration in force lacks the role the event
// needs (manufacture: manufacturer, export: exporter, ship and move: carrier,
// import: importer, register: registry). Transfers need no role; who may
// destroy a vehicle is a custody question (CUSTODY_GAP).
#include <optional>

#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

std::optional<Role> role_needed(StatementType type) {
  switch (type) {
    case StatementType::kManufacture: return Role::kManufacturer;
    case StatementType::kExport: return Role::kExporter;
    case StatementType::kShip:
    case StatementType::kMove: return Role::kCarrier;
    case StatementType::kImport: return Role::kImporter;
    case StatementType::kRegister: return Role::kRegistry;
    default: return std::nullopt;
  }
}

std::string roles_text(RoleSet roles) {
  std::string text;
  for (Role role : {Role::kManufacturer, Role::kDealer, Role::kExporter, Role::kCarrier, Role::kImporter,
                    Role::kRegistry, Role::kRegulator})
    if (roles.has(role)) text += (text.empty() ? "" : ", ") + std::string(to_string(role));
  return text.empty() ? "none" : text;
}

}  // namespace

void check_roles(const VehicleContext& context, Findings& out) {
  for (const auto& event : context.events) {
    auto needed = role_needed(event.statement.type);
    if (!needed) continue;
    const PartyVersion* party = context.parties.as_of(event.statement.actor, event.seq);
    if (!party || party->record.roles.has(*needed)) continue;
    out.push_back(make_finding(
        context, code::kRoleMismatch, Severity::kMedium, event.seq,
        event_label(event) + " is recorded by " + party_label(context, event.statement.actor, event.seq) +
            ", whose registration in force (seq " + std::to_string(party->seq) + ") gives the role(s) " +
            roles_text(party->record.roles) + "; this event needs the " + std::string(to_string(*needed)) + " role",
        {party->seq, event.seq}));
  }
}

}  // namespace vinledger::rules
