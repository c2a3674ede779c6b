#include "vinledger/finding.h"

#include <array>

namespace vinledger {
namespace {
constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};
}

std::string_view to_string(Severity severity) { return kSeverityNames[static_cast<std::size_t>(severity)]; }

std::optional<Severity> severity_from(std::string_view name) {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i)
    if (kSeverityNames[i] == name) return static_cast<Severity>(i);
  return std::nullopt;
}

nlohmann::json to_json(const Finding& finding) {
  return nlohmann::json{{"code", finding.code},
                        {"severity", to_string(finding.severity)},
                        {"vin", finding.vin ? nlohmann::json(*finding.vin) : nlohmann::json(nullptr)},
                        {"seq", finding.seq ? nlohmann::json(*finding.seq) : nlohmann::json(nullptr)},
                        {"message", finding.message},
                        {"evidence", finding.evidence}};
}

bool any_at_or_above(const std::vector<Finding>& findings, Severity threshold) {
  for (const auto& finding : findings)
    if (finding.severity >= threshold) return true;
  return false;
}

}  // namespace vinledger
