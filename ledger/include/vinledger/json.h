// The JSON documents vinledger prints: one renderer per result type, shared
// by the command line's --json and the HTTP API, so that both give the same
// bytes for the same question. docs/format.md ("Command output") is the
// contract for every shape here; docs/api.md names the route of each.
//
// nlohmann::json is part of the public API on purpose: JSON is the contract.
// Objects are printed with their members sorted by name and no whitespace.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinledger/checkpoint.h"
#include "vinledger/finding.h"
#include "vinledger/group_commit.h"
#include "vinledger/ledger.h"
#include "vinledger/result.h"
#include "vinledger/verification.h"

namespace vinledger {

// A document's bytes as printed: compact JSON, then a newline.
std::string json_text(const nlohmann::json& document);

// `append`: {"appended", "first_seq", "skipped"}.
nlohmann::json to_json(const AppendReport& report);

// A party's roles, in the order of the Role enum: ["dealer", "exporter"].
nlohmann::json roles_json(RoleSet roles);

// One party of `party list`: {"id", "name", "country", "roles", "vkey",
// "wmi", "registered_seq", "key_seq", "revoked"}.
nlohmann::json to_json(const PartyInfo& party);
// `party list`: {"parties": [...]}.
nlohmann::json parties_json(std::span<const PartyInfo> parties);
// `party add` and `party revoke`: {"seq", "id"}, with "revoked": true for a
// revocation.
nlohmann::json party_recorded_json(const AppendReport& report, std::string_view id, bool revoked);

// `history VIN`: {"vin", "entries": [{"hash", "entry", "withdrawn"}]},
// withdrawn null or {"by", "reason"}.
nlohmann::json history_json(std::string_view vin, std::span<const LedgerEntry> entries);
// `record`: {"seq", "hash", "entry"}.
nlohmann::json recorded_json(const LedgerEntry& entry);
// The head of a chain (GET /v1/vehicles/VIN/head): {"chain", "head", "seq"},
// head and seq null for a chain with no entries.
nlohmann::json head_json(std::string_view chain, const std::optional<ChainHeadInfo>& head);

// `audit`: {"size", "root", "since", "findings", "resume"}, resume null or
// {"size", "note"}.
nlohmann::json to_json(const AuditReport& report);
nlohmann::json findings_json(std::span<const Finding> findings);

// `checkpoint`: {"id", "issued", "origin", "size", "root", "note"}.
nlohmann::json to_json(const IssuedCheckpoint& checkpoint);
// `checkpoint --list`: {"checkpoints": [...]}.
nlohmann::json checkpoints_json(std::span<const IssuedCheckpoint> checkpoints);
// What a checkpoint says, without its signatures: {"origin", "size", "root"}.
nlohmann::json checkpoint_summary_json(const Checkpoint& checkpoint);

// `consistency`: {"old", "new", "proof", "findings"}; each side
// {"size", "root", "note"}; proof null when there is a finding.
nlohmann::json to_json(const ConsistencyReport& report);

// {"worst", "clean", "words"}.
nlohmann::json to_json(const Verdict& verdict);
// `verify VIN`: {"vin", "findings", "withdrawn", "verdict"}; withdrawn
// [{"seq", "by", "reason", "replaced_by"}].
nlohmann::json to_json(const VehicleReport& report);

// `screen`: {"findings": [...], "summary": {...}}, written as it goes so
// that memory does not grow with the ledger: begin(), then vehicle() for
// each vehicle's report in order, then end(). Only findings at or above
// `min` are listed; the summary counts all of them.
class ScreenJsonWriter {
 public:
  explicit ScreenJsonWriter(Severity min) : min_(min) {}
  // "{\"findings\":[".
  std::string begin();
  // The vehicle's listed findings, each preceded by a comma but the first.
  std::string vehicle(const VehicleReport& report);
  // "],\"summary\":{...}}\n".
  std::string end(const ScreenSummary& summary, const VerifyOptions& options);
  // What closes the document after a failure: "]}\n".
  std::string abort();

 private:
  Severity min_;
  bool first_ = true;
};

// The write API's answer (POST /v1/statements), as the bytes of the body:
// {"recorded", "statements": [{"line", "seq", "hash", "entry", "receipt"}]}
// and a newline, members in the order json_text prints them. `entry` is
// the bytes that were hashed (JCS, so already JSON), put in as they are:
// parsing and printing each again was most of a batch's answer time.
// `receipt` is the C2SP tlog-proof of it.
[[nodiscard]] std::string submitted_json_text(const Submitted& submitted);

// The HTTP API's error body: {"error": {"code", "message", "line"}}, line
// null when the error is not about one line of the request.
nlohmann::json error_json(std::string_view code, std::string_view message, std::optional<std::int64_t> line = {});

}  // namespace vinledger
