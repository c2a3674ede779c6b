#include "vinledger/json.h"

#include "vinledger/encoding.h"
#include "vinledger/timestamp.h"

namespace vinledger {
namespace {

nlohmann::json hex_or_null(const std::optional<Hash>& hash) {
  return hash ? nlohmann::json(to_hex(*hash)) : nlohmann::json(nullptr);
}

nlohmann::json side_json(const ConsistencySide& side) {
  return {{"size", side.checkpoint.size}, {"root", to_hex(side.checkpoint.root)}, {"note", side.note}};
}

}  // namespace

std::string json_text(const nlohmann::json& document) { return document.dump() + "\n"; }

nlohmann::json to_json(const AppendReport& report) {
  return {{"appended", report.count}, {"first_seq", report.first_seq}, {"skipped", report.skipped}};
}

nlohmann::json roles_json(RoleSet roles) {
  nlohmann::json list = nlohmann::json::array();
  for (unsigned i = 0; i <= static_cast<unsigned>(Role::kRegulator); ++i)
    if (roles.has(static_cast<Role>(i))) list.push_back(to_string(static_cast<Role>(i)));
  return list;
}

nlohmann::json to_json(const PartyInfo& party) {
  return {{"id", party.record.id},
          {"name", party.record.name},
          {"country", party.record.country},
          {"roles", roles_json(party.record.roles)},
          {"vkey", party.record.vkey.text()},
          {"wmi", party.record.wmi},
          {"registered_seq", party.first_seq},
          {"key_seq", party.seq},
          {"revoked", party.record.revoked}};
}

nlohmann::json parties_json(std::span<const PartyInfo> parties) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& party : parties) list.push_back(to_json(party));
  return {{"parties", list}};
}

nlohmann::json party_recorded_json(const AppendReport& report, std::string_view id, bool revoked) {
  nlohmann::json document = {{"seq", report.first_seq}, {"id", id}};
  if (revoked) document["revoked"] = true;
  return document;
}

nlohmann::json history_json(std::string_view vin, std::span<const LedgerEntry> entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& entry : entries) {
    nlohmann::json withdrawn = nullptr;
    if (entry.withdrawn) withdrawn = {{"by", entry.withdrawn->by}, {"reason", entry.withdrawn->reason}};
    list.push_back({{"hash", to_hex(entry.hash)}, {"entry", entry.entry}, {"withdrawn", withdrawn}});
  }
  // `party/ID` is a party's own chain (docs/format.md, "history").
  if (vin.starts_with("party/")) return {{"party", vin.substr(6)}, {"entries", list}};
  return {{"vin", vin}, {"entries", list}};
}

nlohmann::json recorded_json(const LedgerEntry& entry) {
  return {{"seq", entry.entry["seq"]}, {"hash", to_hex(entry.hash)}, {"entry", entry.entry}};
}

nlohmann::json head_json(std::string_view chain, const std::optional<ChainHeadInfo>& head) {
  return {{"chain", chain},
          {"head", head ? nlohmann::json(to_hex(head->hash)) : nlohmann::json(nullptr)},
          {"seq", head ? nlohmann::json(head->seq) : nlohmann::json(nullptr)}};
}

nlohmann::json findings_json(std::span<const Finding> findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& finding : findings) list.push_back(to_json(finding));
  return list;
}

nlohmann::json to_json(const AuditReport& report) {
  nlohmann::json resume = nullptr;
  if (report.resume) resume = {{"size", report.resume->size}, {"note", report.resume->note}};
  return {{"size", report.size},
          {"root", hex_or_null(report.root)},
          {"since", report.first_seq},
          {"findings", findings_json(report.findings)},
          {"resume", resume}};
}

nlohmann::json to_json(const IssuedCheckpoint& checkpoint) {
  return {{"id", checkpoint.id},
          {"issued", checkpoint.issued},
          {"origin", checkpoint.checkpoint.origin},
          {"size", checkpoint.checkpoint.size},
          {"root", to_hex(checkpoint.checkpoint.root)},
          {"note", checkpoint.note}};
}

