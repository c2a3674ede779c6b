// Whether an embargo rule binds the supply of this vehicle to a country,
// and why: shared by the embargo, diversion, re-export, going-dark and
// undervaluation checks, so that each asks the same question the same way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/rules.h"

namespace vinledger::rules {

// How sure it is that a rule covers this vehicle (value, engine, fuel, HS).
enum class Coverage { kNone, kUnjudgeable, kUncertain, kCertain };

// The severity a finding takes from a coverage: critical when certain,
// high when uncertain, low when it cannot be judged at all.
Severity severity_of(Coverage coverage);

// Why a rule binds this supply.
enum class Basis {
  kExportedFrom,  // the voyage (or the country the vehicle is in) is one the rule binds
  kNational,      // the exporter is registered in a country the rule binds, wherever it acts
  kOrigin,        // the vehicle was made in a country whose rule follows its goods
  kFollows,       // it left a bound country earlier, for a third country (indirect supply)
};

struct Exposure {
  const EmbargoRule* rule = nullptr;
  Basis basis = Basis::kExportedFrom;
  const Voyage* binding_voyage = nullptr;  // the export the rule binds (kExportedFrom, kNational, kFollows)
  Coverage coverage = Coverage::kNone;
  std::string why;                    // the coverage test in words ("the declared value ... exceeds ...")
  std::string basis_text;             // "it left Japan (JP) at seq 7 under export EXP-1"
  std::vector<std::int64_t> evidence; // entries the basis and coverage rest on
};

// Every rule that covers `country` and binds a supply of the vehicle there
// by the event at position `index` (its voyage, if any, is `voyage`;
// `from_country` is where the vehicle leaves from), with its coverage. Rules
// whose coverage is kNone are left out.
std::vector<Exposure> exposures(const VehicleContext& context, std::string_view country, std::size_t index,
                                const Voyage* voyage, std::string_view from_country);

// The voyage event `index` belongs to (an export: the one it opens), or null.
const Voyage* voyage_during(const VehicleContext& context, std::size_t index);

// The export's declared value, if it has one.
std::optional<Money> declared_value(const VehicleEvent& declaration);

// What the vehicle should be worth, in `currency`, at the time of the
// export at position `index`: the reference-value table for its make,
// model and year while it is at most kReferenceAgeYears old, else the
// highest value declared on an earlier export of it. `text` says which.
struct ReferenceWorth {
  Money value;
  std::string text;
  std::vector<std::int64_t> evidence;
};
inline constexpr std::int64_t kReferenceAgeYears = 3;
std::optional<ReferenceWorth> reference_worth(const VehicleContext& context, std::size_t index,
                                              std::string_view currency);

// "EU-RU-LUXURY-CARS (legal basis...; cited wording verified): why".
std::string rule_text(const EmbargoRule& rule, const std::string& why);

// Rules joined with ", " and " and ".
std::string joined(const std::vector<std::string>& parts);

}  // namespace vinledger::rules
