#include "vinledger/event_identity.h"

#include "vinledger/canonical_json.h"

namespace vinledger {
namespace {

// Members that say when, after what and for which log the event was
// asserted, and the signature over them: the same event re-signed later
// differs only in these.
bool is_circumstance(const std::string& member) {
  return member == "time" || member == "prev" || member == "sig" || member == "log";
}

}  // namespace

Result<EventIdentity> event_identity(const nlohmann::json& statement) {
  if (!statement.is_object()) return invalid_input("a statement must be a JSON object");
  nlohmann::json identity = nlohmann::json::object();
  EventIdentity result;
  auto doc = statement.find("doc");
  if (doc != statement.end() && doc->is_string()) {
    // A document number names one business event of its issuer: a second
    // statement of it by the same party about the same VIN is the same event,
    // even if another field was mistyped (a correction voids the first).
    for (const char* member : {"actor", "doc", "type", "vin"})
      if (auto it = statement.find(member); it != statement.end()) identity[member] = *it;
    result.sameness = "same VIN, type, actor and document " + doc->get<std::string>();
  } else {
    std::string fields;
    for (const auto& [member, value] : statement.items()) {
      if (is_circumstance(member)) continue;
      identity[member] = value;
      if (member != "type" && member != "vin" && member != "actor")
        fields += (fields.empty() ? "" : ", ") + member;
    }
    const bool party = statement.value("type", "") == "party";
    result.sameness = party ? "same registration (" + fields + ")"
                            : "same VIN, type, actor and fields (" + fields + ")";
  }
  auto bytes = canonical_json(identity);
  if (!bytes) return std::unexpected(bytes.error());
  result.digest = sha256(*bytes);
  return result;
}

}  // namespace vinledger