nlohmann::json checkpoints_json(std::span<const IssuedCheckpoint> checkpoints) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& checkpoint : checkpoints) list.push_back(to_json(checkpoint));
  return {{"checkpoints", list}};
}

nlohmann::json checkpoint_summary_json(const Checkpoint& checkpoint) {
  return {{"origin", checkpoint.origin}, {"size", checkpoint.size}, {"root", to_hex(checkpoint.root)}};
}

nlohmann::json to_json(const ConsistencyReport& report) {
  nlohmann::json proof(nullptr);
  if (report.proof) {
    proof = nlohmann::json::array();
    for (const Hash& hash : *report.proof) proof.push_back(base64_encode(hash));
  }
  return {{"old", side_json(report.old_side)},
          {"new", side_json(report.new_side)},
          {"proof", proof},
          {"findings", findings_json(report.findings)}};
}

nlohmann::json to_json(const Verdict& verdict) {
  return {{"worst", to_string(verdict.worst)}, {"clean", verdict.clean}, {"words", verdict.words}};
}

nlohmann::json withdrawn_json(std::span<const Withdrawal> withdrawn) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& withdrawal : withdrawn)
    list.push_back({{"seq", withdrawal.seq},
                    {"by", withdrawal.by},
                    {"reason", withdrawal.reason},
                    {"replaced_by", withdrawal.replaced_by ? nlohmann::json(*withdrawal.replaced_by) : nullptr}});
  return list;
}

nlohmann::json to_json(const VehicleReport& report) {
  return {{"vin", report.vin},
          {"findings", findings_json(report.findings)},
          {"withdrawn", withdrawn_json(report.withdrawn)},
          {"verdict", to_json(verdict_for(report.findings))}};
}

std::string ScreenJsonWriter::begin() {
  first_ = true;
  return "{\"findings\":[";
}

std::string ScreenJsonWriter::vehicle(const VehicleReport& report) {
  std::string text;
  for (const auto& finding : report.findings) {
    if (finding.severity < min_) continue;
    if (!first_) text += ',';
    text += to_json(finding).dump();
    first_ = false;
  }
  return text;
}

std::string ScreenJsonWriter::end(const ScreenSummary& summary, const VerifyOptions& options) {
  nlohmann::json document = summary.to_json();
  document["as_of"] = format_timestamp(options.as_of.seconds);
  document["arrival_window_days"] = options.arrival_window_days;
  document["min"] = to_string(min_);
  return "],\"summary\":" + document.dump() + "}\n";
}

std::string ScreenJsonWriter::abort() { return "]}\n"; }

std::string submitted_json_text(const Submitted& submitted) {
  std::string text = submitted.recorded_now ? "{\"recorded\":true,\"statements\":[" : "{\"recorded\":false,\"statements\":[";
  for (std::size_t i = 0; i < submitted.receipts.size(); ++i) {
    const Receipt& receipt = submitted.receipts[i];
    text += i == 0 ? "{\"entry\":" : ",{\"entry\":";
    text += receipt.leaf;
    text += ",\"hash\":\"";
    text += to_hex(receipt.hash);
    text += "\",\"line\":";
    text += std::to_string(receipt.line);
    text += ",\"receipt\":";
    text += nlohmann::json(receipt.tlog_proof).dump();  // escaped as every other output escapes
    text += ",\"seq\":";
    text += std::to_string(receipt.seq);
    text += '}';
  }
  text += "]}\n";
  return text;
}

nlohmann::json error_json(std::string_view code, std::string_view message, std::optional<std::int64_t> line) {
  return {{"error",
           {{"code", code}, {"message", message}, {"line", line ? nlohmann::json(*line) : nlohmann::json(nullptr)}}}};
}

}  // namespace vinledger
