// The small pieces of the public verification API: reading events, party
// history, verdicts and screen summaries. The rules and their runner
// (verify_vehicle) live in rules/.
#include "vinledger/verification.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "corrections.h"
#include "rules/codes.h"

namespace vinledger {

Result<VehicleEvent> vehicle_event_from(std::int64_t seq, std::string recorded, nlohmann::json statement) {
  auto checked = statement_from_json(std::move(statement), StatementSource::kRecorded);
  if (!checked) return std::unexpected(checked.error());
  if (checked->type == StatementType::kParty)
    return invalid_input("entry " + std::to_string(seq) + " is a party registration, not a vehicle event");
  return VehicleEvent{seq, std::move(recorded), std::move(*checked)};
}

void PartyHistory::add(PartyRecord record, std::int64_t seq) {
  if (seq == 0) operator_id_ = record.id;
  auto& versions = parties_[record.id];
  const std::int64_t first_seq = versions.empty() ? seq : versions.front().first_seq;
  versions.push_back(PartyVersion{std::move(record), seq, first_seq});
}

const PartyVersion* PartyHistory::as_of(std::string_view id, std::int64_t seq) const {
  auto found = parties_.find(id);
  if (found == parties_.end()) return nullptr;
  const auto& versions = found->second;
  // The latest registration recorded before `seq`.
  auto after = std::partition_point(versions.begin(), versions.end(),
                                    [&](const PartyVersion& version) { return version.seq < seq; });
  return after == versions.begin() ? nullptr : &*(after - 1);
}

std::span<const PartyVersion> PartyHistory::versions(std::string_view id) const {
  auto found = parties_.find(id);
  if (found == parties_.end()) return {};
  return found->second;
}

std::vector<Withdrawal> withdrawals(std::span<const VehicleEvent> events, std::string_view operator_id) {
  std::vector<ChainItem> chain;
  chain.reserve(events.size());
  for (const auto& event : events) chain.push_back(ChainItem{event.seq, event.hash, &event.statement.object});
  return chain_withdrawals(chain, operator_id);
}

VehicleReport no_record_report(std::string_view vin) {
  VehicleReport report{std::string(vin), 0, {}, {}};
  report.findings.push_back(Finding{rules::code::kNoRecord, Severity::kMedium, std::string(vin), std::nullopt,
                                    "the ledger has no entry for VIN " + std::string(vin) +
                                        ": nothing it holds says where this vehicle came from or who holds it",
                                    {}});
  return report;
}


namespace {

std::string codes_at(std::span<const Finding> findings, Severity severity) {
  std::vector<std::string> codes;
  for (const auto& finding : findings)
    if (finding.severity == severity && std::find(codes.begin(), codes.end(), finding.code) == codes.end())
      codes.push_back(finding.code);
  std::string text;
  for (const auto& code : codes) text += (text.empty() ? "" : ", ") + code;
  return text;
}

}  // namespace

Verdict verdict_for(std::span<const Finding> findings) {
  Verdict verdict;
  for (const auto& finding : findings) verdict.worst = std::max(verdict.worst, finding.severity);
  verdict.clean = verdict.worst == Severity::kInfo;
  const std::string codes = codes_at(findings, verdict.worst);
  switch (verdict.worst) {
    case Severity::kCritical:
      verdict.words = "DO NOT RELEASE: the record ties this vehicle to an embargoed destination or a denied party (" +
                      codes + "); refer it to the export-control or sanctions authority.";
      break;
    case Severity::kHigh:
      verdict.words = "HOLD: the custody chain or the route contradicts the declarations (" + codes +
                      "); inspect the vehicle and its documents before release.";
      break;
    case Severity::kMedium:
      verdict.words = "CHECK: the record is incomplete or inconsistent (" + codes +
                      "); ask the parties named for their documents.";
      break;
    case Severity::kLow:
      verdict.words = "CLEAR, with remarks (" + codes + "): nothing in the record calls for holding the vehicle.";
      break;
    case Severity::kInfo:
      verdict.words = "CLEAR: the custody chain is complete and the vehicle went where its declarations said.";
      break;
  }
  return verdict;
}

}  // namespace vinledger

namespace vinledger {
namespace {

Severity worst_of(const VehicleReport& report) {
  Severity worst = Severity::kInfo;
  for (const auto& finding : report.findings) worst = std::max(worst, finding.severity);
  return worst;
}

std::int64_t count_at(const VehicleReport& report, Severity severity) {
  return std::count_if(report.findings.begin(), report.findings.end(),
                       [&](const Finding& finding) { return finding.severity == severity; });
}

// Worse first: a worse severity, then more findings at it, then more
// findings, then the VIN (so the order never depends on timing).
bool worse_than(const VehicleReport& a, const VehicleReport& b) {
  const Severity wa = worst_of(a), wb = worst_of(b);
  if (wa != wb) return wa > wb;
  if (count_at(a, wa) != count_at(b, wb)) return count_at(a, wa) > count_at(b, wb);
  if (a.findings.size() != b.findings.size()) return a.findings.size() > b.findings.size();
  return a.vin < b.vin;
}

nlohmann::json by_severity_json(const std::array<std::int64_t, 5>& counts) {
  nlohmann::json object = nlohmann::json::object();
  for (std::size_t i = 0; i < counts.size(); ++i) object[std::string(to_string(static_cast<Severity>(i)))] = counts[i];
  return object;
}

}  // namespace

void ScreenSummary::add(const VehicleReport& report) {
  ++vehicles;
  entries += report.entries;
  for (const auto& finding : report.findings) {
    const auto level = static_cast<std::size_t>(finding.severity);
    ++findings_by_severity[level];
    ++findings_by_code[finding.code][level];
  }
  const Severity worst_severity = worst_of(report);
  ++vehicles_by_worst[static_cast<std::size_t>(worst_severity)];
  if (worst_severity == Severity::kInfo) return;
  if (worst.size() == kWorstKept && !worse_than(report, worst.back())) return;
  worst.insert(std::upper_bound(worst.begin(), worst.end(), report, worse_than), report);
  if (worst.size() > kWorstKept) worst.pop_back();
}

nlohmann::json ScreenSummary::to_json() const {
  nlohmann::json codes = nlohmann::json::object();
  for (const auto& [code, counts] : findings_by_code) codes[code] = by_severity_json(counts);
  nlohmann::json worst_list = nlohmann::json::array();
  for (const auto& report : worst) {
    nlohmann::json codes_of = nlohmann::json::array();
    for (const auto& finding : report.findings)
      if (std::find(codes_of.begin(), codes_of.end(), finding.code) == codes_of.end()) codes_of.push_back(finding.code);
    worst_list.push_back({{"vin", report.vin},
                          {"worst", to_string(worst_of(report))},
                          {"findings", report.findings.size()},
                          {"codes", codes_of},
                          {"verdict", verdict_for(report.findings).words}});
  }
  return {{"vehicles", vehicles},
          {"entries", entries},
          {"findings", by_severity_json(findings_by_severity)},
          {"vehicles_by_worst", by_severity_json(vehicles_by_worst)},
          {"findings_by_code", codes},
          {"worst_vehicles", worst_list}};
}

}  // namespace vinledger
