// The rule registry: every finding code of verification, its default
// severity (the one in its docs/rules.md heading) and the check that emits
// it. verify_vehicle runs the checks in this order.
#pragma once

#include <span>

#include "rules/rules.h"

namespace vinledger::rules {

using Check = void (*)(const VehicleContext&, Findings&);

struct RuleSpec {
  const char* code;
  Severity severity;  // default; a check may report lower or higher, as docs/rules.md says
  Check check;
};

std::span<const RuleSpec> rule_registry();

}  // namespace vinledger::rules
