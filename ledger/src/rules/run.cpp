// verify_vehicle: builds the event order, the vehicle's facts and the
// custody and voyage models once, then runs every check of the registry.
#include <algorithm>
#include <map>
#include <set>

#include "event_fields.h"
#include "rules/registry.h"

namespace vinledger {
namespace rules {
namespace {

// Carriers often record a leg after the import it led to: a leg dated more
// than this before the events already placed is put back where its time
// says. Other events keep their recording order (TIME_REVERSAL and
// BACKDATED judge those).
constexpr std::int64_t kLegSlackSeconds = 3600;

// The chain with late legs moved to their time; empty when nothing moved.
std::vector<VehicleEvent> legs_in_time_order(std::span<const VehicleEvent> events) {
  std::vector<const VehicleEvent*> order;
  order.reserve(events.size());
  bool moved = false;
  for (const auto& event : events) {
    if (!is_leg(type_of(event)) || order.empty() ||
        event.statement.time.seconds + kLegSlackSeconds >= order.back()->statement.time.seconds) {
      order.push_back(&event);
      continue;
    }
    auto position = order.end();
    while (position != order.begin() && (*(position - 1))->statement.time.seconds > event.statement.time.seconds)
      --position;
    order.insert(position, &event);
    moved = true;
  }
  std::vector<VehicleEvent> reordered;
  if (!moved) return reordered;
  reordered.reserve(order.size());
  for (const VehicleEvent* event : order) reordered.push_back(*event);
  return reordered;
}

VehicleFacts facts_of(std::span<const VehicleEvent> events) {
  VehicleFacts facts;
  for (const auto& event : events) {
    if (type_of(event) != StatementType::kManufacture) continue;
    facts.manufacture_seq = event.seq;
    facts.origin_country = text_field(event, "country");
    facts.make = text_field(event, "make");
    facts.model = text_field(event, "model");
    const auto& object = event.statement.object;
    if (auto year = object.find("year"); year != object.end() && year->is_number_integer()) facts.year = year->get<std::int64_t>();
    if (auto cc = object.find("engine_cc"); cc != object.end() && cc->is_number_integer()) facts.engine_cc = cc->get<std::int64_t>();
    facts.fuel = text_field(event, "fuel");
    facts.hs_code = text_field(event, "hs_code");
    break;
  }
  return facts;
}

bool finding_order(const Finding& a, const Finding& b) {
  if (a.seq != b.seq) return a.seq < b.seq;
  if (a.severity != b.severity) return a.severity > b.severity;
  return a.code < b.code;
}

}  // namespace

VehicleContext::VehicleContext(std::string_view vin, std::span<const VehicleEvent> events, const PartyHistory& parties,
                               const ReferenceData& reference, const VerifyOptions& options)
    : vin(vin),
      events(events),
      recorded(events),
      parties(parties),
      reference(reference),
      options(options),
      facts(facts_of(events)),
      reordered_(legs_in_time_order(events)) {
  if (!reordered_.empty()) this->events = reordered_;
  custody = build_custody_timeline(this->events);
  voyages = build_voyage_timeline(this->events);
}

Finding make_finding(const VehicleContext& context, const char* code, Severity severity, std::int64_t seq,
                     std::string message, std::vector<std::int64_t> evidence) {
  std::sort(evidence.begin(), evidence.end());
  evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
  return Finding{code, severity, std::string(context.vin), seq, std::move(message), std::move(evidence)};
}

}  // namespace rules

std::vector<Finding> verify_vehicle(std::string_view vin, std::span<const VehicleEvent> events,
                                    const PartyHistory& parties, const ReferenceData& reference,
                                    const VerifyOptions& options) {
  // The rules judge what the record asserts now: an entry a void withdrew,
  // and the void itself, stay in the log but out of the analysis.
  // A correction's replacement is read where the entry it replaces was.
  const auto withdrawn = withdrawals(events, parties.operator_id());
  std::map<std::int64_t, const Withdrawal*> withdrawal_of;
  std::set<std::int64_t> replacements;
  for (const auto& withdrawal : withdrawn) {
    withdrawal_of[withdrawal.seq] = &withdrawal;
    if (withdrawal.replaced_by) replacements.insert(*withdrawal.replaced_by);
  }
  std::map<std::int64_t, const VehicleEvent*> by_seq;
  for (const auto& event : events) by_seq[event.seq] = &event;
  std::vector<VehicleEvent> asserted;
  asserted.reserve(events.size());
  for (const auto& event : events) {
    if (event.statement.type == StatementType::kVoid || replacements.contains(event.seq)) continue;
    const VehicleEvent* current = &event;
    // A replacement withdrawn in turn gives way to its own replacement.
    for (auto it = withdrawal_of.find(current->seq); current && it != withdrawal_of.end();
         it = current ? withdrawal_of.find(current->seq) : withdrawal_of.end())
      current = it->second->replaced_by ? by_seq.at(*it->second->replaced_by) : nullptr;
    if (current) asserted.push_back(*current);
  }
  rules::VehicleContext context(vin, asserted, parties, reference, options);
  std::vector<Finding> findings;
  for (const auto& rule : rules::rule_registry()) rule.check(context, findings);
  std::sort(findings.begin(), findings.end(), rules::finding_order);
  return findings;
}

}  // namespace vinledger
