// Reading a vehicle event's fields without trusting their presence: the
// statement contract guarantees them for entries the ledger accepted, but
// verification also runs on entries read back from files.
#pragma once

#include <string_view>
#include <vector>

#include "vinledger/verification.h"

namespace vinledger {

// The string field `name`, or "" when absent or not a string.
inline std::string_view text_field(const VehicleEvent& event, const char* name) {
  const auto& object = event.statement.object;
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

// The strings of the array field `name` (e.g. `via`).
inline std::vector<std::string_view> text_list_field(const VehicleEvent& event, const char* name) {
  std::vector<std::string_view> list;
  const auto& object = event.statement.object;
  auto it = object.find(name);
  if (it == object.end() || !it->is_array()) return list;
  for (const auto& item : *it)
    if (item.is_string()) list.push_back(item.get_ref<const std::string&>());
  return list;
}

// A UN/LOCODE's first two letters are its country.
inline std::string_view country_of_port(std::string_view locode) {
  return locode.size() >= 2 ? locode.substr(0, 2) : std::string_view();
}

// A leg of a journey: a `ship` (sea) or a `move` (road, rail, air).
inline bool is_leg(StatementType type) { return type == StatementType::kShip || type == StatementType::kMove; }

// Where a leg starts and ends (UN/LOCODEs).
inline std::string_view leg_from(const VehicleEvent& event) {
  return text_field(event, event.statement.type == StatementType::kShip ? "from_port" : "from_place");
}
inline std::string_view leg_to(const VehicleEvent& event) {
  return text_field(event, event.statement.type == StatementType::kShip ? "to_port" : "to_place");
}

// The country an event puts the vehicle in: its `country`, or for a leg
// the country of the place it goes to.
inline std::string_view place_of(const VehicleEvent& event) {
  if (is_leg(event.statement.type)) return country_of_port(leg_to(event));
  return text_field(event, "country");
}

inline StatementType type_of(const VehicleEvent& event) { return event.statement.type; }

}  // namespace vinledger
