// UNCONFIRMED_TRANSFER: a hand-over recorded only by its receiver ("from
// toyota to me", signed by me) that the giver never confirmed with a
// statement of its own. On paper the giver keeps custody (custody_model.h),
// so the giver's later real sale is not a custody gap; this finding says
// the claim is unconfirmed, and whether the giver's own record contradicts it.
#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

bool is_receivers_claim(const VehicleEvent& event) {
  const std::string_view actor = event.statement.actor;
  return type_of(event) == StatementType::kTransfer && actor == text_field(event, "to") &&
         actor != text_field(event, "from");
}

// A transfer statement of the giver itself, for the same hand-over.
bool giver_confirms(const VehicleEvent& claim, const VehicleEvent& event) {
  const std::string_view from = text_field(claim, "from");
  return type_of(event) == StatementType::kTransfer && event.statement.actor == from &&
         text_field(event, "from") == from && text_field(event, "to") == text_field(claim, "to");
}

}  // namespace

void check_unconfirmed_transfers(const VehicleContext& context, Findings& out) {
  for (const auto& claim : context.events) {
    if (!is_receivers_claim(claim)) continue;
    const std::string_view from = text_field(claim, "from"), to = text_field(claim, "to");
    const VehicleEvent* contradiction = nullptr;
    bool confirmed = false;
    for (const auto& event : context.events) {
      if (&event == &claim) continue;
      if (giver_confirms(claim, event)) confirmed = true;
      else if (!contradiction && type_of(event) == StatementType::kTransfer && event.statement.actor == from &&
               text_field(event, "from") == from && event.statement.time.seconds >= claim.statement.time.seconds)
        contradiction = &event;
    }
    if (confirmed) continue;
    std::string message = event_label(claim) + " (" + event_summary(context, claim) + ") is recorded only by its receiver " +
                          party_label(context, to, claim.seq) + "; the giver " + party_label(context, from, claim.seq) +
                          " has not confirmed it with a statement of its own, so the vehicle stays in the giver's "
                          "custody on paper";
    std::vector<std::int64_t> evidence = {claim.seq};
    if (contradiction) {
      message += ", and the giver's own record at seq " + std::to_string(contradiction->seq) + " hands it to " +
                 party_label(context, text_field(*contradiction, "to"), contradiction->seq) + " instead";
      evidence.push_back(contradiction->seq);
    }
    out.push_back(make_finding(context, code::kUnconfirmedTransfer, Severity::kMedium, claim.seq,
                               message + ": ask the giver to confirm the hand-over", std::move(evidence)));
  }
}

}  // namespace vinledger::rules
