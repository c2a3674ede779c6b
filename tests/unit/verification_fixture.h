// In-memory chains for the rule tests: statements built as JSON (with a
// well-formed but meaningless signature: rules never check signatures),
// a fixed set of registered parties, and the shipped reference data.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "vinledger/encoding.h"
#include "vinledger/keys.h"
#include "vinledger/verification.h"

namespace vinledger::test {

using nlohmann::json;

// Parties every test may use, registered at seqs 1-10 (events start at 20).
inline PartyRecord party(const std::string& id, const std::string& name, const std::string& country,
                         std::initializer_list<Role> roles, std::vector<std::string> wmi = {}) {
  PartyRecord record{id, name, country, RoleSet{}, VerifierKey::from_public_key(id, PublicKeyBytes{}), std::move(wmi)};
  for (Role role : roles) record.roles.add(role);
  return record;
}

inline PartyHistory standard_parties() {
  PartyHistory history;
  history.add(party("toyota", "Toyota Motor Corporation", "JP", {Role::kManufacturer}, {"JTJ", "JTM"}), 1);
  history.add(party("kansai", "Kansai Prestige Motors K.K.", "JP", {Role::kDealer, Role::kExporter}), 2);
  history.add(party("orient", "Orient Crest Shipping Co., Ltd.", "JP", {Role::kCarrier}), 3);
  history.add(party("gulf", "Gulf Premium Motors LLC", "AE", {Role::kImporter, Role::kDealer}), 4);
  history.add(party("rta", "Dubai Roads and Transport Authority", "AE", {Role::kRegistry}), 5);
  history.add(party("lion", "Lion City Auto Trading Pte Ltd", "SG", {Role::kImporter, Role::kDealer, Role::kExporter}), 6);
  history.add(party("vostok", "Vostok Premium Auto LLC", "RU", {Role::kImporter}), 7);
  history.add(party("komid", "KOMID Co., Ltd.", "CN", {Role::kImporter}), 8);
  history.add(party("naniwa", "Naniwa Auto Sales K.K.", "JP", {Role::kDealer}), 9);
  history.add(party("hanse", "Hanse Fahrzeug Export GmbH", "DE", {Role::kDealer, Role::kExporter}), 10);
  history.add(party("maker", "Maker Without WMI List", "JP", {Role::kManufacturer}), 11);
  return history;
}

// The data shipped in ledger/data.
inline const ReferenceData& shipped_reference() {
  static const ReferenceData data = [] {
    auto loaded = ReferenceData::load(std::filesystem::path(VINLEDGER_FIXTURES_DIR) / ".." / "ledger" / "data");
    if (!loaded) FAIL(loaded.error().message);
    return std::move(*loaded);
  }();
  return data;
}

inline const std::string kVin = "JTJHY7AX0N4000321";  // Lexus, correct check digit

// A real seaport (UN/LOCODE) of a country, for statements that need one.
inline std::string port_in(const std::string& country) {
  static const std::map<std::string, std::string> ports = {
      {"JP", "JPUKB"}, {"AE", "AEJEA"}, {"SG", "SGSIN"}, {"RU", "RUVVO"}, {"KP", "KPNAM"}, {"BD", "BDCGP"},
      {"OM", "OMSOH"}, {"DE", "DEBRV"}, {"CN", "CNDAL"}, {"KR", "KRPUS"}, {"PK", "PKKHI"}, {"MY", "MYPKG"},
      {"KG", "KGFRU"}, {"KZ", "KZALA"}, {"GE", "GEPTI"}, {"US", "USBAL"}, {"TH", "THLCH"}, {"IN", "INNSA"}};
  auto found = ports.find(country);
  return found == ports.end() ? country + "XXX" : found->second;
}

// A chain of events for one VIN; each added statement gets the next seq.
class Chain {
 public:
  explicit Chain(std::string vin = kVin, std::int64_t first_seq = 20) : vin_(std::move(vin)), next_seq_(first_seq) {}

  Chain& add(const std::string& type, const std::string& time, const std::string& actor, json fields) {
    fields["type"] = type;
    fields["vin"] = vin_;
    fields["time"] = time;
    fields["actor"] = actor;
    fields["sig"] = base64_encode(std::vector<std::uint8_t>(64, 0));
    auto event = vehicle_event_from(next_seq_++, "2024-01-01T00:00:00Z", fields);
    if (!event) FAIL(fields.dump() << ": " << event.error().message);
    events_.push_back(std::move(*event));
    return *this;
  }

