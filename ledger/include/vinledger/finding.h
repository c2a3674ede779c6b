// Findings: what verification and audit report. The JSON shape is contract:
//   {"code", "severity", "vin", "seq", "message", "evidence": [seq, ...]}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vinledger {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };

std::string_view to_string(Severity severity);
std::optional<Severity> severity_from(std::string_view name);

struct Finding {
  std::string code;  // e.g. "HASH_MISMATCH", "ROUTE_DEVIATION"
  Severity severity = Severity::kInfo;
  std::optional<std::string> vin;  // none for findings about the log itself
  std::optional<std::int64_t> seq;
  std::string message;
  std::vector<std::int64_t> evidence;  // the entries that prove it
};

nlohmann::json to_json(const Finding& finding);

// True if any finding is at or above `threshold` (the --fail-on rule).
bool any_at_or_above(const std::vector<Finding>& findings, Severity threshold);

}  // namespace vinledger
