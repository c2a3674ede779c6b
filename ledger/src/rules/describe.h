// Words for findings: parties, countries, ports, events and seqs named the
// way a customs officer reads them, e.g. "Kobe (JPUKB), Japan (JP)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rules.h"

namespace vinledger::rules {

// "Kansai Prestige Motors K.K. (kansai-motors)" as registered before `seq`;
// "'x' (not a registered party)" when it is not.
std::string party_label(const VehicleContext& context, std::string_view id, std::int64_t seq);
// "Bangladesh (BD)".
std::string country_label(const VehicleContext& context, std::string_view code);
// "Chattogram (BDCGP), Bangladesh (BD)".
std::string port_label(const VehicleContext& context, std::string_view locode);
// "the export declaration at seq 5", "the shipping leg at seq 6".
std::string event_label(const VehicleEvent& event);
// What an event says, briefly: "shipped Kobe (JPUKB), Japan (JP) -> ...".
std::string event_summary(const VehicleContext& context, const VehicleEvent& event);
// "the export declared at seq 5 (EXP-1) from Japan (JP) for Singapore (SG)
// via Malaysia (MY)".
std::string voyage_text(const VehicleContext& context, const Voyage& voyage);
// "Bangladesh (BD) is neither the declared destination Singapore (SG) nor a
// declared transit country (none declared)".
std::string off_route_text(const VehicleContext& context, const Voyage& voyage, std::string_view country);
// "seq 3", "seqs 3 and 5", "seqs 3, 5 and 7".
std::string seqs_text(std::vector<std::int64_t> seqs);
// "2023-06-01".
std::string date_text(const UtcTime& time);

}  // namespace vinledger::rules