  Chain& manufacture(const std::string& time, const std::string& actor = "toyota", const std::string& country = "JP") {
    return add("manufacture", time, actor, {{"country", country}, {"make", "Lexus"}, {"model", "LX 600"}, {"year", 2023}});
  }
  Chain& transfer(const std::string& time, const std::string& from, const std::string& to,
                  const std::string& country = "JP", const std::string& actor = "") {
    return add("transfer", time, actor.empty() ? from : actor, {{"from", from}, {"to", to}, {"country", country}});
  }
  Chain& export_to(const std::string& time, const std::string& destination, json consignee, json extra = json::object(),
                   const std::string& actor = "kansai", const std::string& country = "JP") {
    json fields = {{"country", country}, {"port", port_in(country)}, {"destination", destination},
                   {"consignee", std::move(consignee)}, {"doc", doc("EXP")}};
    for (auto& [key, value] : extra.items()) fields[key] = value;
    return add("export", time, actor, fields);
  }
  Chain& ship(const std::string& time, const std::string& from, const std::string& to, const std::string& actor = "orient") {
    return add("ship", time, actor, {{"from_port", from}, {"to_port", to}, {"doc", doc("BL")}});
  }
  Chain& import_into(const std::string& time, const std::string& country, const std::string& actor) {
    return add("import", time, actor, {{"country", country}, {"port", port_in(country)}, {"doc", doc("CUS")}});
  }
  Chain& register_in(const std::string& time, const std::string& country, const std::string& owner = "A. Owner",
                     const std::string& actor = "rta") {
    return add("register", time, actor, {{"country", country}, {"owner", owner}});
  }
  Chain& destroy(const std::string& time, const std::string& actor, const std::string& country = "JP") {
    return add("destroy", time, actor, {{"country", country}});
  }

  std::vector<Finding> verify(const std::string& as_of = "2024-01-01", int window = 90,
                              const ReferenceData& reference = shipped_reference()) const {
    static const PartyHistory parties = standard_parties();
    return verify_with(parties, as_of, window, reference);
  }
  std::vector<Finding> verify_with(const PartyHistory& parties, const std::string& as_of = "2024-01-01",
                                   int window = 90, const ReferenceData& reference = shipped_reference()) const {
    VerifyOptions options{*parse_date_or_timestamp(as_of), window};
    return verify_vehicle(vin_, events_, parties, reference, options);
  }

  // The seq of the i-th event added.
  std::int64_t seq(std::size_t i) const { return events_.at(i).seq; }

 private:
  // A document number of its own for each statement: two statements with
  // one number are one event (docs/format.md "Event identity").
  std::string doc(const char* kind) const { return std::string(kind) + "-" + std::to_string(next_seq_); }

  std::string vin_;
  std::int64_t next_seq_;
  std::vector<VehicleEvent> events_;
};

// A clean export Japan -> UAE, the base most tests bend: seqs 20-25.
inline Chain clean_export(std::string vin = kVin) {
  Chain chain(std::move(vin));
  chain.manufacture("2023-04-03T02:00:00Z")
      .transfer("2023-05-10T05:30:00Z", "toyota", "kansai")
      .export_to("2023-06-01T01:15:00Z", "AE", "gulf", {{"value", {{"amount", 9800000}, {"currency", "JPY"}}}});
  return chain;
}

inline std::vector<Finding> with_code(const std::vector<Finding>& findings, const std::string& code) {
  std::vector<Finding> matching;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(matching),
               [&](const Finding& f) { return f.code == code; });
  return matching;
}

inline std::vector<Finding> above_info(const std::vector<Finding>& findings) {
  std::vector<Finding> matching;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(matching),
               [](const Finding& f) { return f.severity > Severity::kInfo; });
  return matching;
}

inline std::string listed(const std::vector<Finding>& findings) {
  std::string text;
  for (const auto& f : findings)
    text += std::string(to_string(f.severity)) + " " + f.code + " seq " + std::to_string(f.seq.value_or(-1)) + ": " +
            f.message + "\n";
  return text;
}

inline bool mentions(const Finding& finding, const std::string& text) {
  return finding.message.find(text) != std::string::npos;
}

}  // namespace vinledger::test
